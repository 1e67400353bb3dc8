/**
 * The confined node's entry point (compiled to dist/, run by the launcher inside bubblewrap and
 * under Node's permission model). It reads nothing by path except what it was granted: its
 * configuration arrives over the IPC channel, its listening sockets as inherited descriptors, its
 * console as the inherited stdout/stderr, and its outbound connections from the parent's broker.
 * From those it builds the same `Capabilities` the unconfined launcher would, and starts the node.
 */
import { osRandom } from '@bitcoind-lite/entropy/host';
import { seededRandom } from '@bitcoind-lite/entropy';
import { networkDataDirName, parseManifest, type Manifest } from '@bitcoind-lite/manifest';
import { fdLogSink } from '@bitcoind-lite/runtime/host';
import { FileLogSink, Logger, type Listener, type LogSink } from '@bitcoind-lite/runtime';
import { openDirCapability, openReadOnlyFile } from '@bitcoind-lite/storage/host';
import type { FileHandle } from '@bitcoind-lite/storage';
import { assembleCapabilities, type Capabilities } from '../capabilities.js';
import { makeClock } from '../make-clock.js';
import { Node } from '../node.js';
import { BrokerConnector } from './broker-connector.js';
import { maybeRegisterDebugProbe } from './debug-probe.js';
import { inheritedListener } from './inherited-listener.js';
import { isObjectWithType, type StartMessage } from './ipc-messages.js';
import { initErrorMessage } from '../init-errors.js';

function waitForStart(): Promise<StartMessage> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: unknown) => {
      if (isObjectWithType(m) && m.type === 'start') {
        process.off('message', onMessage);
        resolve(m as StartMessage);
      }
    };
    process.on('message', onMessage);
    process.once('disconnect', () => reject(new Error('launcher went away before start')));
  });
}

async function childCapabilities(manifest: Manifest, start: StartMessage): Promise<Capabilities> {
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const c of closers.splice(0).reverse()) await c().catch(() => undefined);
  };
  try {
    const random =
      manifest.entropy.kind === 'os' ? osRandom() : seededRandom(manifest.entropy.seed);
    const clock = makeClock(manifest);
    const rpc: Listener = await inheritedListener('rpc', start.rpc);
    closers.push(() => rpc.close());
    const p2p = start.p2p ? await inheritedListener('p2p', start.p2p) : undefined;
    if (p2p) closers.push(() => p2p.close());
    // Topics on one inherited descriptor share one Listener, as makeCapabilities does.
    const zmqByFd = new Map<number, Listener>();
    let zmq: Partial<Record<string, Listener>> | undefined;
    for (const [topic, from] of Object.entries(start.zmq ?? {})) {
      let listener = zmqByFd.get(from.fd);
      if (listener === undefined) {
        const made = await inheritedListener(`zmq.${topic}`, from);
        closers.push(() => made.close());
        zmqByFd.set(from.fd, made);
        listener = made;
      }
      (zmq ??= {})[topic] = listener;
    }

    const datadir = await openDirCapability(manifest.datadir.path, { create: true });
    const wallets = manifest.wallets
      ? await openDirCapability(manifest.wallets.path, { create: true })
      : undefined;
    const blocksdir = manifest.blocksdir
      ? await openDirCapability(manifest.blocksdir.path, { create: true })
      : undefined;
    const chainstatedir = manifest.chainstatedir
      ? await openDirCapability(manifest.chainstatedir.path, { create: true })
      : undefined;
    const loadblock: FileHandle[] = [];
    for (const grant of manifest.loadblock) {
      const file = await openReadOnlyFile(grant.path);
      closers.push(() => file.close());
      loadblock.push(file);
    }

    let logSink: LogSink;
    if (manifest.console !== undefined) {
      logSink = fdLogSink(manifest.console.fd);
    } else {
      const folder = networkDataDirName(manifest.network);
      const logDir = folder === '' ? datadir : await datadir.subdir(folder, { create: true });
      const sink = new FileLogSink(await logDir.open('debug.log', { create: true }));
      closers.push(() => sink.close());
      logSink = sink;
    }

    const outbound = manifest.outbound;
    const connector = new BrokerConnector(
      outbound === undefined ? 'none' : outbound.kind,
      outbound?.kind === 'socks5' ? `${outbound.proxy.host}:${outbound.proxy.port}` : '',
      new Logger(logSink, clock, ['net']),
    );
    return assembleCapabilities(manifest, {
      datadir,
      rpc,
      connector,
      random,
      clock,
      logSink,
      loadblock,
      close,
      p2p,
      wallets,
      blocksdir,
      chainstatedir,
      zmq,
    });
  } catch (e) {
    await close();
    throw e;
  }
}

async function main(): Promise<number> {
  if (process.send === undefined) {
    process.stderr.write('Error: the confined node is started by the launcher, not by hand\n');
    return 1;
  }
  const start = await waitForStart();
  let node: Node;
  try {
    const manifest = parseManifest(start.manifestText, start.manifestFile, start.baseDir);
    const caps = await childCapabilities(manifest, start);
    try {
      node = await Node.start(caps);
    } catch (e) {
      await caps.close().catch(() => undefined);
      throw e;
    }
    node.logger.info(`Confined: ${start.layers.join(' + ')}`);
    // Test only: the same probe confined and not, to show each attempt is denied only confined.
    maybeRegisterDebugProbe(manifest.args, node.rpc.table, {
      datadir: caps.datadir,
      connector: caps.connector,
      logger: node.logger,
    });
  } catch (e) {
    process.stderr.write(`Error: ${initErrorMessage(e)}\n`);
    return 1;
  }

  process.on('message', (m: unknown) => {
    if (isObjectWithType(m) && m.type === 'stop') void node.stop();
  });
  // The launcher holds the outbound grant and the terminal; without it the node stops at once.
  process.once('disconnect', () => void node.stop());
  process.on('SIGINT', () => undefined);
  await node.stopped;
  return 0;
}

const code = await main();
process.disconnect?.();
process.exit(code);
