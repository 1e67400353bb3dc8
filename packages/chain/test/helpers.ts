/** Test helpers: real datadirs in temp folders, a settable clock, regtest block building. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Block, ChainParams } from '@bitcoind-lite/consensus';
import { type BuildOptions, buildBlockOn } from '../src/testing/index.js';
import { Logger, type Clock, type Timer } from '@bitcoind-lite/runtime';
import type { Random } from '@bitcoind-lite/entropy';
import { openDirCapability } from '@bitcoind-lite/storage/host';
import type { Dir } from '@bitcoind-lite/storage';
import { type BlockIndex, ChainstateManager, type ScriptVerifier } from '../src/index.js';

export class TestClock implements Clock {
  constructor(public nowS: number) {}
  nowMs(): number {
    return this.nowS * 1000;
  }
  monotonicMs(): number {
    return performance.now();
  }
  setTimeout(cb: () => void, ms: number): Timer {
    const t = setTimeout(cb, ms);
    return { cancel: () => clearTimeout(t) };
  }
  setInterval(cb: () => void, ms: number): Timer {
    const t = setInterval(cb, ms);
    return { cancel: () => clearInterval(t) };
  }
}

export const testRandom: Random = {
  fill(out: Uint8Array): Uint8Array {
    for (let i = 0; i < out.length; i++) out[i] = (i * 31 + 7) & 0xff;
    return out;
  },
};

export function collectingLogger(clock: Clock, lines: string[] = []): Logger {
  return new Logger({ write: (l) => void lines.push(l) }, clock, ['validation']);
}

export async function tempDir(
  prefix = 'chain-test-',
): Promise<{ path: string; dir: Dir; cleanup: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  const dir = await openDirCapability(path);
  return { path, dir, cleanup: () => rm(path, { recursive: true, force: true }) };
}

export async function openChain(
  dir: Dir,
  params: ChainParams,
  clock: Clock,
  extra: {
    dbcacheMiB?: number;
    scriptVerifier?: ScriptVerifier;
    lines?: string[];
    reindex?: boolean;
    reindexChainstate?: boolean;
  } = {},
): Promise<ChainstateManager> {
  const opts: Parameters<typeof ChainstateManager.open>[0] = {
    datadir: dir,
    params,
    clock,
    logger: collectingLogger(clock, extra.lines),
    random: testRandom,
  };
  if (extra.dbcacheMiB !== undefined) opts.dbcacheMiB = extra.dbcacheMiB;
  if (extra.scriptVerifier !== undefined) opts.scriptVerifier = extra.scriptVerifier;
  if (extra.reindex !== undefined) opts.reindex = extra.reindex;
  if (extra.reindexChainstate !== undefined) opts.reindexChainstate = extra.reindexChainstate;
  return ChainstateManager.open(opts);
}

export {
  OP_TRUE_SCRIPT,
  type BuildOptions,
  makeCoinbase,
  withWitnessCommitment,
  mine,
  spendTx,
} from '../src/testing/index.js';

/** A valid block on `prev` (see buildBlockOn). */
export function buildBlock(prev: BlockIndex, params: ChainParams, o: BuildOptions = {}): Block {
  return buildBlockOn({ hash: prev.hash, height: prev.height, time: prev.header.time }, params, o);
}

/** Mines and submits `n` blocks on the tip; returns them. */
export async function mineBlocks(
  cm: ChainstateManager,
  n: number,
  o: BuildOptions = {},
): Promise<Block[]> {
  const out: Block[] = [];
  for (let i = 0; i < n; i++) {
    const b = buildBlock(cm.activeChain.tip(), cm.params, o);
    const r = await cm.processNewBlock(b);
    if (!r.state.valid)
      throw new Error(`mineBlocks: ${r.state.rejectReason} ${r.state.debugMessage}`);
    out.push(b);
  }
  return out;
}
