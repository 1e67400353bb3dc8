/**
 * Requests for services this node does not offer. Core answers them by disconnecting the peer
 * (net_processing.cpp): BIP37 filterload / filteradd / filterclear without NODE_BLOOM, and BIP157
 * getcfilters / getcfheaders / getcfcheckpt without NODE_COMPACT_FILTERS (PrepareBlockFilterRequest
 * treats the filter type as unsupported). This node offers neither service bit.
 */
import type { Logger } from '@bitcoind-lite/runtime';
import type { Peer } from './peer.js';

const BLOOM_COMMANDS: ReadonlySet<string> = new Set(['filterload', 'filteradd', 'filterclear']);
const CFILTER_COMMANDS: ReadonlySet<string> = new Set([
  'getcfilters',
  'getcfheaders',
  'getcfcheckpt',
]);

/**
 * Disconnects `peer` when `command` asks for a service we do not offer; returns whether it did.
 * `payload` is the raw message body (BIP157 requests start with the filter type byte).
 */
export function refuseUnofferedService(
  peer: Peer,
  command: string,
  payload: Uint8Array,
  log: Logger,
): boolean {
  if (BLOOM_COMMANDS.has(command)) {
    log.debug(
      'net',
      `${command} received despite not offering bloom services from peer=${peer.id}; disconnecting`,
    );
    peer.disconnect(`${command} without NODE_BLOOM`);
    return true;
  }
  if (CFILTER_COMMANDS.has(command)) {
    const filterType = payload.length > 0 ? payload[0]! : 0;
    log.debug(
      'net',
      `peer requested unsupported block filter type: ${filterType}, peer=${peer.id}`,
    );
    peer.disconnect(`${command} without NODE_COMPACT_FILTERS`);
    return true;
  }
  return false;
}
