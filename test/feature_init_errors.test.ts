/**
 * Start-up failures as Core's InitError: one message that names the file or database and says
 * what to do, exit status 1, and no stack trace. Each case damages a copy of a datadir a real
 * node wrote (5 blocks mined), then runs the launcher on it.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runLauncher, TestNode } from './framework/test-node.js';

const ADDR = 'bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080';
const REINDEX_HINT = 'Please restart with -reindex or -reindex-chainstate to recover.';
let base: string;

beforeAll(async () => {
  const node = await TestNode.start({ outbound: false });
  await node.rpc('generatetoaddress', 5, ADDR);
  await node.stop();
  base = node.dir;
}, 120_000);

/** A copy of the mined node's folder (manifest + datadir), damaged by `damage`. */
function damagedCopy(damage: (dir: string, net: string) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'init-errors-'));
  cpSync(base, dir, { recursive: true });
  // The manifest names ./data relative to itself, so the copy is self-contained.
  damage(dir, join(dir, 'data/regtest'));
  return join(dir, 'node.yaml');
}

/** Exit 1, the expected text, and no JavaScript stack frame anywhere in the output. */
async function expectInitError(manifest: string, ...texts: string[]): Promise<string> {
  const { code, output } = await runLauncher(manifest);
  expect(code, output).toBe(1);
  for (const t of texts) expect(output).toContain(t);
  expect(output).not.toMatch(/^\s+at /m);
  expect(output.match(/^Error: /gm)?.length, output).toBe(1);
  return output;
}

describe('start-up errors', () => {
  it('a corrupt CURRENT file in blocks/index: Error opening block database', async () => {
    const m = damagedCopy((_d, net) => writeFileSync(join(net, 'blocks/index/CURRENT'), 'x'));
    await expectInitError(m, 'Error: Error opening block database (', 'blocks/index', REINDEX_HINT);
  });

  it('a deleted MANIFEST in chainstate: Error opening coins database', async () => {
    const m = damagedCopy((_d, net) => rmSync(join(net, 'chainstate/MANIFEST-000002')));
    await expectInitError(m, 'Error: Error opening coins database (', '/chainstate', REINDEX_HINT);
  });

  it("a block index without the chainstate's best block", async () => {
    const m = damagedCopy((_d, net) => rmSync(join(net, 'blocks/index'), { recursive: true }));
    await expectInitError(m, 'Error: Error initializing block database', REINDEX_HINT);
  });

  it('a .cookie that is a directory', async () => {
    const m = damagedCopy((_d, net) => mkdirSync(join(net, '.cookie')));
    await expectInitError(m, 'Unable to open cookie authentication file', '/.cookie for writing');
  });

  it('a file where the network folder goes', async () => {
    const m = damagedCopy((_d, net) => {
      rmSync(net, { recursive: true });
      writeFileSync(net, 'not a folder');
    });
    await expectInitError(m, 'data/regtest" is not a directory', 'Move the file out of the way');
  });

  it('a manifest path that is a directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'init-errors-'));
    mkdirSync(join(dir, 'node.yaml'));
    await expectInitError(
      join(dir, 'node.yaml'),
      `${dir}/node.yaml: cannot read manifest: is a directory`,
    );
  });

  it('a corrupt peers.dat (Core LoadAddrman)', async () => {
    const m = damagedCopy((_d, net) => writeFileSync(join(net, 'peers.dat'), 'garbage'));
    await expectInitError(
      m,
      'Error: Invalid or corrupt peers.dat (',
      '/regtest/peers.dat") out of the way (rename, move, or delete) to have a new one created on the next start.',
    );
  });

  it('maxmempool below the minimum', async () => {
    const m = damagedCopy((d) => appendFileSync(join(d, 'node.yaml'), 'args:\n  maxmempool: 1\n'));
    await expectInitError(m, 'Error: -maxmempool must be at least 5 MB');
  });
});
