import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalIp, directConnector, isAllowed } from '../src/host/index.js';
import { NO_OUTBOUND, OutboundRefused } from '../src/index.js';

let echo: Server;
let port: number;

beforeAll(async () => {
  echo = createServer((s: Socket) => s.pipe(s));
  await new Promise<void>((r) => echo.listen({ host: '127.0.0.1', port: 0 }, r));
  port = (echo.address() as { port: number }).port;
});
afterAll(async () => {
  await new Promise<void>((r) => echo.close(() => r()));
});

async function roundTrip(stream: NodeJS.ReadWriteStream & { end(s: string): void }) {
  const reply = new Promise<string>((resolve) => {
    let got = '';
    stream.setEncoding('utf8');
    stream.on('data', (d: string) => (got += d));
    stream.on('end', () => resolve(got));
  });
  stream.end('ping');
  return reply;
}

describe('direct connector', () => {
  it('connects to a granted IP:port', async () => {
    const c = directConnector({ allow: [{ host: '127.0.0.1', port }] });
    expect(c.kind).toBe('direct');
    expect(await roundTrip(await c.connect('127.0.0.1', port))).toBe('ping');
  });

  it('refuses what the allow list does not name, naming target and grant', async () => {
    const c = directConnector({
      allow: [
        { host: '127.0.0.1', port },
        { host: 'seed.example', port: 8333 },
      ],
    });
    const err = await c.connect('127.0.0.1', port + 1 === 65536 ? 1 : port + 1).catch((e) => e);
    expect(err).toBeInstanceOf(OutboundRefused);
    expect(err.message).toMatch(
      /^outbound connection to 127\.0\.0\.1:\d+ refused: not granted by /,
    );
    expect(err.message).toContain(
      `outbound: !direct {allow: [127.0.0.1:${port}, seed.example:8333]}`,
    );
    await expect(c.connect('127.0.0.2', port)).rejects.toBeInstanceOf(OutboundRefused);
    await expect(c.connect('other.example', 8333)).rejects.toBeInstanceOf(OutboundRefused);
  });

  it('without an allow list connects to any IP but refuses names (no local DNS)', async () => {
    const c = directConnector();
    expect(await roundTrip(await c.connect('127.0.0.1', port))).toBe('ping');
    const err = await c.connect('localhost', port).catch((e) => e);
    expect(err).toBeInstanceOf(OutboundRefused);
    expect(err.message).toContain('outbound connection to localhost:');
  });

  it('reports a refused connection with the destination', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen({ host: '127.0.0.1', port: 0 }, r));
    const freePort = (closed.address() as { port: number }).port;
    await new Promise<void>((r) => closed.close(() => r()));
    await expect(directConnector().connect('127.0.0.1', freePort)).rejects.toThrow(
      `connect to 127.0.0.1:${freePort} failed: ECONNREFUSED`,
    );
  });

  it('the absent grant refuses everything', async () => {
    await expect(NO_OUTBOUND.connect('127.0.0.1', port)).rejects.toBeInstanceOf(OutboundRefused);
  });
});

describe('allow-list matching', () => {
  it('compares IPs canonically and names exactly (ignoring ASCII case)', () => {
    const allow = [
      { host: '::1', port: 8333 },
      { host: '10.0.0.1', port: 8333 },
      { host: 'Seed.Example', port: 18444 },
    ];
    expect(isAllowed(allow, '0:0:0:0:0:0:0:1', 8333)).toBe(true);
    expect(isAllowed(allow, '[::1]', 8333)).toBe(true);
    expect(isAllowed(allow, '::1', 8334)).toBe(false);
    expect(isAllowed(allow, '::ffff:10.0.0.1', 8333)).toBe(true);
    expect(isAllowed(allow, '10.0.0.10', 8333)).toBe(false);
    expect(isAllowed(allow, 'seed.example', 18444)).toBe(true);
    expect(isAllowed(allow, 'seed.example.evil', 18444)).toBe(false);
    // A name never matches an IP grant, even if it might resolve to it.
    expect(isAllowed(allow, 'localhost', 8333)).toBe(false);
    expect(canonicalIp('2001:DB8:0:0:0:0:0:1')).toBe('2001:db8::1');
    expect(canonicalIp('seed.example')).toBeUndefined();
  });
});
