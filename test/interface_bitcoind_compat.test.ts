/**
 * bin/bitcoind started the way Bitcoin Core's functional test framework starts bitcoind
 * (test_framework/util.py initialize_datadir + test_node.py TestNode): a datadir holding a
 * bitcoin.conf with `regtest=1` and a `[regtest]` section, the framework's command-line options,
 * RPC reached through <datadir>/regtest/.cookie, then mining and a `stop` that must exit 0 with
 * nothing on stderr. Also Core's answers to -version, -help, an unknown option, a missing datadir,
 * and the settings precedence of Core's ArgsManager (pure functions of the front end).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort, rpc } from './framework/plain-rpc.js';
import { parseConfigText } from '../apps/node/src/bitcoind-compat/config-file.js';
import { Settings, parseCommandLine } from '../apps/node/src/bitcoind-compat/settings.js';
import {
  selectChain,
  settingsToManifest,
} from '../apps/node/src/bitcoind-compat/settings-to-manifest.js';
import { parseManifest } from '@bitcoind-lite/manifest';

const BITCOIND = resolve(import.meta.dirname, '../bin/bitcoind');
/** TestNode.PRIV_KEYS[0] of Core's framework: a regtest P2PKH address. */
const ADDRESS = 'mjTkW3DjgyZck4KbiRusZsqTgaYTxdSz6z';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], cwd: string): Promise<Run> {
  return new Promise((done) => {
    const child = spawn(BITCOIND, args, { cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

/** util.py write_config, as of Core 30/31 (the options every framework node gets). */
function frameworkConf(p2pPort: number, rpcPort: number, extra: string[] = []): string {
  return [
    'regtest=1',
    '[regtest]',
    `port=${p2pPort}`,
    `rpcport=${rpcPort}`,
    'rpcservertimeout=99000',
    'rpcdoccheck=1',
    'rpcthreads=2',
    'fallbackfee=0.0002',
    'server=1',
    'keypool=1',
    'discover=0',
    'dnsseed=0',
    'fixedseeds=0',
    'listenonion=0',
    'peertimeout=999999999',
    'printtoconsole=0',
    'natpmp=0',
    'shrinkdebugfile=0',
    'unsafesqlitesync=1',
    'connect=0',
    'maxconnections=94',
    'par=2',
    'prevoutfetchthreads=1',
    ...extra,
    '',
  ].join('\n');
}

/** test_node.py TestNode.args (version >= 29.1), plus start()'s explicit -bind. */
function frameworkArgs(datadir: string): string[] {
  return [
    `-datadir=${datadir}`,
    '-logtimemicros',
    '-debug',
    '-debugexclude=leveldb',
    '-debugexclude=rand',
    '-uacomment=testnode0',
    '-disablewallet',
    '-logthreadnames',
    '-logsourcelocations',
    '-loglevel=trace',
    '-nologratelimit',
    '-v2transport=0',
    '-bind=127.0.0.1',
  ];
}

/** TestNode.wait_for_rpc_connection: poll the cookie, then getblockcount, then mempool loaded. */
async function waitForRpc(datadir: string, port: number): Promise<string> {
  const cookiePath = join(datadir, 'regtest', '.cookie');
  for (let i = 0; i < 240; i++) {
    if (existsSync(cookiePath)) {
      const cookie = readFileSync(cookiePath, 'utf8');
      try {
        const r = await rpc(port, cookie, 'getblockcount');
        if (r.error === null) {
          const info = await rpc(port, cookie, 'getmempoolinfo');
          if ((info.result as { loaded: boolean }).loaded) return cookie;
        } else if (r.error.code !== -28) {
          throw new Error(r.error.message);
        }
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ECONNREFUSED') throw e;
      }
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('RPC did not come up');
}

function newDatadir(): { root: string; datadir: string } {
  const root = mkdtempSync(join(tmpdir(), 'bitcoind-compat-'));
  return { root, datadir: join(root, 'node0') };
}

describe('interface_bitcoind_compat', () => {
  it('starts from a framework datadir, serves RPC via the cookie, mines and stops cleanly', async () => {
    const { root, datadir } = newDatadir();
    const p2pPort = await freePort();
    const rpcPort = await freePort();
    const { mkdirSync } = await import('node:fs');
    mkdirSync(datadir);
    writeFileSync(
      join(datadir, 'bitcoin.conf'),
      frameworkConf(p2pPort, rpcPort, ['madeupoption=1']),
    );

    const child = spawn(BITCOIND, frameworkArgs(datadir), { cwd: root });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('close', r));

    const cookie = await waitForRpc(datadir, rpcPort);
    expect(cookie).toMatch(/^__cookie__:[0-9a-f]{64}$/);
    const hashes = (await rpc(rpcPort, cookie, 'generatetoaddress', [5, ADDRESS])).result;
    expect(hashes).toHaveLength(5);
    expect((await rpc(rpcPort, cookie, 'getblockcount')).result).toBe(5);

    // The P2P socket is the framework's port on 127.0.0.1 (from `port=` and `-bind=127.0.0.1`).
    await new Promise<void>((ok, fail) => {
      const s = connect(p2pPort, '127.0.0.1', () => {
        s.destroy();
        ok();
      });
      s.on('error', fail);
    });

    expect((await rpc(rpcPort, cookie, 'stop')).result).toBe('Bitcoin Core stopping');
    expect(await exited).toBe(0);
    // TestNode.is_node_stopped: exit code 0 and an empty stderr; printtoconsole=0: no stdout.
    expect(stderr).toBe('');
    expect(stdout).toBe('');
    const log = readFileSync(join(datadir, 'regtest', 'debug.log'), 'utf8');
    expect(log).toContain('init message: Done loading');
    expect(log).toContain('Ignoring unknown configuration value regtest.madeupoption');
    // -debug (bare) enabled every category but the excluded ones.
    expect(log).not.toContain('[leveldb]');
    expect(existsSync(join(datadir, 'regtest', 'wallets'))).toBe(true);
    expect(existsSync(join(datadir, 'regtest', '.cookie'))).toBe(false);

    // Restart with -printtoconsole: Core's console logging goes to stdout; the chain persisted.
    const again = spawn(BITCOIND, [...frameworkArgs(datadir), '-printtoconsole'], { cwd: root });
    let out2 = '';
    again.stdout.on('data', (d: Buffer) => (out2 += d.toString()));
    const exited2 = new Promise<number | null>((r) => again.on('close', r));
    const cookie2 = await waitForRpc(datadir, rpcPort);
    expect((await rpc(rpcPort, cookie2, 'getblockcount')).result).toBe(5);
    await rpc(rpcPort, cookie2, 'stop');
    expect(await exited2).toBe(0);
    expect(out2).toContain('init message: Done loading');
  }, 120_000);

  it('passes the wallet options through: -fallbackfee pays for a send without fee estimates', async () => {
    const { root, datadir } = newDatadir();
    const p2pPort = await freePort();
    const rpcPort = await freePort();
    const { mkdirSync } = await import('node:fs');
    mkdirSync(datadir);
    // The framework's conf without its fallbackfee line: the fee rate comes from the command line.
    const conf = frameworkConf(p2pPort, rpcPort).replace('fallbackfee=0.0002\n', '');
    writeFileSync(join(datadir, 'bitcoin.conf'), conf);
    const args = frameworkArgs(datadir).filter((a) => a !== '-disablewallet');
    const child = spawn(BITCOIND, [...args, '-fallbackfee=0.0002'], { cwd: root });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('close', r));
    const cookie = await waitForRpc(datadir, rpcPort);
    const call = async (method: string, params: unknown[] = []): Promise<unknown> => {
      const r = await rpc(rpcPort, cookie, method, params);
      if (r.error !== null) throw new Error(`${method}: ${r.error.message}`);
      return r.result;
    };
    await call('createwallet', ['w']);
    const mine = (await call('getnewaddress')) as string;
    await call('generatetoaddress', [101, mine]);
    // No blocks with transactions were seen, so only -fallbackfee can price this send.
    const txid = (await call('sendtoaddress', [ADDRESS, 1])) as string;
    const entry = (await call('getmempoolentry', [txid])) as {
      vsize: number;
      fees: { base: number };
    };
    const feeSats = Math.round(entry.fees.base * 1e8);
    // 0.0002 BTC/kvB = 20 sat/vB.
    expect(feeSats).toBeGreaterThanOrEqual(20 * entry.vsize);
    expect(feeSats).toBeLessThanOrEqual(21 * entry.vsize);
    await call('stop');
    expect(await exited).toBe(0);
    expect(stderr).toBe('');
  }, 120_000);

  it('refuses an invalid wallet option value at start with Core text', async () => {
    const { root, datadir } = newDatadir();
    const { mkdirSync } = await import('node:fs');
    mkdirSync(datadir);
    const r = await run([`-datadir=${datadir}`, '-regtest', '-fallbackfee=abc'], root);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("Error: Invalid amount for -fallbackfee=<amount>: 'abc'\n");
    const port = String(await freePort());
    const a = await run(
      [`-datadir=${datadir}`, '-regtest', '-addresstype=foo', `-rpcport=${port}`, '-listen=0'],
      root,
    );
    expect(a.code).toBe(1);
    expect(a.stderr).toBe("Error: Unknown address type 'foo'\n");
  }, 60_000);

  it('answers an unknown option with Core error and exit code 1', async () => {
    const { root } = newDatadir();
    const r = await run(['-regtest', '-foo=1'], root);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'Error: Error parsing command line arguments: Invalid parameter -foo=1\n',
    );
    // A section prefix is not valid on the command line either (Core's ParseParameters).
    const s = await run(['-regtest.port=1'], root);
    expect(s.stderr).toBe(
      'Error: Error parsing command line arguments: Invalid parameter -regtest.port=1\n',
    );
  }, 60_000);

  it('refuses a datadir that does not exist, as Core', async () => {
    const { root, datadir } = newDatadir();
    const r = await run([`-datadir=${datadir}`, '-regtest'], root);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`Error: Specified data directory "${datadir}" does not exist.\n`);
  }, 60_000);

  it('prints a version line for -version and usage for -help', async () => {
    const { root } = newDatadir();
    const v = await run(['-version'], root);
    expect(v.code).toBe(0);
    expect(v.stdout.split('\n')[0]).toMatch(
      /^bitcoind-lite daemon version v\d+\.\d+\.\d+ bitcoind$/,
    );
    const h = await run(['-help'], root);
    expect(h.code).toBe(0);
    expect(h.stdout).toContain('Usage: bitcoind [options]');
    expect(h.stdout).toContain('-logtimemicros');
  }, 60_000);
});

describe('bitcoind-compat settings (Core ArgsManager precedence)', () => {
  const conf = (text: string, argv: string[]) => {
    const s = new Settings(parseCommandLine(argv));
    s.addConfig(parseConfigText(text, 'bitcoin.conf'));
    const chain = selectChain(s);
    s.selectChainSection(chain.section);
    return { s, chain };
  };

  it('reads sections, first-wins config, last-wins command line and negation', () => {
    const { s, chain } = conf(
      'regtest=1\nport=1111\n[regtest]\nport=2222\nport=3333\nrpcport=4444\ndebug=net\n',
      ['-rpcport=5555', '-rpcport=6666', '-debug=rpc', '-nolisten'],
    );
    expect(chain.network).toBe('regtest');
    // NETWORK_ONLY: a default-section port applies to mainnet only; the section's first wins.
    expect(s.get('port')).toBe('2222');
    expect(s.get('rpcport')).toBe('6666');
    expect(s.getList('debug')).toEqual(['rpc', 'net']);
    expect(s.getBool('listen', true)).toBe(false);
  });

  it('refuses two chains, a leading dash in the config and a bare word', () => {
    expect(() => conf('', ['-regtest', '-testnet'])).toThrow(/Invalid combination/);
    expect(() => parseConfigText('-port=1\n', 'c')).toThrow(
      'parse error on line 1: -port=1, options in configuration file must be specified without leading -',
    );
    expect(() => parseConfigText('x=1\nnolisten\n', 'c')).toThrow(
      'parse error on line 2: nolisten, if you intended to specify a negated option, use nolisten=1 instead',
    );
  });

  it('turns the framework settings into a manifest the manifest parser accepts', () => {
    const { s, chain } = conf(frameworkConf(12000, 17000), [
      ...frameworkArgs('/tmp/x'),
      '-connect=127.0.0.1:12001',
      '-addnode=127.0.0.1:12002',
      '-mocktime=1700000000',
    ]);
    const m = settingsToManifest(s, chain, '/tmp/x', '/tmp');
    const manifest = parseManifest(m.text, 'compat', '/tmp/x');
    expect(manifest.network).toBe('regtest');
    expect(manifest.rpc).toMatchObject({ kind: 'bind', bind: { host: '127.0.0.1', port: 17000 } });
    expect(manifest.p2p).toMatchObject({ kind: 'bind', bind: { host: '127.0.0.1', port: 12000 } });
    // -connect limits outbound to the -connect and -addnode targets.
    expect(manifest.outbound).toMatchObject({ kind: 'direct' });
    const allow = (manifest.outbound as unknown as { allow: { host: string; port: number }[] })
      .allow;
    expect(allow.map((a) => `${a.host}:${a.port}`)).toEqual(['127.0.0.1:12001', '127.0.0.1:12002']);
    expect(manifest.clock?.timeSeconds).toBe(1700000000);
    expect(manifest.args['debug']).toEqual(['1']);
    expect(manifest.args['debugexclude']).toEqual(['leveldb', 'rand']);
    expect(manifest.args['uacomment']).toEqual(['testnode0']);
    expect(manifest.args['logtimemicros']).toBeUndefined();
    expect(m.printToConsole).toBe(false);
    // -proxy is the only way out, and turns the default of -listen off (no -bind here).
    const p = conf('regtest=1\n', ['-proxy=127.0.0.1:9050']);
    const pm = parseManifest(settingsToManifest(p.s, p.chain, '/tmp/x', '/tmp').text, 'c', '/');
    expect(pm.outbound).toMatchObject({ kind: 'socks5', proxy: { host: '127.0.0.1', port: 9050 } });
    expect(pm.p2p).toBeUndefined();
  });
});
