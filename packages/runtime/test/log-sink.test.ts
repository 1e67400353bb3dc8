import { spawnSync } from 'node:child_process';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileLogSink, Logger, type AppendableFile, type Clock } from '../src/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../..');

let tmp: string;
beforeEach(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'runtime-log-'));
});
afterEach(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** A real file opened for read/write, in the shape FileLogSink takes. */
async function openFile(path: string): Promise<AppendableFile> {
  const fh = await open(path, 'a+');
  return {
    size: async () => (await fh.stat()).size,
    write: async (position, data) => {
      await fh.write(data, 0, data.length, position);
    },
    sync: () => fh.datasync(),
    close: () => fh.close(),
  };
}

const fixedClock: Clock = {
  nowMs: () => Date.UTC(2024, 4, 1, 12, 0, 0),
  monotonicMs: () => 0,
  setTimeout: () => ({ cancel() {} }),
  setInterval: () => ({ cancel() {} }),
};

describe('file log sink', () => {
  it('appends lines in order after what the file already holds', async () => {
    const path = join(tmp, 'debug.log');
    const first = new FileLogSink(await openFile(path));
    new Logger(first, fixedClock).info('first start');
    await first.close();

    const sink = new FileLogSink(await openFile(path));
    const log = new Logger(sink, fixedClock, ['net']);
    for (let i = 0; i < 50; i++) log.debug('net', `line ${i}`);
    log.warning('disk space is low');
    await sink.close();

    const lines = (await readFile(path, 'utf8')).trimEnd().split('\n');
    expect(lines[0]).toBe('2024-05-01T12:00:00Z first start');
    expect(lines[1]).toBe('2024-05-01T12:00:00Z [net] line 0');
    expect(lines[50]).toBe('2024-05-01T12:00:00Z [net] line 49');
    expect(lines[51]).toBe('2024-05-01T12:00:00Z [warning] disk space is low');
    expect(lines).toHaveLength(52);
  });

  it('keeps the first write error for flush and drops later lines', async () => {
    const file = await openFile(join(tmp, 'x.log'));
    await file.close(); // every write now fails with EBADF
    const sink = new FileLogSink({ ...file, close: async () => {} });
    sink.write('a\n');
    sink.write('b\n');
    await expect(sink.flush()).rejects.toThrow();
  });
});

describe('fd log sink', () => {
  it('writes to the chosen stream of the process', () => {
    const script =
      "import { fdLogSink } from './packages/runtime/src/host/index.ts';" +
      "fdLogSink('stderr').write('to-stderr\\n'); fdLogSink('stdout').write('to-stdout\\n');";
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      {
        cwd: repoRoot,
        encoding: 'utf8',
      },
    );
    expect(r.stderr).toContain('to-stderr\n');
    expect(r.stderr).not.toContain('to-stdout');
    expect(r.stdout).toBe('to-stdout\n');
  });
});
