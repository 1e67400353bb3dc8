/**
 * Addresses <-> scriptPubKeys, as Core's key_io.cpp (DecodeDestination / EncodeDestination),
 * with its error messages, which `validateaddress` returns in "error".
 */
import { concatBytes } from './bytes.js';
import type { ChainParams } from './chainparams.js';
import { decodeBase58, decodeBase58Check, encodeBase58Check } from './base58.js';
import { convertBits, decodeBech32, encodeBech32, locateBech32Errors } from './bech32.js';
import {
  P2A_SCRIPT,
  p2pkhScript,
  p2shScript,
  solveScript,
  witnessProgramScript,
} from './script-templates.js';

type AddressParams = Pick<ChainParams, 'bech32Hrp' | 'base58Prefixes'>;

export type DecodeAddressResult =
  { ok: true; scriptPubKey: Uint8Array } | { ok: false; error: string; errorLocations: number[] };

/** Core's BECH32_WITNESS_PROG_MAX_LEN. */
const WITNESS_PROGRAM_MAX_BYTES = 40;

const fail = (error: string, errorLocations: number[] = []): DecodeAddressResult => ({
  ok: false,
  error,
  errorLocations,
});

export function decodeAddress(str: string, params: AddressParams): DecodeAddressResult {
  const hrp = params.bech32Hrp;
  // A string that starts with this network's HRP is only tried as Bech32 (so a valid Bech32
  // address of another network falls to the Base58 branch and gets its messages).
  const isBech32 = str.slice(0, hrp.length).toLowerCase() === hrp;

  if (!isBech32) {
    const data = decodeBase58Check(str, 21);
    if (data !== undefined) {
      const { pubkey, script } = params.base58Prefixes;
      if (data.length === 21 && data[0] === pubkey) {
        return { ok: true, scriptPubKey: p2pkhScript(data.subarray(1)) };
      }
      if (data.length === 21 && data[0] === script) {
        return { ok: true, scriptPubKey: p2shScript(data.subarray(1)) };
      }
      if (data.length >= 1 && (data[0] === pubkey || data[0] === script)) {
        return fail('Invalid length for Base58 address (P2PKH or P2SH)');
      }
      return fail('Invalid or unsupported Base58-encoded address.');
    }
    // Core retries without the checksum and a larger limit only to choose the message.
    if (decodeBase58(str, 100) === undefined) {
      return fail('Invalid or unsupported Segwit (Bech32) or Base58 encoding.');
    }
    return fail('Invalid checksum or length of Base58 address (P2PKH or P2SH)');
  }

  const dec = decodeBech32(str);
  if (dec !== undefined) {
    if (dec.data.length === 0) return fail('Empty Bech32 data section');
    if (dec.hrp !== hrp) {
      return fail(
        `Invalid or unsupported prefix for Segwit (Bech32) address (expected ${hrp}, got ${dec.hrp}).`,
      );
    }
    const version = dec.data[0]!;
    if (version === 0 && dec.encoding !== 'bech32') {
      return fail('Version 0 witness address must use Bech32 checksum');
    }
    if (version !== 0 && dec.encoding !== 'bech32m') {
      return fail('Version 1+ witness address must use Bech32m checksum');
    }
    const program = convertBits(dec.data.slice(1), 5, 8, false);
    if (program === undefined) return fail('Invalid padding in Bech32 data section');
    const bytes = Uint8Array.from(program);
    const unit = bytes.length === 1 ? 'byte' : 'bytes';
    if (version === 0) {
      if (bytes.length === 20 || bytes.length === 32) {
        return { ok: true, scriptPubKey: witnessProgramScript(0, bytes) };
      }
      return fail(`Invalid Bech32 v0 address program size (${bytes.length} ${unit}), per BIP141`);
    }
    if (version > 16) return fail('Invalid Bech32 address witness version');
    if (bytes.length < 2 || bytes.length > WITNESS_PROGRAM_MAX_BYTES) {
      return fail(`Invalid Bech32 address program size (${bytes.length} ${unit})`);
    }
    return { ok: true, scriptPubKey: witnessProgramScript(version, bytes) };
  }

  const located = locateBech32Errors(str);
  return fail(located.error, located.locations);
}

/**
 * The address of a scriptPubKey (Core's ExtractDestination + EncodeDestination); undefined for
 * scripts without one (bare pubkey, multisig, nulldata, nonstandard).
 */
export function encodeAddress(scriptPubKey: Uint8Array, params: AddressParams): string | undefined {
  const { type, solutions } = solveScript(scriptPubKey);
  const { pubkey, script } = params.base58Prefixes;
  switch (type) {
    case 'pubkeyhash':
      return encodeBase58Check(concatBytes(Uint8Array.of(pubkey), solutions[0]!));
    case 'scripthash':
      return encodeBase58Check(concatBytes(Uint8Array.of(script), solutions[0]!));
    case 'witness_v0_keyhash':
    case 'witness_v0_scripthash':
      return segwitAddress(params.bech32Hrp, 0, solutions[0]!);
    case 'witness_v1_taproot':
      return segwitAddress(params.bech32Hrp, 1, solutions[0]!);
    case 'anchor':
      return segwitAddress(params.bech32Hrp, 1, P2A_SCRIPT.subarray(2));
    case 'witness_unknown':
      return segwitAddress(params.bech32Hrp, solutions[0]![0]!, solutions[1]!);
    default:
      return undefined;
  }
}

function segwitAddress(hrp: string, version: number, program: Uint8Array): string {
  const data = [version, ...convertBits(program, 8, 5, true)!];
  return encodeBech32(version === 0 ? 'bech32' : 'bech32m', hrp, data);
}

/** Whether `str` is a valid address on this network (Core's IsValidDestinationString). */
export function isValidAddress(str: string, params: AddressParams): boolean {
  return decodeAddress(str, params).ok;
}
