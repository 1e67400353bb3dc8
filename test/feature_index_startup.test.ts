/**
 * Start-up lines and options around the import and the indexes, as Core's: a bare
 * `-blockfilterindex` (empty value) turns the basic filter index on, its LevelDB is announced
 * with Core's "Opening LevelDB in <path>" line, and "initload thread start" marks where the
 * block import (reindex, -loadblock) begins. Real node process.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TestNode } from './framework/test-node.js';

const running: TestNode[] = [];
afterEach(async () => {
  for (const n of running.splice(0)) await n.stop();
});

describe('feature_index_startup', () => {
  it('a bare blockfilterindex enables the basic filter index, with Core start-up lines', async () => {
    const n = await TestNode.start({
      noP2P: true,
      outbound: false,
      args: { blockfilterindex: '' },
    });
    running.push(n);
    const info = await n.rpc<Record<string, unknown>>('getindexinfo');
    expect(Object.keys(info)).toContain('basic block filter index');
    expect(n.output).toContain(
      `Opening LevelDB in ${join(n.netDir, 'indexes', 'blockfilter', 'basic', 'db')}`,
    );
    expect(n.output).toContain('initload thread start');
  }, 60_000);

  it('blockfilterindex=0 leaves it off', async () => {
    const n = await TestNode.start({
      noP2P: true,
      outbound: false,
      args: { blockfilterindex: '0' },
    });
    running.push(n);
    expect(await n.rpc('getindexinfo')).toEqual({});
  }, 60_000);
});
