/**
 * Network RPCs, as Core's rpc/net.cpp: getnetworkinfo, getpeerinfo, getconnectioncount, addnode,
 * getaddednodeinfo, disconnectnode, getnettotals, setnetworkactive. With no P2P component (no
 * listener and no connector granted) they answer as Core does with networking disabled.
 */
import { ValueFromAmount } from '../amount.js';
import { RPC_CLIENT_P2P_DISABLED, RPC_MISC_ERROR, RpcError } from '../protocol.js';
import type { RpcTable } from '../registry.js';
import type { NodeContext, RpcPeerInfoSource } from './node-context.js';

/** The version we report: the Bitcoin Core release whose RPC interface we follow. */
export const CORE_COMPATIBLE_VERSION = 290000;

const SERVICE_NAMES: [bigint, string][] = [
  [1n, 'NETWORK'],
  [4n, 'BLOOM'],
  [8n, 'WITNESS'],
  [64n, 'COMPACT_FILTERS'],
  [1024n, 'NETWORK_LIMITED'],
  [2048n, 'P2P_V2'],
];

export function serviceNames(services: bigint): string[] {
  return SERVICE_NAMES.filter(([bit]) => (services & bit) !== 0n).map(([, name]) => name);
}

function requirePeers(ctx: NodeContext): RpcPeerInfoSource {
  if (ctx.peers === undefined) {
    throw new RpcError(
      RPC_CLIENT_P2P_DISABLED,
      'Error: Peer-to-peer functionality missing or disabled',
    );
  }
  return ctx.peers;
}

export function registerNetworkCommands(table: RpcTable, ctx: NodeContext): void {
  table.register({
    name: 'getnetworkinfo',
    category: 'network',
    params: [],
    description: 'Returns an object containing various state info regarding P2P networking.',
    handler: () => {
      const counts = ctx.peers?.connectionCount() ?? { inbound: 0, outbound: 0 };
      const services = ctx.peers?.localServices() ?? 0n;
      const proxy = ctx.peers?.proxy?.() ?? '';
      const networks = ['ipv4', 'ipv6', 'onion', 'i2p', 'cjdns'].map((name) => ({
        name,
        limited: ctx.peers?.isLimited?.(name) ?? false,
        reachable: ctx.peers?.isReachable?.(name) ?? (name === 'ipv4' || name === 'ipv6'),
        proxy: name === 'i2p' || name === 'cjdns' ? '' : proxy,
        proxy_randomize_credentials: false,
      }));
      return {
        version: CORE_COMPATIBLE_VERSION,
        subversion: ctx.userAgent,
        protocolversion: ctx.protocolVersion,
        localservices: services.toString(16).padStart(16, '0'),
        localservicesnames: serviceNames(services),
        localrelay: true,
        timeoffset: 0,
        networkactive: ctx.peers?.networkActive() ?? false,
        connections: counts.inbound + counts.outbound,
        connections_in: counts.inbound,
        connections_out: counts.outbound,
        networks,
        relayfee: ValueFromAmount(ctx.relayFeeSatPerKvB ?? 100n),
        incrementalfee: ValueFromAmount(ctx.incrementalRelayFeeSatPerKvB ?? 100n),
        localaddresses: [],
        warnings: [],
      };
    },
  });

  table.register({
    name: 'getconnectioncount',
    category: 'network',
    params: [],
    description: 'Returns the number of connections to other nodes.',
    handler: () => {
      const c = requirePeers(ctx).connectionCount();
      return c.inbound + c.outbound;
    },
  });

  table.register({
    name: 'getpeerinfo',
    category: 'network',
    params: [],
    description: 'Returns data about each connected network peer as a json array of objects.',
    handler: () => requirePeers(ctx).getPeerInfo(),
  });

  table.register({
    name: 'addnode',
    category: 'network',
    params: [
      { name: 'node', type: 'string', description: 'The address of the peer to connect to' },
      {
        name: 'command',
        type: 'string',
        description:
          "'add' to add a node to the list, 'remove' to remove a node from the list, 'onetry' to try a connection to the node once",
      },
      {
        name: 'v2transport',
        type: 'boolean',
        optional: true,
        default: false,
        description:
          "Attempt to connect using BIP324 v2 transport protocol (ignored for 'remove' command)",
      },
    ],
    description:
      'Attempts to add or remove a node from the addnode list.\nOr try a connection to a node once.',
    handler: async (p) => {
      const command = String(p['command']);
      if (command !== 'add' && command !== 'remove' && command !== 'onetry') {
        throw new RpcError(RPC_MISC_ERROR, table.helpText(table.get('addnode')!));
      }
      await requirePeers(ctx).addNode(String(p['node']), command);
      return null;
    },
  });

  table.register({
    name: 'getaddednodeinfo',
    category: 'network',
    params: [
      {
        name: 'node',
        type: 'string',
        optional: true,
        description:
          'If provided, return information about this specific node, otherwise all nodes are returned.',
      },
    ],
    description: 'Returns information about the given added node, or all added nodes',
    handler: (p) => requirePeers(ctx).getAddedNodeInfo?.(p['node'] as string | undefined) ?? [],
  });

  table.register({
    name: 'getnettotals',
    category: 'network',
    params: [],
    description:
      'Returns information about network traffic, including bytes in, bytes out, and current system time.',
    handler: () => {
      const t = ctx.peers?.totals?.() ?? { bytesRecv: 0, bytesSent: 0 };
      return {
        totalbytesrecv: t.bytesRecv,
        totalbytessent: t.bytesSent,
        timemillis: ctx.clock.nowMs(),
        uploadtarget: {
          timeframe: 86400,
          target: 0,
          target_reached: false,
          serve_historical_blocks: true,
          bytes_left_in_cycle: 0,
          time_left_in_cycle: 0,
        },
      };
    },
  });
}
