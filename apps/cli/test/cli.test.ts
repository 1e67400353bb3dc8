/**
 * The CLI as a separate process against a real node (test/framework/test-node.ts), checked
 * against bitcoin-cli's observable behaviour: output shapes, argument conversion, -named,
 * -stdin, credentials from the cookie or rpcuser/rpcpassword, errors and exit statuses.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestNode } from '../../../test/framework/test-node.js';

const REPO_ROOT = resolve(import.meta.dirname, '../../..');
const MAIN = join(REPO_ROOT, 'apps/cli/src/host/main.ts');
const GENESIS = '0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206';
const ADDR = 'bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], stdin = ''): Promise<Run> {
  return new Promise((res, rej) => {
    const p = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
      cwd: REPO_ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('error', rej);
    p.on('exit', (code) => res({ code, stdout, stderr }));
    p.stdin.end(stdin);
  });
}

/** A port on 127.0.0.1 that nothing listens on (bound, then released). */
function closedPort(): Promise<number> {
  return new Promise((res) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

let node: TestNode;
let base: string[];
beforeAll(async () => {
  node = await TestNode.start({ noP2P: true, outbound: false });
  base = ['-regtest', `-datadir=${node.datadir}`, `-rpcport=${node.rpcPort}`];
}, 120_000);
afterAll(async () => {
  await node?.stop();
});

describe('bitcoin-cli output', () => {
  it('prints a number result as JSON and exits 0', async () => {
    const r = await cli([...base, 'getblockcount']);
    expect(r).toEqual({ code: 0, stdout: '0\n', stderr: '' });
  });

  it('prints a string result raw, without quotes', async () => {
    const r = await cli([...base, 'getbestblockhash']);
    expect(r.stdout).toBe(`${GENESIS}\n`);
  });

  it('converts listed parameters from JSON (nblocks) and prints arrays indented by 2', async () => {
    const r = await cli([...base, 'generatetoaddress', '2', ADDR]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\[\n {2}"[0-9a-f]{64}",\n {2}"[0-9a-f]{64}"\n\]\n$/);
    const hashes = JSON.parse(r.stdout) as string[];
    expect(await node.rpc('getbestblockhash')).toBe(hashes[1]);
  });

  it('prints objects as UniValue write(2) does', async () => {
    const r = await cli([...base, 'getblockheader', GENESIS]);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('{');
    expect(lines[1]).toBe(`  "hash": "${GENESIS}",`);
    expect(lines).toContain('  "height": 0,');
    expect(lines).toContain('  "bits": "207fffff",');
    expect(lines.at(-2)).toBe('}');
    expect(lines.at(-1)).toBe('');
    // Numbers come out as the node wrote them (exact text, e.g. the difficulty).
    const raw = await node.rawCall(
      JSON.stringify({ id: 1, method: 'getblockheader', params: [GENESIS] }),
    );
    const difficulty = /"difficulty":([^,}]+)/.exec(raw.body)![1];
    expect(lines).toContain(`  "difficulty": ${difficulty},`);
  });

  it('prints nothing for a null result', async () => {
    const r = await cli([...base, 'ping']);
    expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('passes a listed parameter as JSON (verbosity 0 gives hex) and others as strings', async () => {
    const hex = await cli([...base, 'getblock', GENESIS, '0']);
    expect(hex.code).toBe(0);
    expect(hex.stdout).toMatch(/^0100000000000000/);
    // getblockhash's height is listed: "0" is sent as the number 0.
    expect((await cli([...base, 'getblockhash', '0'])).stdout).toBe(`${GENESIS}\n`);
  });

  it('refuses a listed parameter that is not JSON', async () => {
    const r = await cli([...base, 'getblockhash', 'zero']);
    expect(r).toEqual({ code: 1, stdout: '', stderr: 'error: Error parsing JSON: zero\n' });
  });

  it('prints help text raw', async () => {
    const r = await cli([...base, 'help', 'getblockcount']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('getblockcount');
    const all = await cli([...base, 'help']);
    expect(all.stdout).toMatch(/^== Blockchain ==\n/);
  });
});

describe('-named and -stdin', () => {
  it('sends name=value pairs, converting listed names', async () => {
    const r = await cli([...base, '-named', 'getblockhash', 'height=0']);
    expect(r.stdout).toBe(`${GENESIS}\n`);
    const v = await cli([...base, '-named', 'getblock', `blockhash=${GENESIS}`, 'verbosity=1']);
    expect(JSON.parse(v.stdout).height).toBe(0);
  });

  it('sends arguments without = as leading positional ones (args)', async () => {
    const r = await cli([...base, '-named', 'getblock', GENESIS, 'verbosity=0']);
    expect(r.stdout).toMatch(/^0100000000000000/);
  });

  it('reports an unknown name as the server does', async () => {
    const r = await cli([...base, '-named', 'getblockhash', 'heigth=0']);
    expect(r).toEqual({
      code: 8,
      stdout: '',
      stderr: 'error code: -8\nerror message:\nUnknown named parameter heigth\n',
    });
  });

  it('reads extra arguments from stdin, one per line', async () => {
    const r = await cli([...base, '-stdin', 'getblockhash'], '0\n');
    expect(r.stdout).toBe(`${GENESIS}\n`);
  });
});

describe('errors', () => {
  it('prints an RPC error on stderr and exits with |code|', async () => {
    const r = await cli([...base, 'getblockhash', '1000']);
    expect(r).toEqual({
      code: 8,
      stdout: '',
      stderr: 'error code: -8\nerror message:\nBlock height out of range\n',
    });
  });

  it('exits with |code| truncated to a byte by the OS for -32601', async () => {
    const r = await cli([...base, 'nosuchmethod']);
    expect(r.stderr).toBe('error code: -32601\nerror message:\nMethod not found\n');
    expect(r.code).toBe(32601 & 0xff);
  });

  it('reports wrong rpcuser/rpcpassword', async () => {
    const r = await cli([...base, '-rpcuser=u', '-rpcpassword=p', 'getblockcount']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'error: Authorization failed: Incorrect rpcuser or rpcpassword were specified. ' +
        `Configuration file: (${join(node.datadir, 'bitcoin.conf')})\n`,
    );
  });

  it('reports a cookie it could not read', async () => {
    const r = await cli([
      '-regtest',
      `-datadir=${join(node.dir, 'nowhere')}`,
      `-rpcport=${node.rpcPort}`,
      'getblockcount',
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^error: Authorization failed: Failed to read cookie file and no rpcpassword was specified\./,
    );
  });

  it('accepts the cookie given with -rpccookiefile and the port inside -rpcconnect', async () => {
    const r = await cli([
      `-rpcconnect=127.0.0.1:${node.rpcPort}`,
      `-rpccookiefile=${join(node.netDir, '.cookie')}`,
      'getblockcount',
    ]);
    expect(r.code).toBe(0);
    expect(Number(r.stdout)).toBeGreaterThanOrEqual(0);
  });

  it("reports a refused connection in bitcoin-cli's words", async () => {
    const port = await closedPort();
    const r = await cli(['-regtest', `-rpcport=${port}`, '-rpcpassword=x', 'getblockcount']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `error: Could not connect to the server 127.0.0.1:${port} (error code 1 - "EOF reached")\n\n` +
        'Make sure the bitcoind server is running and that you are connecting to the correct RPC port.\n' +
        'Use "bitcoin-cli -help" for more info.\n',
    );
  });

  it('with -rpcwait, gives up after -rpcwaittimeout with "timeout on transient error"', async () => {
    const port = await closedPort();
    const r = await cli([
      '-regtest',
      `-rpcport=${port}`,
      '-rpcpassword=x',
      '-rpcwait',
      '-rpcwaittimeout=1',
      'getblockcount',
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(
        `^error: timeout on transient error: Could not connect to the server 127\\.0\\.0\\.1:${port} `,
      ),
    );
  });

  it('refuses two chains at once and a missing command', async () => {
    const two = await cli(['-regtest', '-testnet', 'getblockcount']);
    expect(two.stderr).toBe(
      'error: Invalid combination of -regtest, -signet, -testnet, -testnet4 and -chain. ' +
        'Can use at most one.\n',
    );
    expect(two.code).toBe(1);
    const none = await cli([...base]);
    expect(none).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: too few parameters (need at least command)\n',
    });
  });
});
