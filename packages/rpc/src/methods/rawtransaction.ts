/**
 * Raw-transaction RPCs, as Core's rpc/rawtransaction.cpp: getrawtransaction (mempool, a given
 * block, or `-txindex`), decoderawtransaction, decodescript, createrawtransaction,
 * combinerawtransaction. Decoded transactions print as Core's TxToUniv (format/tx-to-json.ts).
 */
import {
  addDescriptorChecksum,
  bytesEqual,
  decodeAddress,
  encodeAddress,
  hash160,
  nullDataScript,
  OutPoint,
  p2shScript,
  p2wpkhScript,
  p2wshScript,
  parseScriptOps,
  sha256,
  solveScript,
  toHex,
  Transaction,
  type TxIn,
  type TxOut,
} from '@bitcoind-lite/consensus';
import { isUnspendableScript } from '@bitcoind-lite/mempool';
import { CPP_INT64, CPP_UINT32 } from '../registry.js';
import { AmountFromValue } from '../amount.js';
import { scriptPubKeyToJson } from '../format/script-pubkey.js';
import { txToJson } from '../format/tx-to-json.js';
import { isJsonObject, JsonNumber } from '../json.js';
import {
  RPC_DESERIALIZATION_ERROR,
  RPC_INVALID_ADDRESS_OR_KEY,
  RPC_INVALID_PARAMETER,
  RPC_MISC_ERROR,
  RPC_VERIFY_ERROR,
  RpcError,
} from '../protocol.js';
import type { RpcTable } from '../registry.js';
import type { NodeContext, RpcBlockIndex } from './node-context.js';
import { parseHashV, parseHexV, parseVerbosity } from './params.js';
import { decodeHexTx } from './rawtransaction-util.js';

const SEQUENCE_FINAL = 0xffffffff;
const MAX_SEQUENCE_NONFINAL = 0xfffffffe;
const MAX_BIP125_RBF_SEQUENCE = 0xfffffffd;
const BLOCK_HAVE_DATA = 8;
const OP_CHECKSIGADD = 0xba;
const MAX_OPCODE = 0xb9;

/** BIP342's OP_SUCCESSx opcodes (Core's IsOpSuccess). */
function isOpSuccess(op: number): boolean {
  return (
    op === 80 ||
    op === 98 ||
    (op >= 126 && op <= 129) ||
    (op >= 131 && op <= 134) ||
    (op >= 137 && op <= 138) ||
    (op >= 141 && op <= 142) ||
    (op >= 149 && op <= 153) ||
    (op >= 187 && op <= 254)
  );
}

function num(v: unknown): number | undefined {
  if (v instanceof JsonNumber) return Number(v.text);
  return typeof v === 'number' ? v : undefined;
}

/** Core's ScriptToUniv without hex (decodescript's top level). */
function scriptJson(script: Uint8Array, ctx: NodeContext): Record<string, unknown> {
  const { hex: _hex, ...rest } = scriptPubKeyToJson(script, ctx.params);
  return rest;
}

/**
 * decodescript's `segwit` object: P2WPKH for a key or key hash, else P2WSH of the script, with
 * the descriptor Core infers when it knows the witness script.
 */
function segwitJson(
  script: Uint8Array,
  type: string,
  solutions: Uint8Array[],
  ctx: NodeContext,
): Record<string, unknown> {
  let segwitScript: Uint8Array;
  let desc: string | undefined;
  if (type === 'pubkey') segwitScript = p2wpkhScript(hash160(solutions[0]!));
  else if (type === 'pubkeyhash') segwitScript = p2wpkhScript(solutions[0]!);
  else {
    segwitScript = p2wshScript(sha256(script));
    if (type === 'multisig') {
      const m = solutions[0]![0]!;
      const keys = solutions.slice(1, -1).map(toHex).join(',');
      desc = addDescriptorChecksum(`wsh(multi(${m},${keys}))`);
    }
  }
  const j = scriptPubKeyToJson(segwitScript, ctx.params);
  const out: Record<string, unknown> = { asm: j.asm, desc: desc ?? j.desc, hex: j.hex };
  if (j.address !== undefined) out['address'] = j.address;
  out['type'] = j.type;
  out['p2sh-segwit'] = encodeAddress(p2shScript(hash160(segwitScript)), ctx.params);
  return out;
}

function canWrapP2sh(script: Uint8Array, type: string): boolean {
  if (!['multisig', 'nonstandard', 'pubkey', 'pubkeyhash'].includes(type)) {
    if (!['witness_v0_keyhash', 'witness_v0_scripthash'].includes(type)) return false;
  }
  const ops = parseScriptOps(script);
  if (ops === undefined || ops.some((o) => o.opcode > MAX_OPCODE) || isUnspendableScript(script)) {
    return false;
  }
  return !ops.some((o) => o.opcode === OP_CHECKSIGADD || isOpSuccess(o.opcode));
}

function canWrapP2wsh(type: string, solutions: Uint8Array[]): boolean {
  if (type === 'multisig' || type === 'pubkey') {
    // Uncompressed keys cannot be used in segwit checksigs.
    return solutions.every(
      (s) => s.length === 1 || (s.length === 33 && (s[0] === 2 || s[0] === 3)),
    );
  }
  return type === 'nonstandard' || type === 'pubkeyhash';
}

/** createrawtransaction's outputs: an object, or an array of one-key objects (Core's NormalizeOutputs). */
function normalizeOutputs(outputs: unknown): [string, unknown][] {
  if (Array.isArray(outputs)) {
    // Core's NormalizeOutputs appends the pairs as they come; a repeated key is caught later by
    // ParseOutputs ("duplicated address" / "duplicate key: data").
    const out: [string, unknown][] = [];
    for (const o of outputs) {
      if (!isJsonObject(o)) {
        throw new RpcError(
          RPC_INVALID_PARAMETER,
          'Invalid parameter, key-value pair not an object as expected',
        );
      }
      const keys = Object.keys(o);
      if (keys.length !== 1) {
        throw new RpcError(
          RPC_INVALID_PARAMETER,
          'Invalid parameter, key-value pair must contain exactly one key',
        );
      }
      const k = keys[0]!;
      out.push([k, (o as Record<string, unknown>)[k]]);
    }
    return out;
  }
  if (isJsonObject(outputs)) return Object.entries(outputs as Record<string, unknown>);
  throw new RpcError(
    RPC_INVALID_PARAMETER,
    'Invalid parameter, outputs must be an object or array',
  );
}

async function findInBlock(ctx: NodeContext, idx: RpcBlockIndex, txid: Uint8Array) {
  const block = await ctx.chainman.readBlock(idx);
  const i = block.txs.findIndex((t) => bytesEqual(t.txid(), txid));
  return i < 0 ? undefined : { tx: block.txs[i]!, index: i };
}

export function registerRawTransactionCommands(table: RpcTable, ctx: NodeContext): void {
  table.register({
    name: 'getrawtransaction',
    category: 'rawtransactions',
    params: [
      { name: 'txid', type: 'hex', description: 'The transaction id' },
      {
        name: 'verbosity|verbose',
        type: 'any',
        optional: true,
        default: 0,
        description:
          '0 for hex-encoded data, 1 for a JSON object, and 2 for JSON object with fee and prevout',
      },
      {
        name: 'blockhash',
        type: 'hex',
        optional: true,
        description: 'The block in which to look for the transaction',
      },
    ],
    description:
      'By default, this call only returns a transaction if it is in the mempool. If -txindex is enabled\nand no blockhash argument is passed, it will return the transaction if it is in a block in the blockchain.',
    handler: async (p, call) => {
      const txid = parseHashV(p['txid'], 'parameter 1');
      const genesisCoinbase = ctx.chainman.activeChain.at(0)?.header.merkleRoot;
      if (genesisCoinbase !== undefined && bytesEqual(txid, genesisCoinbase)) {
        throw new RpcError(
          RPC_INVALID_ADDRESS_OR_KEY,
          'The genesis block coinbase is not considered an ordinary transaction and cannot be retrieved',
        );
      }
      const verbosity = parseVerbosity(
        call.rawParams[1] ?? p['verbosity|verbose'] ?? p['verbosity'],
        0,
        1,
      );
      let blockIdx: RpcBlockIndex | undefined;
      const given = p['blockhash'] !== undefined && p['blockhash'] !== null;
      if (given) {
        blockIdx = ctx.chainman.lookup(parseHashV(p['blockhash'], 'parameter 3'));
        if (blockIdx === undefined) {
          throw new RpcError(RPC_INVALID_ADDRESS_OR_KEY, 'Block hash not found');
        }
      }

      // Core's GetTransaction: the given block, else the mempool, else the txindex.
      let tx: Transaction | undefined;
      if (blockIdx !== undefined) {
        if ((blockIdx.status & BLOCK_HAVE_DATA) === 0) {
          throw new RpcError(RPC_MISC_ERROR, 'Block not available');
        }
        tx = (await findInBlock(ctx, blockIdx, txid))?.tx;
      } else {
        await ctx.txMempool?.whenIdle();
        tx = ctx.txMempool?.lookup(txid)?.tx;
        if (tx === undefined && ctx.txIndex !== undefined) {
          const hash = await ctx.txIndex.findBlock(txid);
          const idx = hash === undefined ? undefined : ctx.chainman.lookup(hash);
          const found = idx === undefined ? undefined : await findInBlock(ctx, idx, txid);
          if (found !== undefined) {
            tx = found.tx;
            blockIdx = idx;
          }
        }
      }
      if (tx === undefined) {
        let msg: string;
        if (given) msg = 'No such transaction found in the provided block';
        else if (ctx.txIndex === undefined) {
          msg =
            'No such mempool transaction. Use -txindex or provide a block hash to enable blockchain transaction queries';
        } else if (!ctx.txIndex.isReady()) {
          msg =
            'No such mempool transaction. Blockchain transactions are still in the process of being indexed';
        } else msg = 'No such mempool or blockchain transaction';
        throw new RpcError(
          RPC_INVALID_ADDRESS_OR_KEY,
          `${msg}. Use gettransaction for wallet transactions.`,
        );
      }
      if (verbosity <= 0) return toHex(tx.serialize());

      const result: Record<string, unknown> = {};
      const inActive = blockIdx !== undefined && ctx.chainman.activeChain.contains(blockIdx);
      if (given) result['in_active_chain'] = inActive;
      let spent: TxOut[] | undefined;
      if (verbosity >= 2 && blockIdx !== undefined && !tx.isCoinbase()) {
        const all = await ctx.chainman.readBlockSpentOutputs?.(blockIdx);
        const pos = (await findInBlock(ctx, blockIdx, txid))?.index;
        if (all !== undefined && pos !== undefined) spent = all[pos - 1];
      }
      Object.assign(
        result,
        txToJson(tx, {
          params: ctx.params,
          includeHex: true,
          ...(spent !== undefined && { spentOutputs: spent, withPrevouts: true }),
        }),
      );
      if (blockIdx !== undefined) {
        result['blockhash'] = blockIdx.hashHex;
        if (inActive) {
          result['confirmations'] = 1 + ctx.chainman.activeChain.height() - blockIdx.height;
          result['time'] = blockIdx.time;
          result['blocktime'] = blockIdx.time;
        } else {
          result['confirmations'] = 0;
        }
      }
      return result;
    },
  });

  table.register({
    name: 'decoderawtransaction',
    category: 'rawtransactions',
    params: [
      { name: 'hexstring', type: 'hex', description: 'The transaction hex string' },
      {
        name: 'iswitness',
        type: 'boolean',
        optional: true,
        description:
          'Whether the transaction hex is a serialized witness transaction.\nIf iswitness is not present, heuristic tests will be used in decoding.',
      },
    ],
    description: 'Return a JSON object representing the serialized, hex-encoded transaction.',
    handler: (p) => {
      const w = p['iswitness'];
      const opts =
        w === undefined || w === null ? {} : { tryWitness: w === true, tryNoWitness: w !== true };
      const tx = decodeHexTx(String(p['hexstring']), opts);
      if (tx === undefined) throw new RpcError(RPC_DESERIALIZATION_ERROR, 'TX decode failed');
      return txToJson(tx, { params: ctx.params });
    },
  });

  table.register({
    name: 'decodescript',
    category: 'rawtransactions',
    params: [{ name: 'hexstring', type: 'hex', description: 'the hex-encoded script' }],
    description: 'Decode a hex-encoded script.',
    handler: (p) => {
      const hex = String(p['hexstring']);
      const script = hex.length > 0 ? parseHexV(hex, 'argument') : new Uint8Array(0);
      const r = scriptJson(script, ctx);
      const { type, solutions } = solveScript(script);
      if (canWrapP2sh(script, type)) {
        r['p2sh'] = encodeAddress(p2shScript(hash160(script)), ctx.params);
        if (canWrapP2wsh(type, solutions)) r['segwit'] = segwitJson(script, type, solutions, ctx);
      }
      return r;
    },
  });

  table.register({
    name: 'createrawtransaction',
    category: 'rawtransactions',
    params: [
      {
        name: 'inputs',
        type: 'array',
        description: 'The inputs',
        usage: '[{"txid":"hex","vout":n,"sequence":n},...]',
      },
      {
        // An array as Core 29/30 document it; a bare object is still accepted (Core does too).
        name: 'outputs',
        type: 'any',
        helpType: 'json array',
        description:
          "The outputs specified as key-value pairs.\nEach key may only appear once, i.e. there can only be one 'data' output, and no address may be duplicated.\nAt least one output of either type must be specified.\nFor compatibility reasons, a dictionary, which holds the key-value pairs directly, is also\naccepted as second parameter.",
        usage: '[{"address":amount,...},{"data":"hex"},...]',
      },
      {
        name: 'locktime',
        type: 'int',
        ...CPP_INT64,
        optional: true,
        default: 0,
        description: 'Raw locktime. Non-0 value also locktime-activates inputs',
      },
      {
        name: 'replaceable',
        type: 'boolean',
        optional: true,
        defaultHint: 'true',
        description:
          'Marks this transaction as BIP125-replaceable.\nAllows this transaction to be replaced by a transaction with higher fees. If provided, it is an error if explicit sequence numbers are incompatible.',
      },
      {
        name: 'version',
        type: 'int',
        ...CPP_UINT32,
        optional: true,
        default: 2,
        description: 'Transaction version',
      },
    ],
    description:
      "Create a transaction spending the given inputs and creating new outputs.\nOutputs can be addresses or data.\nReturns hex-encoded raw transaction.\nNote that the transaction's inputs are not signed, and\nit is not stored in the wallet or transmitted to the network.",
    handler: (p) => {
      const locktime = Number(p['locktime']);
      if (!Number.isInteger(locktime) || locktime < 0 || locktime > 0xffffffff) {
        throw new RpcError(RPC_INVALID_PARAMETER, 'Invalid parameter, locktime out of range');
      }
      const version = Number(p['version']);
      if (!Number.isInteger(version) || version < 1 || version > 3) {
        throw new RpcError(RPC_INVALID_PARAMETER, 'Invalid parameter, version out of range(1~3)');
      }
      const rbfGiven = typeof p['replaceable'] === 'boolean';
      const rbf = rbfGiven ? (p['replaceable'] as boolean) : true;
      const vin: TxIn[] = [];
      for (const o of p['inputs'] as unknown[]) {
        if (!isJsonObject(o))
          throw new RpcError(RPC_INVALID_PARAMETER, 'Invalid parameter, expected object');
        const obj = o as Record<string, unknown>;
        const txid = parseHashV(obj['txid'], 'txid');
        const vout = num(obj['vout']);
        if (vout === undefined)
          throw new RpcError(RPC_INVALID_PARAMETER, 'Invalid parameter, missing vout key');
        if (vout < 0)
          throw new RpcError(RPC_INVALID_PARAMETER, 'Invalid parameter, vout cannot be negative');
        let sequence = rbf
          ? MAX_BIP125_RBF_SEQUENCE
          : locktime !== 0
            ? MAX_SEQUENCE_NONFINAL
            : SEQUENCE_FINAL;
        const seq = num(obj['sequence']);
        if (seq !== undefined) {
          if (seq < 0 || seq > SEQUENCE_FINAL) {
            throw new RpcError(
              RPC_INVALID_PARAMETER,
              'Invalid parameter, sequence number is out of range',
            );
          }
          sequence = seq;
        }
        vin.push({
          prevout: new OutPoint(txid, vout),
          scriptSig: new Uint8Array(0),
          sequence,
          witness: [],
        });
      }
      const vout: TxOut[] = [];
      const seen = new Set<string>();
      let hasData = false;
      for (const [name, value] of normalizeOutputs(p['outputs'])) {
        if (name === 'data') {
          if (hasData)
            throw new RpcError(RPC_INVALID_PARAMETER, 'Invalid parameter, duplicate key: data');
          hasData = true;
          vout.push({ value: 0n, scriptPubKey: nullDataScript(parseHexV(value, 'Data')) });
          continue;
        }
        const addr = decodeAddress(name, ctx.params);
        if (!addr.ok)
          throw new RpcError(RPC_INVALID_ADDRESS_OR_KEY, `Invalid Bitcoin address: ${name}`);
        const key = toHex(addr.scriptPubKey);
        if (seen.has(key)) {
          throw new RpcError(
            RPC_INVALID_PARAMETER,
            `Invalid parameter, duplicated address: ${name}`,
          );
        }
        seen.add(key);
        vout.push({ value: AmountFromValue(value), scriptPubKey: addr.scriptPubKey });
      }
      const tx = new Transaction(version, vin, vout, locktime);
      // Core's ConstructTransaction: an explicit `replaceable` must agree with the sequences,
      // either way (true with only final sequences, or false with a signalling one, is an error).
      const signals = vin.some((i) => i.sequence <= MAX_BIP125_RBF_SEQUENCE);
      if (rbfGiven && vin.length > 0 && rbf !== signals) {
        throw new RpcError(
          RPC_INVALID_PARAMETER,
          'Invalid parameter combination: Sequence number(s) contradict replaceable option',
        );
      }
      return toHex(tx.serialize());
    },
  });

  table.register({
    name: 'combinerawtransaction',
    category: 'rawtransactions',
    params: [
      {
        name: 'txs',
        type: 'array',
        description: 'The hex strings of partially signed transactions',
        usage: '["hexstring",...]',
      },
    ],
    description:
      'Combine multiple partially signed transactions into one transaction.\nThe combined transaction may be another partially signed transaction or a \nfully signed transaction.',
    handler: async (p) => {
      const raw = p['txs'] as unknown[];
      if (raw.length === 0) throw new RpcError(RPC_DESERIALIZATION_ERROR, 'Missing transactions');
      const variants = raw.map((h, i) => {
        const tx = decodeHexTx(String(h));
        if (tx === undefined) {
          throw new RpcError(
            RPC_DESERIALIZATION_ERROR,
            `TX decode failed for tx ${i}. Make sure the tx has at least one input.`,
          );
        }
        return tx;
      });
      const base = variants[0]!;
      const vin: TxIn[] = [];
      for (let i = 0; i < base.vin.length; i++) {
        const input = base.vin[i]!;
        const inPool = ctx.txMempool?.pool.outputAt(input.prevout);
        const coin =
          inPool !== undefined ||
          (await ctx.chainman.getTxOut?.(input.prevout.txid, input.prevout.vout)) !== undefined;
        if (!coin) throw new RpcError(RPC_VERIFY_ERROR, 'Input not found or already spent');
        // The most complete signature data any variant carries for this input (Core merges
        // signature by signature; here the fullest variant wins).
        let best = input;
        for (const v of variants) {
          const c = v.vin[i];
          if (c === undefined) continue;
          const size = (x: TxIn) =>
            x.scriptSig.length + x.witness.reduce((s, w) => s + w.length + 1, 0);
          if (size(c) > size(best)) best = c;
        }
        vin.push({ ...input, scriptSig: best.scriptSig, witness: best.witness });
      }
      return toHex(new Transaction(base.version, vin, base.vout, base.locktime).serialize());
    },
  });
}
