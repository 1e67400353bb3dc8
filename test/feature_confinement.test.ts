/**
 * Issue 7, run time: a confined node (bubblewrap namespaces + seccomp + Node's permission model,
 * outbound brokered by the launcher) cannot reach what its manifest did not grant. Each attempt is
 * made from inside the node through the test-only `debugcapabilityprobe` RPC; each must fail, be
 * logged, and leave the node answering. The same probes on an unconfined node succeed, which shows
 * the probes are real. Then a confined node mines, restarts, and syncs with an unconfined peer.
 */
import { mkdirSync, existsSync, symlinkSync, writeFileSync, mkdtempSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestNode } from './framework/test-node.js';

const ADDR = 'bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080';

interface ProbeResult {
  probe: string;
  ok: boolean;
  code?: string;
  error?: string;
}

/** A TCP server on 127.0.0.1 that counts the connections it gets. */
async function countingServer(): Promise<{ server: Server; port: number; accepted: () => number }> {
  let n = 0;
  const server = createServer((s: Socket) => {
    n++;
    s.destroy();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  return { server, port, accepted: () => n };
}

const nodes: TestNode[] = [];
const servers: Server[] = [];
afterAll(async () => {
  for (const n of nodes) await n.stop().catch(() => n.kill());
  for (const s of servers) s.close();
});

describe.each([
  ['confined', 'required'],
  ['unconfined (control)', 'off'],
] as const)('capability probes, %s', (_label, confine) => {
  const confined = confine === 'required';
  let node: TestNode;
  let granted: Awaited<ReturnType<typeof countingServer>>;
  let notGranted: Awaited<ReturnType<typeof countingServer>>;
  let outside: string;

  beforeAll(async () => {
    granted = await countingServer();
    notGranted = await countingServer();
    servers.push(granted.server, notGranted.server);
    outside = mkdtempSync(join(tmpdir(), 'confine-outside-'));
    writeFileSync(join(outside, 'secret.txt'), 'not for the node\n');
    node = TestNode.create({
      confine,
      outbound: false,
      extraManifest: `outbound: !direct {allow: ["127.0.0.1:${granted.port}"]}`,
      args: { debugprobe: 1 },
    });
    nodes.push(node);
    // A symlink planted inside the datadir, pointing outside it.
    mkdirSync(node.datadir, { recursive: true });
    symlinkSync(join(outside, 'secret.txt'), join(node.datadir, 'planted-link'));
    await node.launch();
  });

  const probe = (name: string, arg = '') =>
    node.rpc<ProbeResult>('debugcapabilityprobe', name, arg);

  /** The attempt failed (confined) or worked (control), and the node logged it and still runs. */
  async function expectProbe(name: string, arg: string, codes: string[]): Promise<ProbeResult> {
    const r = await probe(name, arg);
    if (confined) {
      expect(r.ok, `${name} ${arg} should fail: ${JSON.stringify(r)}`).toBe(false);
      if (codes.length > 0) expect(codes).toContain(r.code);
      // The log line travels on the node's stdout, which may reach us after the RPC reply.
      const line = `debugcapabilityprobe: ${name} ${arg}: denied`;
      await node.waitFor(async () => node.output.includes(line), `log line "${line}"`, 10_000);
    } else {
      expect(r.ok, `${name} ${arg} should work unconfined: ${JSON.stringify(r)}`).toBe(true);
    }
    expect(await node.rpc('getblockcount')).toBe(0);
    return r;
  }

  it('logs how it is confined', () => {
    if (confined) {
      expect(node.output).toContain('Confined: namespaces');
      expect(node.output).toContain("Node's permission model");
    } else {
      expect(node.output).not.toContain('Confined:');
    }
  });

  it('cannot read /etc/hostname', async () => {
    await expectProbe('read-file', '/etc/hostname', ['ERR_ACCESS_DENIED']);
  });

  it('cannot write outside the datadir', async () => {
    const target = join(outside, 'written.txt');
    await expectProbe('write-file', target, ['ERR_ACCESS_DENIED']);
    expect(existsSync(target)).toBe(!confined);
  });

  it('cannot follow a symlink planted in the datadir that points outside', async () => {
    // By path: the permission model would follow it; the mount namespace has no such target.
    const byPath = await probe('read-file', join(node.datadir, 'planted-link'));
    expect(byPath.ok).toBe(!confined);
    if (confined) expect(['ENOENT', 'ERR_ACCESS_DENIED']).toContain(byPath.code);
    // Through the datadir capability: refused on open, confined or not (FsDir's own check).
    const byDir = await probe('dir-read', 'planted-link');
    expect(byDir.ok).toBe(false);
    expect(byDir.error).toMatch(/planted-link/);
    expect(await node.rpc('getblockcount')).toBe(0);
  });

  it('cannot open a new listening port', async () => {
    await expectProbe('listen', '', ['EACCES']);
  });

  it('cannot connect directly to a port it was not granted', async () => {
    const before = notGranted.accepted();
    await expectProbe('connect', `127.0.0.1:${notGranted.port}`, ['ECONNREFUSED', 'ENETUNREACH']);
    await new Promise((r) => setTimeout(r, 100));
    expect(notGranted.accepted() - before).toBe(confined ? 0 : 1);
  });

  it('cannot connect to a port not granted through the broker; both sides log it', async () => {
    const r = await probe('broker-connect', `127.0.0.1:${notGranted.port}`);
    expect(r.ok).toBe(false); // the allow list refuses it in either mode
    expect(r.error).toMatch(
      /refused: not granted by outbound: !direct \{allow: \[127\.0\.0\.1:\d+\]\}/,
    );
    if (confined) {
      for (const line of [
        /\[net:warning\] broker: refused for the confined node: outbound connection to 127\.0\.0\.1:\d+ refused/,
        /\[net:warning\] outbound refused by the launcher: outbound connection to 127\.0\.0\.1:\d+ refused/,
      ]) {
        await node.waitFor(async () => line.test(node.output), `log line ${line}`, 10_000);
      }
    }
    expect(await node.rpc('getblockcount')).toBe(0);
  });

  it('connects to the granted port through the broker', async () => {
    const before = granted.accepted();
    const r = await probe('broker-connect', `127.0.0.1:${granted.port}`);
    expect(r).toMatchObject({ ok: true });
    await new Promise((res) => setTimeout(res, 100));
    expect(granted.accepted() - before).toBe(1);
  });

  it('cannot spawn a process', async () => {
    await expectProbe('spawn', '', ['ERR_ACCESS_DENIED']);
  });

  it('cannot resolve a host name', async () => {
    await expectProbe('resolve', 'localhost', ['EAI_AGAIN', 'ENOTFOUND', 'ECONNREFUSED']);
  });
});

describe('the walking skeleton, confined', () => {
  it('mines, restarts (clean and kill -9), and syncs both ways with an unconfined peer', async () => {
    const a = await TestNode.start({ confine: 'required' });
    nodes.push(a);
    expect(a.output).toContain('Confined: namespaces');
    await a.rpc('generatetoaddress', 101, ADDR);
    const tip = await a.rpc<string>('getbestblockhash');

    await a.stop();
    await a.launch();
    expect(await a.rpc('getblockcount')).toBe(101);
    await a.rpc('generatetoaddress', 4, ADDR);
    await a.kill();
    await a.launch();
    expect(await a.rpc<number>('getblockcount')).toBeGreaterThanOrEqual(101);
    expect(await a.rpc('getblockhash', 101)).toBe(tip);
    await a.rpc('generatetoaddress', 105 - (await a.rpc<number>('getblockcount')), ADDR);

    // Inbound to the confined node, on the listening socket it inherited.
    const b = await TestNode.start({
      confine: 'off',
      args: { connect: [`127.0.0.1:${a.p2pPort}`] },
    });
    nodes.push(b);
    await b.waitFor(async () => (await b.rpc<number>('getblockcount')) === 105, 'b syncs from a');
    expect(await b.rpc('getbestblockhash')).toBe(await a.rpc('getbestblockhash'));

    // Outbound from the confined node, through the broker, to the unconfined peer.
    await b.rpc('generatetoaddress', 20, ADDR);
    const c = await TestNode.start({
      confine: 'required',
      noP2P: true,
      args: { connect: [`127.0.0.1:${b.p2pPort}`] },
    });
    nodes.push(c);
    await c.waitFor(async () => (await c.rpc<number>('getblockcount')) === 125, 'c syncs from b');
    expect(await c.rpc('getbestblockhash')).toBe(await b.rpc('getbestblockhash'));
    expect(c.output).toMatch(/\[net\] broker: connected 127\.0\.0\.1:\d+/);
  });
});
