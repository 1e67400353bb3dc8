/**
 * `debugcapabilityprobe PROBE [ARG]`: a hidden, TEST-ONLY RPC that makes the node itself attempt
 * something its manifest did not grant, and reports how the attempt ended. It exists so the
 * confinement tests (test/feature_confinement.test.ts) can show, from inside the confined process,
 * that each attempt fails, is logged, and leaves the node running. It is registered only when the
 * manifest says `args: {debugprobe: 1}`; never set that on a real node.
 *
 * Probes (ARG in brackets):
 * - `read-file [PATH]`        read a file by its host path
 * - `write-file [PATH]`       create a file by its host path
 * - `dir-read [NAME]`         read NAME through the node's datadir capability (symlink checks)
 * - `listen`                  open a new listening TCP port on 127.0.0.1
 * - `connect [HOST:PORT]`     open a TCP connection directly, bypassing the Connector
 * - `broker-connect [HOST:PORT]` open one through the node's Connector (the broker when confined)
 * - `spawn`                   start a child process
 * - `resolve [NAME]`          resolve a host name
 */
import { spawn } from 'node:child_process';
import { lookup } from 'node:dns/promises';
import { readFile, writeFile } from 'node:fs/promises';
import { connect, createServer, type Socket } from 'node:net';
import type { Connector } from '@bitcoind-lite/p2p';
import type { RpcTable } from '@bitcoind-lite/rpc';
import type { Logger } from '@bitcoind-lite/runtime';
import type { Dir } from '@bitcoind-lite/storage';

export interface ProbeResult {
  probe: string;
  arg: string;
  ok: boolean;
  code?: string;
  error?: string;
}

export interface ProbeTargets {
  datadir: Dir;
  connector: Connector;
  logger: Logger;
}

function hostPort(arg: string): { host: string; port: number } {
  const i = arg.lastIndexOf(':');
  return { host: arg.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(arg.slice(i + 1)) };
}

const TIMEOUT_MS = 5000;

function withTimeout<T>(p: Promise<T>, what: string): Promise<T> {
  return Promise.race([
    p,
    new Promise<T>((_, rej) => setTimeout(() => rej(new Error(`${what}: timed out`)), TIMEOUT_MS)),
  ]);
}

async function attempt(probe: string, arg: string, t: ProbeTargets): Promise<void> {
  switch (probe) {
    case 'read-file':
      await readFile(arg);
      return;
    case 'write-file':
      await writeFile(arg, 'written by debugcapabilityprobe\n');
      return;
    case 'dir-read':
      await t.datadir.readFile(arg);
      return;
    case 'listen': {
      const server = createServer();
      await new Promise<void>((res, rej) => {
        server.once('error', rej);
        server.listen({ host: '127.0.0.1', port: 0 }, () => res());
      });
      server.close();
      return;
    }
    case 'connect': {
      const { host, port } = hostPort(arg);
      const socket: Socket = connect({ host, port });
      await withTimeout(
        new Promise<void>((res, rej) => {
          socket.once('error', rej);
          socket.once('connect', () => res());
        }),
        'connect',
      ).finally(() => socket.destroy());
      return;
    }
    case 'broker-connect': {
      const { host, port } = hostPort(arg);
      const stream = await withTimeout(t.connector.connect(host, port), 'broker-connect');
      stream.destroy();
      return;
    }
    case 'spawn': {
      const child = spawn('/bin/true', [], { stdio: 'ignore' });
      await new Promise<void>((res, rej) => {
        child.once('error', rej);
        child.once('spawn', () => res());
      });
      return;
    }
    case 'resolve':
      await withTimeout(lookup(arg), 'resolve');
      return;
    default:
      throw new TypeError(`unknown probe "${probe}"`);
  }
}

export async function runProbe(probe: string, arg: string, t: ProbeTargets): Promise<ProbeResult> {
  try {
    await attempt(probe, arg, t);
    t.logger.warning(`debugcapabilityprobe: ${probe} ${arg}: succeeded`);
    return { probe, arg, ok: true };
  } catch (e) {
    if (e instanceof TypeError && /unknown probe/.test(e.message)) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    const error = e instanceof Error ? e.message : String(e);
    t.logger.warning(`debugcapabilityprobe: ${probe} ${arg}: denied: ${code ?? ''} ${error}`);
    return { probe, arg, ok: false, ...(code !== undefined && { code }), error };
  }
}

export function registerDebugProbe(table: RpcTable, targets: ProbeTargets): void {
  table.register({
    name: 'debugcapabilityprobe',
    category: 'hidden',
    params: [
      { name: 'probe', type: 'string', description: 'which attempt to make' },
      { name: 'arg', type: 'string', optional: true, default: '', description: 'its target' },
    ],
    description:
      "Test only (args.debugprobe): attempts something outside the node's grants and reports " +
      'how it ended.',
    handler: (params) => runProbe(String(params['probe']), String(params['arg'] ?? ''), targets),
  });
}

/**
 * Registers the probe when the manifest asks for it (`args: {debugprobe: 1}`), for the unconfined
 * launcher and the confined child alike, with the warning that it is for tests only.
 */
export function maybeRegisterDebugProbe(
  args: Readonly<Record<string, unknown>>,
  table: RpcTable,
  targets: ProbeTargets,
): void {
  if (args['debugprobe'] !== true) return;
  registerDebugProbe(table, targets);
  targets.logger.warning('debugcapabilityprobe RPC enabled (args.debugprobe): test use only');
}
