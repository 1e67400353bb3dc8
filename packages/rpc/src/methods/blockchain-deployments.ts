/**
 * getdeploymentinfo as Core 29/30 report it: the buried deployments (BIP34/66/65, CSV, segwit)
 * and the BIP9 ones (testdummy, taproot) with their versionbits state (BIP9). Core master (v31)
 * adds `script_flags` and drops deployments enforced from genesis; we follow 29/30.
 */
import { BIP9_ALWAYS_ACTIVE, BIP9_NO_TIMEOUT, type Bip9Deployment } from '@bitcoind-lite/consensus';
import { exampleCli, exampleRpc, type RpcTable } from '../registry.js';
import type { NodeContext, RpcBlockIndex } from './node-context.js';
import { lookupBlockOrThrow, parseHashV } from './params.js';

type ThresholdState = 'defined' | 'started' | 'locked_in' | 'active' | 'failed';

/** Core's NEVER_ACTIVE start time. */
const BIP9_NEVER_ACTIVE = -2;
/** Core prints NO_TIMEOUT as INT64_MAX. */
const INT64_MAX = 9223372036854775807n;
const VERSIONBITS_TOP_MASK = 0xe0000000;
const VERSIONBITS_TOP_BITS = 0x20000000;

/** Core's testdummy deployment: bit 28, open from genesis on regtest, never elsewhere. */
function testDummy(network: string): Bip9Deployment {
  return network === 'regtest'
    ? {
        bit: 28,
        startTime: 0,
        timeout: BIP9_NO_TIMEOUT,
        minActivationHeight: 0,
        threshold: 108,
        period: 144,
      }
    : {
        bit: 28,
        startTime: BIP9_NEVER_ACTIVE,
        timeout: BIP9_NO_TIMEOUT,
        minActivationHeight: 0,
        threshold: 1815,
        period: 2016,
      };
}

function signals(idx: RpcBlockIndex, bit: number): boolean {
  const v = idx.header.version >>> 0;
  return (v & VERSIONBITS_TOP_MASK) >>> 0 === VERSIONBITS_TOP_BITS && ((v >>> bit) & 1) === 1;
}

/**
 * Core's AbstractThresholdConditionChecker::GetStateFor: the state of the block after `prev`,
 * walking period by period from genesis; also the height its state began (GetStateSinceHeightFor).
 */
function stateFor(
  prev: RpcBlockIndex | undefined,
  d: Bip9Deployment,
): { state: ThresholdState; since: number } {
  if (d.startTime === BIP9_ALWAYS_ACTIVE) return { state: 'active', since: 0 };
  if (d.startTime === BIP9_NEVER_ACTIVE) return { state: 'failed', since: 0 };
  if (prev === undefined) return { state: 'defined', since: 0 };
  // The last block of the period before the one the next block is in.
  const lastBoundary = prev.height - ((prev.height + 1) % d.period);
  let state: ThresholdState = 'defined';
  let since = 0;
  for (let end = d.period - 1; end <= lastBoundary; end += d.period) {
    const b = prev.getAncestor(end)!;
    const before: ThresholdState = state;
    if (state === 'defined') {
      if (b.medianTimePast() >= d.startTime) state = 'started';
    } else if (state === 'started') {
      let count = 0;
      for (let h = end - d.period + 1; h <= end; h++)
        if (signals(prev.getAncestor(h)!, d.bit)) count++;
      if (count >= d.threshold) state = 'locked_in';
      else if (b.medianTimePast() >= d.timeout) state = 'failed';
    } else if (state === 'locked_in') {
      if (end + 1 >= d.minActivationHeight) state = 'active';
    }
    if (state !== before) since = end + 1;
  }
  return { state, since };
}

function bip9Json(idx: RpcBlockIndex, d: Bip9Deployment): Record<string, unknown> {
  const current = stateFor(idx.prev, d);
  const next = stateFor(idx, d);
  const bip9: Record<string, unknown> = {};
  const hasSignal = current.state === 'started' || current.state === 'locked_in';
  if (hasSignal) bip9['bit'] = d.bit;
  bip9['start_time'] = d.startTime;
  bip9['timeout'] = d.timeout === BIP9_NO_TIMEOUT ? INT64_MAX : d.timeout;
  bip9['min_activation_height'] = d.minActivationHeight;
  bip9['status'] = current.state;
  bip9['since'] = current.since;
  bip9['status_next'] = next.state;
  if (hasSignal) {
    // Core's VersionBitsStatistics over the blocks of idx's period up to idx.
    const elapsed = (idx.height % d.period) + 1;
    let sig = '';
    for (let h = idx.height - elapsed + 1; h <= idx.height; h++) {
      sig += signals(idx.getAncestor(h)!, d.bit) ? '#' : '-';
    }
    const count = [...sig].filter((c) => c === '#').length;
    const stats: Record<string, unknown> = { period: d.period };
    if (current.state !== 'locked_in') stats['threshold'] = d.threshold;
    stats['elapsed'] = elapsed;
    stats['count'] = count;
    if (current.state !== 'locked_in')
      stats['possible'] = d.period - d.threshold >= elapsed - count;
    bip9['statistics'] = stats;
    bip9['signalling'] = sig;
  }
  const out: Record<string, unknown> = { type: 'bip9' };
  if (next.state === 'active') out['height'] = next.since;
  out['active'] = next.state === 'active';
  out['bip9'] = bip9;
  return out;
}

export function registerDeploymentCommands(table: RpcTable, ctx: NodeContext): void {
  table.register({
    name: 'getdeploymentinfo',
    category: 'blockchain',
    params: [
      {
        name: 'blockhash',
        type: 'hex',
        optional: true,
        defaultHint: '"hash of current chain tip"',
        description: 'The block hash at which to query deployment state',
      },
    ],
    description:
      'Returns an object containing various state info regarding deployments of consensus changes.',
    examples: exampleCli('getdeploymentinfo', '') + exampleRpc('getdeploymentinfo', ''),
    handler: (p) => {
      const idx =
        p['blockhash'] === undefined || p['blockhash'] === null
          ? ctx.chainman.activeChain.tip()
          : lookupBlockOrThrow(ctx.chainman, parseHashV(p['blockhash'], 'blockhash'));
      const params = ctx.params;
      // Buried: "active" is for the next block (Core's DeploymentActiveAfter).
      const buried = (height: number) => ({
        type: 'buried',
        active: idx.height + 1 >= height,
        height,
      });
      return {
        hash: idx.hashHex,
        height: idx.height,
        deployments: {
          bip34: buried(params.bip34Height),
          bip66: buried(params.bip66Height),
          bip65: buried(params.bip65Height),
          csv: buried(params.csvHeight),
          segwit: buried(params.segwitHeight),
          testdummy: bip9Json(idx, testDummy(params.network)),
          taproot: bip9Json(idx, params.taprootDeployment),
        },
      };
    },
  });
}
