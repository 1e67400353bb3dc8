/**
 * Misbehaviour (Core's Misbehaving, MaybePunishNodeForBlock, MaybeDiscourageAndDisconnect):
 * which failures are a peer's fault, and what happens to a peer found at fault.
 */
import { hasPermission, PF_NOBAN } from './net-permissions.js';
import { stateToString, type P2PValidationState } from './chain-view.js';
import type { BanMan } from './ban-man.js';
import type { NetContext } from './net-context.js';
import type { Peer } from './peer.js';

export class Misbehaviour {
  constructor(
    private readonly ctx: Pick<NetContext, 'log'>,
    private readonly banman: BanMan,
  ) {}

  misbehaving(peer: Peer, message: string): void {
    peer.shouldDiscourage = true;
    peer.misbehaviourReason = message;
    this.ctx.log.debug('net', `Misbehaving: peer=${peer.id}${message ? `: ${message}` : ''}`);
  }

  /** Core's MaybePunishNodeForBlock: which validation failures are the peer's fault. */
  maybePunishNodeForBlock(peer: Peer, state: P2PValidationState, message: string): void {
    switch (state.result) {
      case 'consensus':
      case 'mutated':
      case 'invalid-header':
      case 'invalid-prev':
      case 'missing-prev':
        this.misbehaving(
          peer,
          message === 'invalid header received' ? `${message}: ${stateToString(state)}` : message,
        );
        return;
      case 'cached-invalid':
        // Outbound peers on an invalid chain are dropped; inbound ones are not punished.
        if (!peer.inbound) {
          this.misbehaving(peer, message);
          return;
        }
        break;
      default:
        break;
    }
    if (message !== '') this.ctx.log.debug('net', `peer=${peer.id}: ${message}`);
  }

  /** Core's MaybeDiscourageAndDisconnect. */
  maybeDiscourageAndDisconnect(peer: Peer): boolean {
    if (!peer.shouldDiscourage) return false;
    peer.shouldDiscourage = false;
    if (hasPermission(peer.permissions, PF_NOBAN)) {
      this.ctx.log.info(`Warning: not punishing noban peer ${peer.id}!`);
      return false;
    }
    if (peer.isManual) {
      this.ctx.log.debug('net', `Warning: not punishing manually connected peer ${peer.id}!`);
      return false;
    }
    const s = peer.endpoints.service;
    const local =
      s === undefined ||
      (s.network === 'ipv4' && (s.addr[0] === 127 || s.addr[0] === 0)) ||
      (s.network === 'ipv6' && s.addr.every((b, i) => b === (i === 15 ? 1 : 0)));
    if (local) {
      this.ctx.log.debug(
        'net',
        `Warning: disconnecting but not discouraging local peer ${peer.id}!`,
      );
    } else {
      this.ctx.log.debug('net', `Disconnecting and discouraging peer ${peer.id}!`);
      this.banman.discourage(s);
    }
    peer.disconnect('misbehaving');
    return true;
  }
}
