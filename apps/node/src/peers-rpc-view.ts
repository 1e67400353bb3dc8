/**
 * Adapts the P2P PeerManager to what the network RPCs read (RpcPeerInfoSource), translating
 * the P2P layer's errors into Core's RPC errors for addnode.
 */
import {
  AddNodeError,
  formatHost,
  formatSubNet,
  parseSubNet,
  type ConnectionType,
  type Connector,
  type PeerManager,
} from '@bitcoind-lite/p2p';
import { RpcError } from '@bitcoind-lite/rpc';
import type { RpcPeerInfoSource } from '@bitcoind-lite/rpc/methods';

/** NODE_NETWORK | NODE_WITNESS | NODE_NETWORK_LIMITED, as a full node offers (Core's defaults). */
export const LOCAL_SERVICES = 1n | 8n | 1024n;

/**
 * Core's g_reachable_nets as init sets it: ipv4 and ipv6 are reachable; onion only through a
 * proxy (a `!socks5` grant, as Core's -proxy/-onion); i2p needs -i2psam and cjdns
 * -cjdnsreachable, neither of which we have. -onlynet then removes every network it does not name.
 */
function isReachable(peers: PeerManager, connector: Connector, network: string): boolean {
  if (!peers.connman.isReachable(network)) return false;
  if (network === 'ipv4' || network === 'ipv6') return true;
  if (network === 'onion') return connector.proxy !== '';
  return false;
}

export function peersRpcView(peers: PeerManager, connector: Connector): RpcPeerInfoSource {
  return {
    getPeerInfo: () => peers.getPeerInfo() as unknown as Record<string, unknown>[],
    connectionCount: () => {
      const all = peers.connman.allPeers().filter((p) => !p.disconnecting);
      const inbound = all.filter((p) => p.inbound).length;
      return { inbound, outbound: all.length - inbound };
    },
    addNode: (target, command, v2transport) => {
      try {
        peers.connman.addNode(target, command, v2transport);
      } catch (e) {
        if (e instanceof AddNodeError) throw new RpcError(e.code, e.message);
        throw e;
      }
    },
    addConnection: (target, connectionType, v2transport) =>
      peers.connman.addConnection(target, connectionType as ConnectionType, v2transport),
    getAddedNodeInfo: (node) =>
      peers.connman
        .addedNodes()
        .filter((a) => node === undefined || a.addednode === node)
        .map((a) => ({
          addednode: a.addednode,
          connected: a.connected,
          addresses: a.peer
            ? [
                {
                  address: a.peer.endpoints.addr,
                  connected: a.peer.inbound ? 'inbound' : 'outbound',
                },
              ]
            : [],
        })),
    // NODE_P2P_V2 joins LOCAL_SERVICES when -v2transport is on.
    localServices: () => peers.connman.localServices,
    networkActive: () => true,
    proxy: () => connector.proxy,
    isReachable: (network) => isReachable(peers, connector, network),
    isLimited: (network) => !isReachable(peers, connector, network),
    disconnectNode: (address, nodeId) => peers.connman.disconnectNode(address, nodeId),
    totals: () => peers.connman.totals(),
    setBan: (text, command, bantimeSec, absolute) => {
      const subnet = parseSubNet(text);
      if (subnet === undefined) return 'invalid';
      if (command === 'remove') return peers.banman.unban(subnet) ? 'ok' : 'missing';
      // Core's setban: a single address counts as banned when any banned subnet holds it; a
      // subnet only when that exact subnet is banned.
      const already = text.includes('/')
        ? peers.banman.isBannedSubNet(subnet)
        : peers.banman.isBanned({ network: subnet.network, addr: subnet.addr, port: 0 });
      if (already) return 'already';
      peers.banman.ban(subnet, bantimeSec, absolute);
      peers.connman.disconnectBanned();
      return 'ok';
    },
    listBanned: () =>
      peers.banman.getBanned().map((b) => ({
        address: formatSubNet(b.subnet),
        banCreatedSec: b.createdSec,
        bannedUntilSec: b.bannedUntilSec,
      })),
    clearBanned: () => peers.banman.clearBanned(),
    getNodeAddresses: (count, network) =>
      peers.getNodeAddresses(count, network).map((a) => ({
        time: a.time,
        services: a.services,
        address: formatHost(a),
        port: a.port,
        network: a.network,
      })),
    pingAll: () => peers.pingAll(),
  };
}
