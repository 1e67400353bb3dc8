/**
 * Import of blocks in Core's blk*.dat framing (magic, u32 LE size, block), as Core's
 * LoadExternalBlockFile does for -loadblock and reindex: bytes that are not a record are skipped
 * up to the next magic, blocks whose parent has not been seen yet wait until it arrives, and
 * already-known blocks are skipped. Reads through a FileHandle the launcher granted.
 */
import { Block, bytesEqual, reverseBytes, toHex } from '@bitcoind-lite/consensus';
import type { Clock, Logger } from '@bitcoind-lite/runtime';
import type { FileHandle } from '@bitcoind-lite/storage';
import type { ChainstateManager } from './chainstate-manager.js';
import { stateToString } from './validation-state.js';

const CHUNK_BYTES = 8 << 20;
/** Core's MAX_BLOCK_SERIALIZED_SIZE: a size field above this is not a real record. */
const MAX_BLOCK_SERIALIZED_SIZE = 4_000_000;

export interface LoadBlockFileResult {
  /** Blocks read from the file and handed to validation (new or not). */
  loaded: number;
  rejected: number;
  /** Blocks whose parent never appeared. */
  orphaned: number;
}

export async function loadExternalBlockFile(
  cm: ChainstateManager,
  file: FileHandle,
  deps: { clock: Clock; logger: Logger; progressIntervalMs?: number },
): Promise<LoadBlockFileResult> {
  const magic = cm.params.messageStart;
  const size = await file.size();
  const startMs = deps.clock.monotonicMs();
  const interval = deps.progressIntervalMs ?? 5000;
  let lastReportMs = startMs;
  let loaded = 0;
  let rejected = 0;
  const waiting = new Map<string, Block[]>();

  let buf: Uint8Array = new Uint8Array(0);
  let bufStart = 0;
  let pos = 0;
  const ensure = async (end: number): Promise<boolean> => {
    if (end <= bufStart + buf.length) return true;
    if (end > size) return false;
    const from = pos;
    const want = Math.max(end - from, CHUNK_BYTES);
    buf = await file.read(from, Math.min(want, size - from));
    bufStart = from;
    return end <= bufStart + buf.length;
  };

  const submit = async (block: Block): Promise<void> => {
    const queue: { b: Block; parentHex?: string }[] = [{ b: block }];
    while (queue.length > 0) {
      const { b, parentHex } = queue.shift()!;
      const prevHex = toHex(reverseBytes(b.header.prevBlock));
      if (parentHex !== undefined) {
        deps.logger.debug(
          'reindex',
          `LoadExternalBlockFile: Processing out of order child ${b.hashHex()} of ${parentHex}`,
        );
      }
      if (cm.lookup(b.header.prevBlock) === undefined && b.hashHex() !== cm.params.genesisHash) {
        // Core's words (BCLog::REINDEX), so operators and tests can follow an out-of-order file.
        deps.logger.debug(
          'reindex',
          `LoadExternalBlockFile: Out of order block ${b.hashHex()}, parent ${prevHex} not known`,
        );
        const list = waiting.get(prevHex) ?? [];
        list.push(b);
        waiting.set(prevHex, list);
        continue;
      }
      const known = cm.lookup(b.hash());
      if (known === undefined || known.nTx === 0) {
        // The index is synced by the periodic coins flush and the final flush, not per block.
        const r = await cm.processNewBlock(b, { forceProcessing: true, syncIndex: false });
        loaded++;
        if (!r.state.valid) {
          rejected++;
          deps.logger.warning(`loadblock: ${b.hashHex()} rejected: ${stateToString(r.state)}`);
        }
      }
      const kids = waiting.get(b.hashHex());
      if (kids !== undefined) {
        waiting.delete(b.hashHex());
        queue.push(...kids.map((k) => ({ b: k, parentHex: b.hashHex() })));
      }
    }
  };

  while (pos + 8 <= size) {
    if (!(await ensure(pos + 8))) break;
    const off = pos - bufStart;
    if (!bytesEqual(buf.subarray(off, off + 4), magic)) {
      pos++;
      continue;
    }
    const len = new DataView(buf.buffer, buf.byteOffset + off + 4, 4).getUint32(0, true);
    if (len < 80 || len > MAX_BLOCK_SERIALIZED_SIZE) {
      pos++;
      continue;
    }
    if (!(await ensure(pos + 8 + len))) break;
    const o = pos + 8 - bufStart;
    let block: Block;
    try {
      block = Block.decode(buf.subarray(o, o + len));
    } catch {
      pos++;
      continue;
    }
    pos += 8 + len;
    await submit(block);

    const now = deps.clock.monotonicMs();
    if (now - lastReportMs >= interval) {
      lastReportMs = now;
      const rate = (loaded * 1000) / Math.max(now - startMs, 1);
      deps.logger.info(
        `Importing blocks: height=${cm.activeChain.height()} ${rate.toFixed(1)} blocks/s ${((pos * 100) / size).toFixed(1)}%`,
      );
    }
  }

  let orphaned = 0;
  for (const list of waiting.values()) orphaned += list.length;
  await cm.flush();
  deps.logger.info(
    `Loaded ${loaded} blocks from external file in ${Math.round(deps.clock.monotonicMs() - startMs)}ms`,
  );
  return { loaded, rejected, orphaned };
}
