/**
 * FileLogSink under a burst: lines logged while a write is in flight go out together, in order,
 * so the file keeps up with the node. A real file; the count of writes reaching it is recorded.
 */
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileLogSink, type AppendableFile } from '../src/index.js';

let dir = '';
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('FileLogSink batching', () => {
  it('a burst of 2000 lines is written in order with far fewer writes than lines', async () => {
    dir = await mkdtemp(join(tmpdir(), 'log-batch-'));
    const path = join(dir, 'debug.log');
    const fh = await open(path, 'a+');
    let writes = 0;
    const file: AppendableFile = {
      size: async () => (await fh.stat()).size,
      write: async (position, data) => {
        writes++;
        await fh.write(data, 0, data.length, position);
      },
      sync: () => fh.sync(),
      close: () => fh.close(),
    };
    const sink = new FileLogSink(file);
    const expected: string[] = [];
    for (let i = 0; i < 2000; i++) {
      const line = `line ${i}\n`;
      expected.push(line);
      sink.write(line);
    }
    await sink.close();
    expect(await readFile(path, 'utf8')).toBe(expected.join(''));
    expect(writes).toBeLessThan(10);
  });
});
