/**
 * `pnpm start --manifest node.yaml`: the launcher. It is the only code that reads the manifest
 * and turns it into capabilities; then it hands them to the node and waits for it to stop.
 * Exit codes: 0 after a clean stop, 1 for a bad manifest or a failed start.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ManifestError, parseManifest } from '@bitcoind-lite/manifest';
import { makeCapabilities } from './capabilities.js';
import { Node } from './node.js';
import { maybeRegisterDebugProbe } from './confine/debug-probe.js';
import { runConfined } from './confine/launch-confined.js';
import { errnoText, initErrorMessage } from './init-errors.js';
import { startupErrorCaption } from './chainstate-load-failure.js';

const USAGE = 'usage: bitcoind-lite --manifest FILE';

function manifestPathFromArgv(argv: string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--manifest' || a === '-manifest') return argv[i + 1];
    const m = /^--?manifest=(.+)$/.exec(a);
    if (m) return m[1];
  }
  return undefined;
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const path = manifestPathFromArgv(argv);
  if (path === undefined) {
    process.stderr.write(`Error: no manifest given\n${USAGE}\n`);
    return 1;
  }
  const file = resolve(path);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const why = errnoText((e as NodeJS.ErrnoException).code) ?? (e as Error).message;
    process.stderr.write(`Error: ${path}: cannot read manifest: ${why}\n`);
    return 1;
  }

  let node: Node;
  try {
    const manifest = parseManifest(text, path, dirname(file));
    // Issue 7: the node runs in a confined child; this process keeps the grants and brokers.
    if (manifest.confine !== 'off') return await runConfined(manifest, text, path, dirname(file));
    const caps = await makeCapabilities(manifest);
    try {
      node = await Node.start(caps);
    } catch (e) {
      await caps.close().catch(() => undefined);
      throw e;
    }
    // Test only: the same probe confined and not, to show each attempt is denied only confined.
    maybeRegisterDebugProbe(manifest.args, node.rpc.table, {
      datadir: caps.datadir,
      connector: caps.connector,
      logger: node.logger,
    });
  } catch (e) {
    const msg = e instanceof ManifestError ? e.message : initErrorMessage(e);
    process.stderr.write(`${startupErrorCaption(e)}${msg}\n`);
    return 1;
  }

  const onSignal = (): void => void node.stop();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  await node.stopped;
  return 0;
}

process.exitCode = await main();
