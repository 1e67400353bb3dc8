/**
 * `bin/bitcoind`: a Bitcoin Core compatible front end that is itself a launcher. It reads
 * bitcoind's command line and the datadir's bitcoin.conf the way Core does, turns them into a
 * manifest (settings-to-manifest.ts), parses that with the manifest parser, and starts the node
 * through the same path as apps/node/src/main.ts: makeCapabilities + Node.start, or the
 * confined launcher when `-confine=required|best-effort` is given.
 *
 * Errors are printed as Core's InitError (`Error: ...` on stderr) with exit code 1; a clean stop
 * exits 0 with nothing on stderr, which Core's functional test framework checks.
 */
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { ManifestError, parseManifest } from '@bitcoind-lite/manifest';
import { fdLogSink } from '@bitcoind-lite/runtime/host';
import type { LogSink } from '@bitcoind-lite/runtime';
import { makeCapabilities } from '../capabilities.js';
import { Node } from '../node.js';
import { runConfined } from '../confine/launch-confined.js';
import { registerMissingTestRpcs } from './compat-rpcs.js';
import { ConfigError, parseConfigText } from './config-file.js';
import { UNSUPPORTED_OPTIONS } from './core-options.js';
import { selectChain, settingsToManifest } from './settings-to-manifest.js';
import { InitError, Settings, parseCommandLine } from './settings.js';
import { startupErrorCaption } from '../chainstate-load-failure.js';
import { helpText, versionText } from './usage.js';

/** What a manifest error says, without the location in a manifest the user never wrote. */
const MANIFEST_NAME = 'bitcoind arguments';

async function readConfig(path: string, settings: Settings, explicit: boolean): Promise<boolean> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    if (explicit) {
      throw new InitError(
        `Error reading configuration file: specified config file "${path}" could not be opened.`,
      );
    }
    return false;
  }
  try {
    settings.addConfig(parseConfigText(text, path));
  } catch (e) {
    if (e instanceof ConfigError) {
      throw new InitError(`Error reading configuration file: ${e.message}`);
    }
    throw e;
  }
  return true;
}

/** Core's includeconf: files named in the default and the chain section, one level deep. */
async function readIncludes(settings: Settings, datadir: string, done: Set<string>) {
  for (const name of settings.getList('includeconf')) {
    const path = isAbsolute(name) ? name : resolve(datadir, name);
    if (done.has(path)) continue;
    done.add(path);
    try {
      settings.addConfig(parseConfigText(await readFile(path, 'utf8'), path));
    } catch (e) {
      if (e instanceof ConfigError)
        throw new InitError(`Error reading configuration file: ${e.message}`);
      throw new InitError(`Failed to include configuration file ${name}`);
    }
  }
}

function teeSink(a: LogSink, b: LogSink): LogSink {
  return {
    write(line: string): void {
      a.write(line);
      b.write(line);
    },
    async flush(): Promise<void> {
      await Promise.all([a.flush?.(), b.flush?.()]);
    },
  };
}

async function main(argv: readonly string[]): Promise<number> {
  let node: Node;
  const warnings: string[] = [];
  try {
    const settings = new Settings(parseCommandLine(argv));
    if (['help', 'h', '?', 'help-debug'].some((n) => settings.getBool(n, false))) {
      process.stdout.write(helpText());
      return 0;
    }
    if (settings.getBool('version', false)) {
      process.stdout.write(versionText());
      return 0;
    }

    const cwd = process.cwd();
    const datadirArg = settings.get('datadir');
    const datadir = resolve(cwd, datadirArg ?? resolve(homedir(), '.bitcoin'));
    if (datadirArg !== undefined && !(existsSync(datadir) && statSync(datadir).isDirectory())) {
      throw new InitError(`Specified data directory "${datadirArg}" does not exist.`);
    }

    if (!settings.isNegated('conf')) {
      const conf = settings.get('conf');
      await readConfig(resolve(datadir, conf ?? 'bitcoin.conf'), settings, conf !== undefined);
    }
    const includes = new Set<string>();
    await readIncludes(settings, datadir, includes);
    const chain = selectChain(settings);
    settings.selectChainSection(chain.section);
    await readIncludes(settings, datadir, includes);

    for (const name of settings.names()) {
      const why = UNSUPPORTED_OPTIONS[name];
      if (why !== undefined)
        throw new InitError(`-${name} is not supported by bitcoind-lite: ${why}.`);
    }
    // Core's AppInitParameterInteraction: -blocksdir must name an existing directory.
    const blocksdirArg = settings.get('blocksdir');
    const blocksdir = blocksdirArg === undefined ? undefined : resolve(cwd, blocksdirArg);
    if (blocksdir !== undefined && !(existsSync(blocksdir) && statSync(blocksdir).isDirectory())) {
      throw new InitError(`Specified blocks directory "${blocksdirArg}" does not exist.`);
    }
    // Core (bitcoind reads its config with ignore_invalid_keys) warns and goes on.
    for (const name of settings.unknownConfigNames()) {
      warnings.push(`Ignoring unknown configuration value ${name}`);
    }

    const compat = settingsToManifest(settings, chain, datadir, cwd);
    const manifest = parseManifest(compat.text, MANIFEST_NAME, datadir);
    if (manifest.confine !== 'off') {
      return await runConfined(manifest, compat.text, MANIFEST_NAME, datadir);
    }

    const made = await makeCapabilities(manifest);
    const caps = compat.printToConsole
      ? { ...made, logSink: teeSink(made.logSink, fdLogSink('stdout')) }
      : made;
    try {
      node = await Node.start(caps);
    } catch (e) {
      await caps.close().catch(() => undefined);
      throw e;
    }
    for (const w of warnings) node.logger.warning(w);
    for (const name of registerMissingTestRpcs(node.rpc.table)) {
      node.logger.info(`bitcoind-compat: added the test RPC ${name}`);
    }
  } catch (e) {
    let msg: string;
    if (e instanceof InitError) msg = e.message;
    else if (e instanceof ManifestError) msg = `${e.problem}; expected ${e.expected}`;
    else msg = e instanceof Error ? e.message : String(e);
    process.stderr.write(`${startupErrorCaption(e)}${msg}\n`);
    return 1;
  }

  const onSignal = (): void => void node.stop();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  await node.stopped;
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
