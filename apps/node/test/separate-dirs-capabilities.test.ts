/**
 * makeCapabilities for the `blocksdir` and `chainstatedir` grants: each becomes its own Dir,
 * created only after every other grant was made; a path that is a file fails at its manifest
 * line; a failing later grant leaves neither folder on disk.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManifestError, parseManifest } from '@bitcoind-lite/manifest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeCapabilities, type Capabilities } from '../src/capabilities.js';

let tmp: string;
const opened: Capabilities[] = [];
const servers: Server[] = [];

beforeEach(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'caps-sep-'));
});
afterEach(async () => {
  for (const c of opened.splice(0)) await c.close();
  for (const s of servers.splice(0)) s.close();
  await rm(tmp, { recursive: true, force: true });
});

const BASE = [
  'network: regtest', //                           1
  'datadir: !dir {path: ./data}', //               2
  'console: !fd stderr', //                        3
  'entropy: !random os', //                        4
  'blocksdir: !dir {path: ./blocks-disk}', //      5
  'chainstatedir: !dir {path: ./ssd}', //          6
];

function manifest(lines: string[]) {
  return parseManifest(lines.join('\n') + '\n', 'node.yaml', tmp);
}

describe('blocksdir and chainstatedir capabilities', () => {
  it('are Dirs on the granted folders, created with the datadir', async () => {
    const caps = await makeCapabilities(manifest([...BASE, 'rpc: !socket {bind: 127.0.0.1:0}']));
    opened.push(caps);
    expect(caps.blocksdir?.description).toBe(join(tmp, 'blocks-disk'));
    expect(caps.chainstatedir?.description).toBe(join(tmp, 'ssd'));
    await caps.blocksdir!.writeFileAtomic('probe', new Uint8Array([1]));
    expect(await readdir(join(tmp, 'blocks-disk'))).toEqual(['probe']);
    expect(existsSync(join(tmp, 'ssd'))).toBe(true);
  });

  it('are absent when not granted', async () => {
    const caps = await makeCapabilities(
      manifest([...BASE.slice(0, 4), 'rpc: !socket {bind: 127.0.0.1:0}']),
    );
    opened.push(caps);
    expect(caps.blocksdir).toBeUndefined();
    expect(caps.chainstatedir).toBeUndefined();
  });

  it('a path that is a file fails at its line, before anything is created', async () => {
    await writeFile(join(tmp, 'ssd'), 'not a folder');
    const e = await makeCapabilities(manifest([...BASE, 'rpc: !socket {bind: 127.0.0.1:0}'])).catch(
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(ManifestError);
    expect((e as ManifestError).message).toBe(
      `node.yaml:6:1: chainstatedir: ${join(tmp, 'ssd')} is not a directory; expected a ` +
        'directory, or a path to create one',
    );
    expect(existsSync(join(tmp, 'data'))).toBe(false);
    expect(existsSync(join(tmp, 'blocks-disk'))).toBe(false);
  });

  it('a port in use leaves neither folder on disk', async () => {
    const server = createServer();
    servers.push(server);
    await new Promise<void>((r) => server.listen({ host: '127.0.0.1', port: 0 }, r));
    const port = (server.address() as { port: number }).port;
    const e = await makeCapabilities(
      manifest([...BASE, `rpc: !socket {bind: 127.0.0.1:${port}}`]),
    ).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(ManifestError);
    expect((e as ManifestError).at.line).toBe(7);
    expect((await readdir(tmp)).sort()).toEqual([]);
  });
});
