/**
 * Ctrl-C and `kill -- -PGID`: a terminal sends SIGINT to the whole foreground process group, and
 * service managers often signal the group too. bitcoind answers SIGINT and SIGTERM with one clean
 * shutdown (mempool.dat written, "Shutdown: done", exit 0); the launcher must do the same whether
 * the node runs in-process or as a confined child in bubblewrap (which must not die of the signal
 * itself and take the node with it).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureBuilt } from '../scripts/build-dist.js';
import { REPO_ROOT, TestNode } from './framework/test-node.js';

const MAIN_TS = join(REPO_ROOT, 'apps/node/src/main.ts');

/** Starts the launcher as a session leader (as `setsid` would), so its pid is the group id. */
async function startGroupLeader(
  manifestPath: string,
): Promise<{ pid: number; output: () => string; exited: Promise<number | null> }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', MAIN_TS, '--manifest', manifestPath], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  proc.stdout.on('data', (d: Buffer) => (output += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((r) => proc.once('exit', (c) => r(c)));
  for (let i = 0; i < 1200 && !/init message: Done loading/.test(output); i++) {
    if (proc.exitCode !== null) throw new Error(`launcher exited early:\n${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  if (!/init message: Done loading/.test(output)) {
    process.kill(-proc.pid!, 'SIGKILL');
    throw new Error(`node not ready:\n${output}`);
  }
  return { pid: proc.pid!, output: () => output, exited };
}

describe.each(['off', 'required'] as const)(
  'signals to the process group, confine: %s',
  (confine) => {
    it.each(['SIGINT', 'SIGTERM'] as const)('%s gives one clean shutdown', async (signal) => {
      if (confine !== 'off') ensureBuilt();
      const node = TestNode.create({ confine, outbound: false });
      const launcher = await startGroupLeader(node.manifestPath);
      // Something in the mempool is not needed: mempool.dat is written even when empty, as Core.
      expect(existsSync(join(node.netDir, 'mempool.dat'))).toBe(false);

      process.kill(-launcher.pid, signal);
      const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 30_000));
      const code = await Promise.race([launcher.exited, timeout]);
      if (code === 'timeout') process.kill(-launcher.pid, 'SIGKILL');

      const out = launcher.output();
      expect(code, out).toBe(0);
      expect(out.match(/Shutdown: In progress\.\.\./g)?.length, out).toBe(1);
      expect(out.match(/Shutdown: done/g)?.length, out).toBe(1);
      expect(existsSync(join(node.netDir, 'mempool.dat')), out).toBe(true);
      if (confine === 'required') expect(out).toMatch(/Confined: namespaces/);
    });
  },
);
