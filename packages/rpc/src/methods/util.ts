/**
 * Core's "util" RPCs that need no wallet (rpc/util.cpp, rpc/node.cpp): validateaddress,
 * getindexinfo, and the hidden test helpers echo / echojson; getzmqnotifications (rpc "zmq")
 * lists the notifiers of the manifest's `zmq` grant (type, address, hwm), [] without one.
 */
import { decodeAddress, encodeAddress, toHex } from '@bitcoind-lite/consensus';
import { RPC_MISC_ERROR, RpcError } from '../protocol.js';
import { exampleCli, exampleRpc, type RpcParam, type RpcTable } from '../registry.js';
import { addHelpSections } from './help-sections.js';
import type { NodeContext } from './node-context.js';

/** Core declares the echo arguments as strings but skips their type check. */
function echoParams(): RpcParam[] {
  return Array.from({ length: 10 }, (_, i) => ({
    name: `arg${i}`,
    type: 'any' as const,
    helpType: 'string',
    optional: true,
  }));
}

/** Core's echo: the positional parameters as received; arg9 can trigger a bug report. */
function echo(ctx: { rawParams: readonly unknown[] }): unknown[] {
  const args = [...ctx.rawParams];
  if (args[9] === 'trigger_internal_bug') {
    // Core's CHECK_NONFATAL report (StrFormatInternalBug): the failed check's expression first,
    // then where it failed; the expression is Core's, so tools that match on it work.
    throw new RpcError(
      RPC_MISC_ERROR,
      'Internal bug detected: request.params[9].get_str() != "trigger_internal_bug"\n' +
        'packages/rpc/src/methods/util.ts (echo)\nbitcoind-lite\n',
    );
  }
  return args;
}

/** Registers the util methods; the node calls it last, so it also completes the help texts. */
export function registerUtilCommands(table: RpcTable, ctx: NodeContext): void {
  addHelpSections(table);
  table.register({
    name: 'validateaddress',
    category: 'util',
    params: [{ name: 'address', type: 'string', description: 'The bitcoin address to validate' }],
    description: 'Return information about the given bitcoin address.',
    examples:
      exampleCli('validateaddress', '"bc1q09vm5lfy0j5reeulh4x5752q25uqqvz34hufdl"') +
      exampleRpc('validateaddress', '"bc1q09vm5lfy0j5reeulh4x5752q25uqqvz34hufdl"'),
    handler: (p) => {
      const decoded = decodeAddress(String(p['address']), ctx.params);
      if (!decoded.ok) {
        // Core pushes error_locations before error.
        return { isvalid: false, error_locations: decoded.errorLocations, error: decoded.error };
      }
      const spk = decoded.scriptPubKey;
      const out: Record<string, unknown> = {
        isvalid: true,
        address: encodeAddress(spk, ctx.params) ?? String(p['address']),
        scriptPubKey: toHex(spk),
      };
      // Core's DescribeAddressVisitor: P2SH and P2WSH are scripts; witness programs also
      // report their version and program (OP_0 is 0, OP_1..OP_16 are 0x51..0x60).
      const isWitness = spk.length >= 4 && (spk[0] === 0 || (spk[0]! >= 0x51 && spk[0]! <= 0x60));
      const isP2sh = spk.length === 23 && spk[0] === 0xa9;
      out['isscript'] = isP2sh || (isWitness && spk[0] === 0 && spk.length === 34);
      out['iswitness'] = isWitness;
      if (isWitness) {
        out['witness_version'] = spk[0] === 0 ? 0 : spk[0]! - 0x50;
        out['witness_program'] = toHex(spk.subarray(2));
      }
      return out;
    },
  });

  table.register({
    name: 'getindexinfo',
    category: 'util',
    params: [
      {
        name: 'index_name',
        type: 'string',
        optional: true,
        description: 'Filter results for an index with a specific name.',
      },
    ],
    description:
      'Returns the status of one or all available indices currently running in the node.',
    examples:
      exampleCli('getindexinfo', '') +
      exampleRpc('getindexinfo', '') +
      exampleCli('getindexinfo', 'txindex') +
      exampleRpc('getindexinfo', 'txindex'),
    handler: (p) => {
      const name = p['index_name'];
      const out: Record<string, unknown> = {};
      for (const index of ctx.indexes ?? []) {
        if (typeof name === 'string' && name !== '' && name !== index.name) continue;
        out[index.name] = { synced: index.isReady(), best_block_height: index.bestHeight() };
      }
      return out;
    },
  });

  table.register({
    name: 'echo',
    category: 'hidden',
    params: echoParams(),
    description:
      "Simply echo back the input arguments. This command is for testing.\n\nIt will return an internal bug report when arg9='trigger_internal_bug' is passed.\n\nThe difference between echo and echojson is that echojson has argument conversion enabled in the client-side table in bitcoin-cli and the GUI. There is no server-side difference.",
    handler: (_p, c) => echo(c),
  });

  table.register({
    name: 'echojson',
    category: 'hidden',
    params: echoParams(),
    description:
      "Simply echo back the input arguments. This command is for testing.\n\nIt will return an internal bug report when arg9='trigger_internal_bug' is passed.\n\nThe difference between echo and echojson is that echojson has argument conversion enabled in the client-side table in bitcoin-cli and the GUI. There is no server-side difference.",
    handler: (_p, c) => echo(c),
  });

  table.register({
    name: 'getzmqnotifications',
    category: 'zmq',
    params: [],
    description: 'Returns information about the active ZeroMQ notifications.',
    examples: exampleCli('getzmqnotifications', '') + exampleRpc('getzmqnotifications', ''),
    handler: () =>
      (ctx.zmq?.activeNotifiers() ?? []).map((n) => ({
        type: n.type,
        address: n.address,
        hwm: n.hwm,
      })),
  });
}
