/**
 * BIP158 basic filter construction for mainnet block 413567 (1,557 transactions). The scripts
 * the block spends are not in the fixture (they live in undo data we do not have), so the filter
 * is built from the block's output scripts alone: this times the output half of the element set,
 * SipHash, sorting and Golomb-Rice coding, not a full basic filter.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { basicFilterElements, Block, BlockFilter } from '@bitcoind-lite/consensus';
import type { Report } from './run.js';

const here = dirname(fileURLToPath(import.meta.url));
const rawPath = join(here, '../../shared/vectors/block413567.raw');

export async function run(report: Report): Promise<void> {
  const block = Block.decode(new Uint8Array(readFileSync(rawPath)));
  const elements = basicFilterElements(block, []).length;
  let filter = BlockFilter.basic(block, []);

  let n = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    filter = BlockFilter.basic(block, []);
    n++;
    elapsed = performance.now() - start;
  } while (elapsed < 2000);

  const note = `block 413567, outputs only (spent scripts unknown), ${elements} scripts`;
  report('basic filters built (413567, output set)', (n * 1000) / elapsed, 'filters/s', note);
  report(
    'filter size (413567, output set)',
    filter.encoded.length,
    'bytes',
    `N=${filter.filter.n}`,
  );
  await Promise.resolve();
}
