/**
 * A bad manifest stops the launcher before anything is written: exit code 1 and one message with
 * file:line:col and what was expected. Each case runs the real launcher process.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLauncher } from './framework/test-node.js';

const GOOD = [
  'network: regtest',
  'datadir: !dir',
  '  path: ./data',
  'rpc: !socket',
  '  bind: 127.0.0.1:0',
  'entropy: !random os',
];

let busy: Server;
let busyPort = 0;
beforeAll(async () => {
  busy = createServer();
  await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
  busyPort = (busy.address() as { port: number }).port;
});
afterAll(() => new Promise<void>((r) => busy.close(() => r())));

async function launch(
  lines: string[],
): Promise<{ code: number | null; output: string; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'bitcoind-lite-manifest-'));
  writeFileSync(join(dir, 'node.yaml'), lines.join('\n') + '\n');
  const { code, output } = await runLauncher(join(dir, 'node.yaml'));
  return { code, output, dir };
}

describe('feature_bad_manifest', () => {
  const cases: [string, string[], RegExp][] = [
    ['unknown key', [...GOOD, 'colour: blue'], /node\.yaml:7:1: .*colour/],
    [
      'wrong tag',
      ['network: regtest', 'datadir: !socket', '  path: ./data', ...GOOD.slice(3)],
      /node\.yaml:2:\d+: .*datadir/,
    ],
    ['missing datadir', [GOOD[0]!, ...GOOD.slice(3)], /node\.yaml:\d+:\d+: .*datadir/],
    ['unknown option in args', [...GOOD, 'args:', '  rpcusr: x'], /node\.yaml:8:3: .*rpcusr/],
    [
      'unreadable loadblock file',
      [...GOOD, 'loadblock: !file', '  path: ./missing.dat'],
      /node\.yaml:7:\d+: .*missing\.dat/,
    ],
    ['bad YAML', [...GOOD, 'args: [unclosed'], /node\.yaml:\d+:\d+: /],
    [
      'path that escapes the manifest folder',
      ['network: regtest', 'datadir: !dir', '  path: ../../etc', ...GOOD.slice(3)],
      /node\.yaml:\d+:\d+: .*\.\.\/\.\.\/etc/,
    ],
  ];
  for (const [name, lines, pattern] of cases) {
    it(`refuses ${name}`, async () => {
      const { code, output, dir } = await launch(lines);
      expect(code).toBe(1);
      expect(output).toMatch(pattern);
      expect(existsSync(join(dir, 'data'))).toBe(false);
    });
  }

  it('refuses a port already in use, naming the rpc socket line', async () => {
    const lines = [...GOOD.slice(0, 4), `  bind: 127.0.0.1:${busyPort}`, GOOD[5]!];
    const { code, output, dir } = await launch(lines);
    expect(code).toBe(1);
    expect(output).toMatch(
      new RegExp(
        `node\\.yaml:4:1: rpc: cannot bind 127\\.0\\.0\\.1:${busyPort}: address already in use`,
      ),
    );
    expect(existsSync(join(dir, 'data'))).toBe(false);
  });

  it('refuses a datadir path that is a file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bitcoind-lite-manifest-'));
    writeFileSync(join(dir, 'data'), 'not a directory');
    writeFileSync(join(dir, 'node.yaml'), GOOD.join('\n') + '\n');
    const { code, output } = await runLauncher(join(dir, 'node.yaml'));
    expect(code).toBe(1);
    expect(output).toMatch(/node\.yaml:2:\d+: .*not a directory/);
  });

  it('reports a manifest that does not exist', async () => {
    const { code, output } = await runLauncher('/nonexistent/node.yaml');
    expect(code).toBe(1);
    expect(output).toContain('/nonexistent/node.yaml: cannot read manifest: no such file');
  });
});
