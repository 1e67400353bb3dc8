/**
 * bitcoind-lite beside Bitcoin Core on the same machine: the same workloads run on both and each
 * figure is printed with its ratio lite/core. Core is the peer only when the environment variable
 * BITCOIND names a `bitcoind` binary (bench code may read the environment; product code may not);
 * without it, one line says the peer is absent.
 *
 * Core is only ever started offline: -regtest (or mainnet with -connect=0 -listen=0 for the block
 * import), a datadir under the temp folder, every listener and RPC bound to 127.0.0.1, and every
 * default that would reach out switched off (DNS seeds, fixed seeds, Tor control, PCP/NAT-PMP,
 * address discovery).
 *
 * Workloads (as bench/node.bench.ts, plus sync and import): start to RPC-ready, generatetoaddress
 * 1,000 blocks, getblockcount over one keep-alive connection, RSS after mining, node-to-node sync
 * of the 1,000-block chain over loopback, and the import of mainnet blocks 0..438 from a
 * blk*.dat-layout file (Core: -loadblock; bitcoind-lite: the manifest's `loadblock` grant).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SHARED, TestNode } from '../test/framework/test-node.js';
import type { Report } from './run.js';

const ADDR = 'bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080';
const BLOCKS = 1000;
const KEEPALIVE_CALLS = 5000;
const MAINNET_FILE = join(SHARED, 'chain/mainnet-0-438.blocks.dat');
const MAINNET_TIP = 438;

/** What a workload needs of a running node, whichever implementation it is. */
interface BenchNode {
  readonly rpcPort: number;
  readonly p2pPort: number;
  cookie(): string;
  rpc<T = unknown>(method: string, ...params: unknown[]): Promise<T>;
  rssBytes(): number;
  stop(): Promise<void>;
}

interface StartOptions {
  network: 'regtest' | 'main';
  /** Accept inbound P2P on 127.0.0.1 (for the sync source). */
  listen: boolean;
  /** 127.0.0.1:port of the one peer to connect to. */
  connect?: string;
  /** Absolute path of a blk*.dat-layout file to import at start. */
  loadblock?: string;
}

interface Implementation {
  readonly label: string;
  start(o: StartOptions): Promise<BenchNode>;
}

const lite: Implementation = {
  label: 'lite',
  async start(o) {
    const extra = o.loadblock ? `loadblock: !file\n  path: ${o.loadblock}` : '';
    return TestNode.start({
      network: o.network,
      noP2P: !o.listen,
      outbound: o.connect !== undefined,
      args: o.connect ? { connect: [o.connect] } : {},
      extraManifest: extra,
    });
  },
};

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

function procStatusBytes(pid: number | undefined, field: string): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = new RegExp(`${field}:\\s+(\\d+) kB`).exec(status);
  return kb ? Number(kb[1]) * 1024 : 0;
}

/** A real bitcoind process, started offline, spoken to over the same HTTP JSON-RPC. */
class CoreNode implements BenchNode {
  output = '';
  private nextId = 0;
  private readonly exited: Promise<number | null>;

  private constructor(
    private readonly proc: ChildProcess,
    readonly dir: string,
    readonly network: 'regtest' | 'main',
    readonly rpcPort: number,
    readonly p2pPort: number,
  ) {
    this.exited = new Promise((res) => proc.once('exit', (code) => res(code)));
    proc.stdout!.on('data', (d: Buffer) => (this.output += d.toString()));
    proc.stderr!.on('data', (d: Buffer) => (this.output += d.toString()));
  }

  static async start(binary: string, o: StartOptions): Promise<CoreNode> {
    const dir = mkdtempSync(join(tmpdir(), 'core-bench-'));
    const rpcPort = await freePort();
    const p2pPort = await freePort();
    const args = [
      `-datadir=${dir}`,
      ...(o.network === 'regtest' ? ['-regtest'] : []),
      '-printtoconsole=1',
      '-server=1',
      `-rpcbind=127.0.0.1`,
      `-rpcallowip=127.0.0.1`,
      `-rpcport=${rpcPort}`,
      // Core refuses -bind together with -listen=0.
      ...(o.listen
        ? ['-listen=1', `-bind=127.0.0.1:${p2pPort}`, `-port=${p2pPort}`]
        : ['-listen=0']),
      o.connect ? `-connect=${o.connect}` : '-connect=0',
      '-dnsseed=0',
      '-fixedseeds=0',
      '-listenonion=0',
      '-natpmp=0',
      '-discover=0',
      '-persistmempool=0',
      ...(o.loadblock ? [`-loadblock=${o.loadblock}`] : []),
    ];
    const proc = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const node = new CoreNode(proc, dir, o.network, rpcPort, p2pPort);
    const deadline = performance.now() + 60_000;
    // Core logs the same "init message: Done loading" the lite launcher does at the end of init.
    while (!/init message: Done loading/.test(node.output)) {
      if (proc.exitCode !== null) throw new Error(`bitcoind exited early:\n${node.output}`);
      if (performance.now() > deadline) throw new Error(`bitcoind not ready:\n${node.output}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    return node;
  }

  cookie(): string {
    const sub = this.network === 'regtest' ? 'regtest' : '';
    return readFileSync(join(this.dir, sub, '.cookie'), 'utf8').trim();
  }

  rssBytes(): number {
    return procStatusBytes(this.proc.pid, 'VmRSS');
  }

  async rpc<T = unknown>(method: string, ...params: unknown[]): Promise<T> {
    const body = JSON.stringify({ jsonrpc: '1.0', id: this.nextId++, method, params });
    const text = await post(this.rpcPort, this.cookie(), body);
    const parsed = JSON.parse(text) as { result: T; error: { message: string } | null };
    if (parsed.error) throw new Error(`bitcoind ${method}: ${parsed.error.message}`);
    return parsed.result;
  }

  async stop(): Promise<void> {
    if (this.proc.exitCode === null) {
      await this.rpc('stop').catch(() => undefined);
      const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 30_000));
      if ((await Promise.race([this.exited, timer])) === 'timeout') {
        this.proc.kill('SIGKILL');
        await this.exited;
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function core(binary: string): Implementation {
  return { label: 'Core', start: (o) => CoreNode.start(binary, o) };
}

function post(port: number, auth: string, body: string, agent?: Agent): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/',
        ...(agent ? { agent } : {}),
        headers: {
          'content-type': 'application/json',
          authorization: 'Basic ' + Buffer.from(auth).toString('base64'),
        },
      },
      (res) => {
        let data = '';
        res.on('data', (d: Buffer) => (data += d.toString()));
        res.on('end', () => resolve(data));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function waitForHeight(node: BenchNode, height: number, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while ((await node.rpc<number>('getblockcount').catch(() => -1)) < height) {
    if (performance.now() > deadline) throw new Error(`height ${height} not reached`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The figures of one implementation, by workload. */
type Figures = Map<string, { value: number; unit: string }>;

async function measure(impl: Implementation): Promise<Figures> {
  const f: Figures = new Map();
  const t0 = performance.now();
  const a = await impl.start({ network: 'regtest', listen: true });
  f.set('start to RPC-ready', { value: Math.round(performance.now() - t0), unit: 'ms' });
  let b: BenchNode | undefined;
  try {
    const t1 = performance.now();
    await a.rpc('generatetoaddress', BLOCKS, ADDR);
    f.set('mining 1,000 regtest blocks', {
      value: BLOCKS / ((performance.now() - t1) / 1000),
      unit: 'blocks/s',
    });
    f.set('RSS after mining 1,000 blocks', { value: a.rssBytes() / 2 ** 20, unit: 'MiB' });

    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const body = JSON.stringify({ jsonrpc: '1.0', id: 1, method: 'getblockcount', params: [] });
    const auth = a.cookie();
    for (let i = 0; i < 200; i++) await post(a.rpcPort, auth, body, agent);
    const t2 = performance.now();
    for (let i = 0; i < KEEPALIVE_CALLS; i++) await post(a.rpcPort, auth, body, agent);
    f.set('getblockcount over one keep-alive connection', {
      value: KEEPALIVE_CALLS / ((performance.now() - t2) / 1000),
      unit: 'req/s',
    });
    agent.destroy();

    // Sync is timed from the second node's RPC-ready to its tip at 1,000, so process start-up
    // (tsx for lite) is not counted as sync time.
    b = await impl.start({ network: 'regtest', listen: false, connect: `127.0.0.1:${a.p2pPort}` });
    const t3 = performance.now();
    await waitForHeight(b, BLOCKS, 300_000);
    f.set('sync 1,000 blocks to a second node (loopback)', {
      value: BLOCKS / ((performance.now() - t3) / 1000),
      unit: 'blocks/s',
    });
  } finally {
    await b?.stop();
    await a.stop();
  }

  if (existsSync(MAINNET_FILE)) {
    // Timed from spawn to tip 438: lite imports during warm-up, Core in a thread after init.
    const t4 = performance.now();
    const m = await impl.start({ network: 'main', listen: false, loadblock: MAINNET_FILE });
    try {
      await waitForHeight(m, MAINNET_TIP, 300_000);
      f.set('import mainnet 0..438 (spawn to tip)', {
        value: Math.round(performance.now() - t4),
        unit: 'ms',
      });
    } finally {
      await m.stop();
    }
  }
  return f;
}

export async function run(report: Report): Promise<void> {
  const binary = process.env['BITCOIND'];
  if (binary === undefined || binary === '') {
    report('Bitcoin Core peer absent: set BITCOIND=/path/to/bitcoind', 0, 'n/a');
    return;
  }
  if (!existsSync(binary)) throw new Error(`BITCOIND=${binary}: no such file`);
  const liteFigures = await measure(lite);
  let coreFigures: Figures;
  try {
    coreFigures = await measure(core(binary));
  } catch (err) {
    for (const [name, l] of liteFigures) report(`${name} (lite)`, l.value, l.unit);
    throw err;
  }
  for (const [name, l] of liteFigures) {
    report(`${name} (lite)`, l.value, l.unit);
    const c = coreFigures.get(name);
    if (c === undefined) continue;
    report(`${name} (Core)`, c.value, c.unit);
    report(`${name} ratio lite/core`, l.value / c.value, 'x', `>1: lite has more ${l.unit}`);
  }
}
