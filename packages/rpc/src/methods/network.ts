/**
 * Network RPCs, as Core's rpc/net.cpp: getnetworkinfo, getpeerinfo, getconnectioncount, addnode,
 * getaddednodeinfo, disconnectnode, getnettotals, setnetworkactive. With no P2P component (no
 * listener and no connector granted) they answer as Core does with networking disabled.
 */
import { ValueFromAmount } from '../amount.js';
import { CPP_INT64 } from '../registry.js';
import {
  RPC_CLIENT_INVALID_IP_OR_SUBNET,
  RPC_CLIENT_NODE_ALREADY_ADDED,
  RPC_CLIENT_NODE_CAPACITY_REACHED,
  RPC_CLIENT_NODE_NOT_CONNECTED,
  RPC_CLIENT_P2P_DISABLED,
  RPC_INVALID_PARAMETER,
  RPC_INVALID_PARAMS,
  RPC_MISC_ERROR,
  RpcError,
} from '../protocol.js';
import type { RpcTable } from '../registry.js';
import type { NodeContext, RpcPeerInfoSource } from './node-context.js';

/** BIP324's NODE_P2P_V2 service bit (1 << 11). */
const NODE_P2P_V2_FLAG = 1n << 11n;

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
      // Core's GetNetworksInfo: `limited` is !reachable (g_reachable_nets); Core's -proxy is
      // set for ipv4, ipv6, cjdns and (as the onion proxy) onion, never for i2p (-i2psam).
      const networks = ['ipv4', 'ipv6', 'onion', 'i2p', 'cjdns'].map((name) => {
        const reachable = ctx.peers?.isReachable?.(name) ?? (name === 'ipv4' || name === 'ipv6');
        return {
          name,
          limited: !reachable,
          reachable,
          proxy: name === 'i2p' ? '' : proxy,
          proxy_randomize_credentials: false,
        };
      });
      return {
        version: CORE_COMPATIBLE_VERSION,
        subversion: ctx.userAgent,
        protocolversion: ctx.protocolVersion,
        localservices: services.toString(16).padStart(16, '0'),
        localservicesnames: serviceNames(services),
        localrelay: ctx.localRelay ?? true,
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
        defaultHint: 'set by -v2transport',
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
      const v2 = p['v2transport'];
      await requirePeers(ctx).addNode(
        String(p['node']),
        command,
        typeof v2 === 'boolean' ? v2 : undefined,
      );
      return null;
    },
  });

  table.register({
    name: 'addconnection',
    category: 'hidden',
    params: [
      {
        name: 'address',
        type: 'string',
        description: 'The IP address and port to attempt connecting to.',
      },
      {
        name: 'connection_type',
        type: 'string',
        description:
          'Type of connection to open ("outbound-full-relay", "block-relay-only", "addr-fetch" or "feeler").',
      },
      {
        name: 'v2transport',
        type: 'boolean',
        description: 'Attempt to connect using BIP324 v2 transport protocol',
      },
    ],
    description: 'Open an outbound connection to a specified node. This RPC is for testing only.\n',
    handler: async (p) => {
      if (ctx.params.network !== 'regtest') {
        throw new RpcError(
          RPC_MISC_ERROR,
          'addconnection is for regression testing (-regtest mode) only.',
        );
      }
      const address = String(p['address']);
      const type = String(p['connection_type']).trim();
      if (!['outbound-full-relay', 'block-relay-only', 'addr-fetch', 'feeler'].includes(type)) {
        throw new RpcError(RPC_INVALID_PARAMETER, table.helpText(table.get('addconnection')!));
      }
      const peers = requirePeers(ctx);
      const v2 = p['v2transport'] === true;
      if (v2 && (peers.localServices() & NODE_P2P_V2_FLAG) === 0n) {
        throw new RpcError(
          RPC_INVALID_PARAMETER,
          'Error: Adding v2transport connections requires -v2transport init flag to be set.',
        );
      }
      if (!((await peers.addConnection?.(address, type, v2)) ?? false)) {
        throw new RpcError(
          RPC_CLIENT_NODE_CAPACITY_REACHED,
          'Error: Already at capacity for specified connection type.',
        );
      }
      return { address, connection_type: type };
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

  registerBanCommands(table, ctx);
}

/** Core's network names for getnodeaddresses (ParseNetwork). */
const NETWORK_NAMES = ['ipv4', 'ipv6', 'onion', 'i2p', 'cjdns'];

/** setban, listbanned, clearbanned, disconnectnode, getnodeaddresses, ping (Core's rpc/net.cpp). */
function registerBanCommands(table: RpcTable, ctx: NodeContext): void {
  table.register({
    name: 'setban',
    category: 'network',
    params: [
      {
        name: 'subnet',
        type: 'string',
        description:
          'The IP/Subnet (see getpeerinfo for nodes IP) with an optional netmask (default is /32 = single IP)',
      },
      {
        name: 'command',
        type: 'string',
        description:
          "'add' to add an IP/Subnet to the list, 'remove' to remove an IP/Subnet from the list",
      },
      {
        name: 'bantime',
        type: 'int',
        ...CPP_INT64,
        optional: true,
        default: 0,
        description:
          'time in seconds how long (or until when if [absolute] is set) the IP is banned (0 or empty means using the default time of 24h which can also be overwritten by the -bantime startup argument)',
      },
      {
        name: 'absolute',
        type: 'boolean',
        optional: true,
        default: false,
        description:
          'If set, the bantime must be an absolute timestamp expressed in UNIX epoch time',
      },
    ],
    description: 'Attempts to add or remove an IP/Subnet from the banned list.',
    handler: (p) => {
      const command = String(p['command']);
      if (command !== 'add' && command !== 'remove') {
        throw new RpcError(RPC_MISC_ERROR, table.helpText(table.get('setban')!));
      }
      const peers = requirePeers(ctx);
      const bantime = Number(p['bantime'] ?? 0);
      const absolute = p['absolute'] === true;
      if (command === 'add' && absolute && bantime < Math.floor(ctx.clock.nowMs() / 1000)) {
        throw new RpcError(RPC_INVALID_PARAMETER, 'Error: Absolute timestamp is in the past');
      }
      const r = peers.setBan?.(String(p['subnet']), command, bantime, absolute) ?? 'invalid';
      if (r === 'invalid')
        throw new RpcError(RPC_CLIENT_INVALID_IP_OR_SUBNET, 'Error: Invalid IP/Subnet');
      if (r === 'already') {
        throw new RpcError(RPC_CLIENT_NODE_ALREADY_ADDED, 'Error: IP/Subnet already banned');
      }
      if (r === 'missing') {
        throw new RpcError(
          RPC_CLIENT_INVALID_IP_OR_SUBNET,
          'Error: Unban failed. Requested address/subnet was not previously manually banned.',
        );
      }
      return null;
    },
  });

  table.register({
    name: 'listbanned',
    category: 'network',
    params: [],
    description: 'List all manually banned IPs/Subnets.',
    handler: () => {
      const now = Math.floor(ctx.clock.nowMs() / 1000);
      return (requirePeers(ctx).listBanned?.() ?? []).map((b) => ({
        address: b.address,
        ban_created: b.banCreatedSec,
        banned_until: b.bannedUntilSec,
        ban_duration: b.bannedUntilSec - b.banCreatedSec,
        time_remaining: b.bannedUntilSec - now,
      }));
    },
  });

  table.register({
    name: 'clearbanned',
    category: 'network',
    params: [],
    description: 'Clear all banned IPs.',
    handler: () => {
      requirePeers(ctx).clearBanned?.();
      return null;
    },
  });

  table.register({
    name: 'disconnectnode',
    category: 'network',
    params: [
      {
        name: 'address',
        type: 'string',
        optional: true,
        description: 'The IP address/port of the node',
      },
      {
        name: 'nodeid',
        type: 'int',
        ...CPP_INT64,
        optional: true,
        description: 'The node ID (see getpeerinfo for node IDs)',
      },
    ],
    description:
      "Immediately disconnects from the specified peer node.\n\nStrictly one out of 'address' and 'nodeid' can be provided to identify the node.\n\nTo disconnect by nodeid, either set 'address' to the empty string, or call using the named 'nodeid' argument only.",
    handler: (p) => {
      const peers = requirePeers(ctx);
      const address = p['address'];
      const nodeid = p['nodeid'];
      let found: boolean;
      if (typeof address === 'string' && address !== '' && nodeid === undefined) {
        found = peers.disconnectNode?.(address, undefined) ?? false;
      } else if (typeof nodeid === 'number' && (address === undefined || address === '')) {
        found = peers.disconnectNode?.(undefined, nodeid) ?? false;
      } else {
        throw new RpcError(
          RPC_INVALID_PARAMS,
          'Only one of address and nodeid should be provided.',
        );
      }
      if (!found) {
        throw new RpcError(RPC_CLIENT_NODE_NOT_CONNECTED, 'Node not found in connected nodes');
      }
      return null;
    },
  });

  table.register({
    name: 'getnodeaddresses',
    category: 'network',
    params: [
      {
        name: 'count',
        type: 'int',
        optional: true,
        default: 1,
        description:
          'The maximum number of addresses to return. Specify 0 to return all known addresses.',
      },
      {
        name: 'network',
        type: 'string',
        optional: true,
        description:
          'Return only addresses of the specified network. Can be one of: ipv4, ipv6, onion, i2p, cjdns.',
      },
    ],
    description: 'Return known addresses, after filtering for quality and recency.',
    handler: (p) => {
      const peers = requirePeers(ctx);
      const count = Number(p['count'] ?? 1);
      if (count < 0) throw new RpcError(RPC_INVALID_PARAMETER, 'Address count out of range');
      const network = p['network'] as string | undefined;
      if (network !== undefined && !NETWORK_NAMES.includes(network)) {
        throw new RpcError(RPC_INVALID_PARAMETER, `Network not recognized: ${network}`);
      }
      return (peers.getNodeAddresses?.(count, network) ?? []).map((a) => ({
        time: a.time,
        services: Number(a.services),
        address: a.address,
        port: a.port,
        network: a.network,
      }));
    },
  });

  table.register({
    name: 'ping',
    category: 'network',
    params: [],
    description:
      'Requests that a ping be sent to all other nodes, to measure ping time.\nResults are provided in getpeerinfo.\nPing command is handled in queue with all other commands, so it measures processing backlog, not just network ping.',
    handler: () => {
      requirePeers(ctx).pingAll?.();
      return null;
    },
  });
}
