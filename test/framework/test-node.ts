/**
 * Starts a real bitcoind-lite process from a manifest written to a temporary folder, as Core's
 * functional test framework starts bitcoind: ports are bound by the launcher on 127.0.0.1:0 and
 * read back from its log; RPC goes over real HTTP with the cookie the node wrote.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { request } from 'node:http';
import { ensureBuilt } from '../../scripts/build-dist.js';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');
export const SHARED = resolve(REPO_ROOT, '../shared');
const MAIN_TS = join(REPO_ROOT, 'apps/node/src/main.ts');

export class RpcCallError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export interface TestNodeOptions {
  /** Folder for manifest and datadir; a new temporary one when absent. */
  dir?: string;
  network?: 'regtest' | 'main' | 'testnet' | 'signet';
  /** Lines appended to the manifest's `args:` map, e.g. {connect: ['127.0.0.1:1234']}. */
  args?: Record<string, unknown>;
  /** Extra top-level manifest YAML (outbound grants, loadblock, clock...). */
  extraManifest?: string;
  /** Give the node no inbound P2P listener. */
  noP2P?: boolean;
  /** Grant `!direct` outbound (default true). */
  outbound?: boolean;
  /**
   * Run the node confined (issue 7). Default: `BITCOIND_LITE_CONFINE` from the environment, else
   * 'off', so `BITCOIND_LITE_CONFINE=required npx vitest run test/` runs every e2e test confined.
   */
  confine?: 'required' | 'best-effort' | 'off';
}

function defaultConfine(): 'required' | 'best-effort' | 'off' {
  const v = process.env['BITCOIND_LITE_CONFINE'];
  return v === 'required' || v === 'best-effort' ? v : 'off';
}

/** Pids of every process below `pid` (from /proc), so a kill can wait for the confined child. */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

function yamlValue(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map((x) => JSON.stringify(String(x))).join(', ')}]`;
  return JSON.stringify(v);
}

export class TestNode {
  rpcPort = 0;
  p2pPort = 0;
  output = '';
  private proc: ChildProcess | undefined;
  private exited: Promise<number | null> | undefined;
  private nextId = 0;

  private constructor(
    readonly dir: string,
    readonly manifestPath: string,
    readonly network: string,
  ) {}

  static async start(o: TestNodeOptions = {}): Promise<TestNode> {
    const node = TestNode.create(o);
    await node.launch();
    return node;
  }

  /** Writes the manifest without starting the process. */
  static create(o: TestNodeOptions = {}): TestNode {
    const dir = o.dir ?? mkdtempSync(join(tmpdir(), 'bitcoind-lite-test-'));
    const network = o.network ?? 'regtest';
    const manifestPath = join(dir, 'node.yaml');
    if (!existsSync(manifestPath)) {
      const args = Object.entries(o.args ?? {})
        .map(([k, v]) => `  ${k}: ${yamlValue(v)}`)
        .join('\n');
      const lines = [
        `network: ${network}`,
        'datadir: !dir',
        '  path: ./data',
        'console: !fd stdout',
        'rpc: !socket',
        '  bind: 127.0.0.1:0',
        ...(o.noP2P ? [] : ['p2p: !socket', '  bind: 127.0.0.1:0']),
        ...(o.outbound === false ? [] : ['outbound: !direct {}']),
        'entropy: !random os',
        ...((o.confine ?? defaultConfine()) === 'off'
          ? []
          : [`confine: ${o.confine ?? defaultConfine()}`]),
        o.extraManifest ?? '',
        ...(args ? ['args:', args] : []),
      ];
      writeFileSync(manifestPath, lines.join('\n') + '\n');
    }
    return new TestNode(dir, manifestPath, network);
  }

  get datadir(): string {
    return join(this.dir, 'data');
  }

  get netDir(): string {
    return this.network === 'main'
      ? this.datadir
      : join(this.datadir, this.network === 'testnet' ? 'testnet3' : this.network);
  }

  /** Spawns the launcher and waits until RPC answers (warmup over). */
  async launch(timeoutMs = 60_000): Promise<void> {
    this.output = '';
    if (/^confine: (required|best-effort)/m.test(readFileSync(this.manifestPath, 'utf8'))) {
      ensureBuilt(); // the confined child runs the compiled dist/
    }
    const proc = spawn(
      process.execPath,
      ['--import', 'tsx', MAIN_TS, '--manifest', this.manifestPath],
      {
        cwd: REPO_ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.proc = proc;
    this.exited = new Promise((res) => proc.once('exit', (code) => res(code)));
    proc.stdout!.on('data', (d: Buffer) => (this.output += d.toString()));
    proc.stderr!.on('data', (d: Buffer) => (this.output += d.toString()));
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const rpc = /Bound to 127\.0\.0\.1:(\d+) \(rpc\)/.exec(this.output);
      const p2p = /Bound to 127\.0\.0\.1:(\d+) \(p2p\)/.exec(this.output);
      if (rpc) this.rpcPort = Number(rpc[1]);
      if (p2p) this.p2pPort = Number(p2p[1]);
      if (/init message: Done loading/.test(this.output)) return;
      if (proc.exitCode !== null || proc.signalCode !== null) {
        throw new Error(
          `node exited with ${proc.exitCode ?? proc.signalCode} before ready:\n${this.output}`,
        );
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`node not ready after ${timeoutMs} ms:\n${this.output}`);
  }

  /** Waits for the process to exit by itself; returns its exit code. */
  async waitForExit(timeoutMs = 30_000): Promise<number | null> {
    const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), timeoutMs));
    const code = await Promise.race([this.exited!, timer]);
    if (code === 'timeout') throw new Error(`node did not exit:\n${this.output}`);
    return code;
  }

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  /** Resident set size of the node process, from /proc (Linux). */
  rssBytes(): number {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+) kB/.exec(status);
    return kb ? Number(kb[1]) * 1024 : 0;
  }

  /** Peak resident set size (VmHWM). */
  peakRssBytes(): number {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    const kb = /VmHWM:\s+(\d+) kB/.exec(status);
    return kb ? Number(kb[1]) * 1024 : 0;
  }

  cookie(): string {
    return readFileSync(join(this.netDir, '.cookie'), 'utf8').trim();
  }

  /** A raw JSON-RPC 1.0 call over HTTP; returns status and parsed body. */
  async rawCall(body: string, auth = this.cookie()): Promise<{ status: number; body: string }> {
    return new Promise((res, rej) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: this.rpcPort,
          method: 'POST',
          path: '/',
          headers: {
            'content-type': 'application/json',
            authorization: 'Basic ' + Buffer.from(auth).toString('base64'),
          },
        },
        (resp) => {
          let data = '';
          resp.on('data', (d: Buffer) => (data += d.toString()));
          resp.on('end', () => res({ status: resp.statusCode ?? 0, body: data }));
        },
      );
      req.on('error', rej);
      req.end(body);
    });
  }

  async rpc<T = unknown>(method: string, ...params: unknown[]): Promise<T> {
    return this.call<T>(method, params);
  }

  async rpcNamed<T = unknown>(method: string, params: Record<string, unknown>): Promise<T> {
    return this.call<T>(method, params);
  }

  private async call<T>(method: string, params: unknown): Promise<T> {
    const id = this.nextId++;
    const { body } = await this.rawCall(JSON.stringify({ jsonrpc: '1.0', id, method, params }));
    const parsed = JSON.parse(body) as {
      result: T;
      error: { code: number; message: string } | null;
    };
    if (parsed.error) throw new RpcCallError(parsed.error.code, parsed.error.message);
    return parsed.result;
  }

  /** Clean stop through the `stop` RPC; waits for exit. */
  async stop(): Promise<void> {
    if (this.proc === undefined || this.proc.exitCode !== null) return;
    await this.rpc('stop').catch(() => undefined);
    await this.waitForExit();
  }

  /** `kill -9`. */
  async kill(): Promise<void> {
    if (this.proc === undefined || this.proc.exitCode !== null) return;
    // A confined node is a grandchild (bubblewrap dies with its parent): wait for it too, so a
    // restart does not find the datadir still locked.
    const below = this.proc.pid === undefined ? [] : descendants(this.proc.pid);
    this.proc.kill('SIGKILL');
    await this.exited;
    const alive = (pid: number) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    for (let i = 0; i < 200 && below.some(alive); i++) await new Promise((r) => setTimeout(r, 25));
  }

  async waitFor(pred: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (await pred()) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`timed out waiting for ${what}\n${this.output.slice(-3000)}`);
  }
}

/** Runs a manifest through the launcher and returns its exit code and output (bad-input tests). */
export async function runLauncher(
  manifestPath: string,
  timeoutMs = 30_000,
): Promise<{ code: number | null; output: string }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', MAIN_TS, '--manifest', manifestPath], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  proc.stdout.on('data', (d: Buffer) => (output += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((r) => proc.once('exit', (c) => r(c)));
  clearTimeout(timer);
  return { code, output };
}
