/**
 * The launcher's confined path (`confine: required | best-effort`): the parent keeps what must
 * stay privileged — the manifest's outbound grant, and the binding of the listening sockets — and
 * starts the node as a child that can reach only what it is handed:
 *
 * 1. bubblewrap: its own network namespace (no interface up: no connect, no listen, no DNS), pid,
 *    ipc and uts namespaces, and a mount namespace with only /usr, the compiled code and
 *    node_modules read-only, the datadir/wallets/blocksdir/chainstatedir read-write and
 *    loadblock files read-only;
 * 2. Node's permission model with the same paths, no child processes, no workers.
 *
 * The listening sockets and the console cross as inherited descriptors (stdio slots 4 and 5 for
 * rpc and p2p, then one per distinct `zmq` socket; slot 3 is the IPC channel), outbound connections through the OutboundBroker.
 * Without namespaces, `required` refuses to start and `best-effort` says so and runs layer 2 only.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { Server } from 'node:net';
import { basename, dirname, join, resolve } from 'node:path';
import { ManifestError, type Manifest, type SocketGrant } from '@bitcoind-lite/manifest';
import { directConnector, socks5Connector } from '@bitcoind-lite/p2p/host';
import { NO_OUTBOUND, type Connector } from '@bitcoind-lite/p2p';
import { fdLogSink, systemClock } from '@bitcoind-lite/runtime/host';
import { Logger } from '@bitcoind-lite/runtime';
import { checkDirPath, makeZmqListeners } from '../capabilities.js';
import type { InheritedListener, StartMessage } from './ipc-messages.js';
import { OutboundBroker } from './outbound-broker.js';
import { noBindFilter } from './seccomp-no-bind.js';
import {
  BWRAP,
  bwrapArgs,
  codePathsOf,
  namespacesUnavailableReason,
  permissionFlags,
  type Grants,
} from './sandbox-command.js';

/** The repository root, whether this runs from src/ (tsx) or from the compiled dist/. */
const FOUR_UP = resolve(import.meta.dirname, '../../../..');
export const REPO_ROOT = basename(FOUR_UP) === 'dist' ? dirname(FOUR_UP) : FOUR_UP;
/** The compiled child, relative to the repository (run from src/ by tsx or from dist/). */
export const CHILD_MAIN_JS = join(REPO_ROOT, 'dist/apps/node/src/confine/child-main.js');

/** The same Connector makeCapabilities makes: the parent holds it, the child borrows it. */
function makeConnector(manifest: Manifest): Connector {
  const grant = manifest.outbound;
  const timeout = manifest.args['timeout'];
  const connectTimeoutMs = typeof timeout === 'number' && timeout > 0 ? timeout : undefined;
  if (grant === undefined) return NO_OUTBOUND;
  if (grant.kind === 'socks5') {
    return socks5Connector({ proxy: grant.proxy, ...(connectTimeoutMs && { connectTimeoutMs }) });
  }
  return directConnector({
    ...(grant.allow && { allow: grant.allow }),
    ...(connectTimeoutMs && { connectTimeoutMs }),
  });
}

interface BoundSocket {
  /** The descriptor in this process, to place in the child's stdio. */
  fd: number;
  address: string;
  port: number;
  /** Closes this process's copy (the child's stays open). */
  release(): void;
}

/** Binds `bind:` grants here; `fd:` grants are passed on untouched. */
async function bindGrant(key: string, grant: SocketGrant): Promise<BoundSocket> {
  if (grant.kind === 'fd') {
    return { fd: grant.fd, address: `fd:${grant.fd}`, port: 0, release: () => undefined };
  }
  const { host, port } = grant.bind;
  const server = new Server();
  try {
    await new Promise<void>((res, rej) => {
      server.once('error', rej);
      server.listen({ host, port, exclusive: true }, () => res());
    });
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? String(e);
    throw new ManifestError(
      grant.at,
      `${key}: cannot bind ${host}:${port}: ${why}`,
      'a free port',
      {
        cause: e,
      },
    );
  }
  const bound = server.address();
  const boundPort = typeof bound === 'object' && bound !== null ? bound.port : port;
  // Node exposes the descriptor of a listening TCP handle only through its internal handle.
  const fd = (server as unknown as { _handle: { fd: number } })._handle.fd;
  const shown = host.includes(':') ? `[${host}]:${boundPort}` : `${host}:${boundPort}`;
  return { fd, address: shown, port: boundPort, release: () => server.close() };
}

function grantsOf(manifest: Manifest): Grants {
  return {
    codePaths: codePathsOf(REPO_ROOT),
    // The same path granted twice (e.g. blocksdir = datadir) is bound and allowed once.
    writableDirs: [
      ...new Set(
        [manifest.datadir, manifest.wallets, manifest.blocksdir, manifest.chainstatedir]
          .filter((g) => g !== undefined)
          .map((g) => g.path),
      ),
    ],
    readableFiles: manifest.loadblock.map((f) => f.path),
  };
}

/** Starts the confined node and waits for it; returns the exit code for the launcher. */
export async function runConfined(
  manifest: Manifest,
  manifestText: string,
  manifestFile: string,
  baseDir: string,
): Promise<number> {
  const clock = systemClock();
  const logger = new Logger(fdLogSink(manifest.console?.fd ?? 'stderr'), clock, ['net']);
  if (!existsSync(CHILD_MAIN_JS)) {
    process.stderr.write(
      `Error: confine: ${manifest.confine}: the compiled node is missing (${CHILD_MAIN_JS}); ` +
        'run `pnpm build` first\n',
    );
    return 1;
  }

  const unavailable = namespacesUnavailableReason();
  if (unavailable !== undefined && manifest.confine === 'required') {
    process.stderr.write(
      `Error: confine: required, but Linux namespaces are unavailable: ${unavailable}. ` +
        "Refusing to start unconfined; use `confine: best-effort` to run under Node's " +
        'permission model alone.\n',
    );
    return 1;
  }
  if (unavailable !== undefined) {
    logger.warning(
      `confine: best-effort: Linux namespaces are unavailable (${unavailable}); running under ` +
        "Node's permission model only: the network is NOT confined",
    );
  }

  const connector = makeConnector(manifest);
  const sockets: BoundSocket[] = [];
  const grants = grantsOf(manifest);
  let start: StartMessage;
  try {
    // As makeCapabilities: every folder path checked and every socket bound before any folder
    // is made, so a bad manifest changes nothing on disk.
    for (const key of ['datadir', 'wallets', 'blocksdir', 'chainstatedir'] as const) {
      const grant = manifest[key];
      if (grant) await checkDirPath(key, grant.path, grant.at);
    }
    const rpc = await bindGrant('rpc', manifest.rpc);
    sockets.push(rpc);
    const p2p = manifest.p2p ? await bindGrant('p2p', manifest.p2p) : undefined;
    if (p2p) sockets.push(p2p);
    // Each distinct zmq socket takes the next slot after rpc (4) and p2p (5, when present).
    const slotOf = new Map<BoundSocket, number>();
    const zmq = manifest.zmq
      ? await makeZmqListeners(manifest.zmq, bindGrant, (s) => {
          slotOf.set(s, 4 + sockets.length);
          sockets.push(s);
        })
      : undefined;
    for (const dir of grants.writableDirs) await mkdir(dir, { recursive: true });
    const inherited = (s: BoundSocket, fd: number): InheritedListener => ({
      fd,
      address: s.address,
      port: s.port,
    });
    const layers = [
      ...(unavailable === undefined ? ['namespaces (net, mount, pid, ipc, uts; bubblewrap)'] : []),
      ...(unavailable === undefined && noBindFilter() ? ['seccomp (no bind)'] : []),
      "Node's permission model",
      'outbound brokered by the launcher',
    ];
    start = {
      type: 'start',
      manifestText,
      manifestFile,
      baseDir,
      rpc: inherited(rpc, 4),
      ...(p2p && { p2p: inherited(p2p, 5) }),
      ...(zmq && {
        zmq: Object.fromEntries(
          Object.entries(zmq).map(([topic, s]) => [topic, inherited(s, slotOf.get(s)!)]),
        ),
      }),
      layers,
    };
  } catch (e) {
    for (const s of sockets) s.release();
    const msg = e instanceof ManifestError ? e.message : ((e as Error).stack ?? String(e));
    process.stderr.write(`Error: ${msg}\n`);
    return 1;
  }

  const stdio: ('ignore' | 'inherit' | 'ipc' | number)[] = ['ignore', 'inherit', 'inherit', 'ipc'];
  for (const s of sockets) stdio.push(s.fd);
  const nodeArgs = [...permissionFlags(grants), CHILD_MAIN_JS];
  let command = process.execPath;
  let args = nodeArgs;
  let seccompFd: number | undefined;
  if (unavailable === undefined) {
    const sandbox = bwrapArgs(grants);
    const filter = noBindFilter();
    if (filter !== undefined) {
      // bubblewrap reads the program from a descriptor; a file unlinked right after spawn.
      const folder = mkdtempSync(join(tmpdir(), 'bitcoind-lite-seccomp-'));
      writeFileSync(join(folder, 'no-bind.bpf'), filter);
      seccompFd = openSync(join(folder, 'no-bind.bpf'), 'r');
      rmSync(folder, { recursive: true, force: true });
      sandbox.push('--seccomp', String(stdio.length));
      stdio.push(seccompFd);
    } else {
      logger.warning(`confine: no seccomp filter for ${process.arch}: bind() is not blocked`);
    }
    command = BWRAP;
    args = [...sandbox, '--', process.execPath, ...nodeArgs];
  }
  // No ambient environment crosses: the child learns everything from the start message.
  // `detached` puts the child in its own session and process group, so a Ctrl-C (SIGINT to the
  // terminal's foreground group) or a `kill -- -PGID` reaches only this launcher, which stops the
  // node over IPC: exactly one clean shutdown, as bitcoind gives on SIGINT/SIGTERM. Without it
  // bubblewrap's outer process takes the signal's default action and its pid namespace dies.
  const child = spawn(command, args, { stdio, env: {}, cwd: '/', detached: true });
  // The child holds its own copies now; closing ours before any accept keeps this process from
  // taking connections meant for the node.
  for (const s of sockets) s.release();
  if (seccompFd !== undefined) closeSync(seccompFd);

  new OutboundBroker(child, connector, logger);
  const exited = new Promise<number>((res) =>
    child.once('exit', (code, signal) => res(code ?? (signal ? 128 : 1))),
  );
  child.once('error', (e) => {
    if (child.pid === undefined)
      process.stderr.write(`Error: cannot start the node: ${e.message}\n`);
  });
  child.send(start);

  const forward = (): void => {
    if (child.connected) child.send({ type: 'stop' });
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  const code = await exited;
  process.off('SIGINT', forward);
  process.off('SIGTERM', forward);
  return code;
}
