/**
 * `pnpm verify-block --block FILE --spent-outputs FILE [--network main|test|testnet4|signet|regtest]
 * [--height N]`: checks every input script of a raw block against the outputs it spends (no UTXO
 * set needed), with the script flags in force at that height on that network. Prints one line
 * per failing input (txid, input index, Core's script error) and a last line
 * `N inputs, N valid, N invalid`; exits 0 only when every input is valid.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  Block,
  coinbaseHeight,
  getBlockScriptFlags,
  getChainParams,
  NETWORKS,
  parseSpentOutputs,
  verifyBlockScripts,
  verifyFlagNames,
  type Network,
} from '@bitcoind-lite/consensus';

const USAGE =
  'usage: pnpm verify-block --block FILE --spent-outputs FILE ' +
  '[--network main|test|testnet4|signet|regtest] [--height N]';

function main(): number {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        block: { type: 'string' },
        'spent-outputs': { type: 'string' },
        network: { type: 'string', default: 'main' },
        height: { type: 'string' },
        verbose: { type: 'boolean', default: false },
      },
      strict: true,
    }));
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.block === undefined || values['spent-outputs'] === undefined) {
    console.error(USAGE);
    return 2;
  }
  const network = values.network as Network;
  if (!NETWORKS.includes(network)) {
    console.error(`--network: expected one of ${NETWORKS.join(', ')}, got ${values.network}`);
    return 2;
  }

  const block = Block.decode(new Uint8Array(readFileSync(values.block)));
  const spent = parseSpentOutputs(new Uint8Array(readFileSync(values['spent-outputs'])));
  let height: number | undefined;
  if (values.height !== undefined) {
    height = Number(values.height);
    if (!Number.isInteger(height) || height < 0) {
      console.error(`--height: expected a non-negative integer, got ${values.height}`);
      return 2;
    }
  } else {
    height = coinbaseHeight(block);
    if (height === undefined) {
      console.error('no BIP34 height in the coinbase; give --height');
      return 2;
    }
  }
  const params = getChainParams(network);
  const flags = getBlockScriptFlags(height, block.header.hashHex(), params);
  if (values.verbose) {
    console.error(`height ${height}, flags ${verifyFlagNames(flags).join(',')}`);
  }

  const results = verifyBlockScripts(block, spent, flags);
  let invalid = 0;
  for (const r of results) {
    if (r.result.ok) continue;
    invalid++;
    console.log(`${block.txs[r.txIndex]!.txidHex()} ${r.inputIndex} ${r.result.error}`);
  }
  console.log(`${results.length} inputs, ${results.length - invalid} valid, ${invalid} invalid`);
  return invalid === 0 ? 0 : 1;
}

try {
  process.exitCode = main();
} catch (e) {
  console.error(`verify-block: ${(e as Error).message}`);
  process.exitCode = 2;
}
