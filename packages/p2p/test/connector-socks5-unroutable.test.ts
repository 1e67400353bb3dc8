/**
 * The SOCKS5 connector with `unroutable` (Core's -proxy leaves NET_UNROUTABLE addresses to
 * direct connections): 127.0.0.1 is reached directly although the proxy is dead, while a
 * routable destination still goes to the proxy. Real sockets on 127.0.0.1 only.
 */
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { directConnector, socks5Connector } from '../src/host/index.js';

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise<void>((r) => s.close(() => r()));
});

async function listen(onConnection: () => void): Promise<number> {
  const s = createServer((c) => {
    onConnection();
    c.destroy();
  });
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  return (s.address() as { port: number }).port;
}

describe('socks5Connector unroutable', () => {
  it('connects to 127.0.0.1 directly and sends a public address to the proxy', async () => {
    let direct = 0;
    let proxied = 0;
    const target = await listen(() => direct++);
    const proxyPort = await listen(() => proxied++);
    const c = socks5Connector({
      proxy: { host: '127.0.0.1', port: proxyPort },
      unroutable: directConnector(),
      connectTimeoutMs: 2000,
    });
    const s = await c.connect('127.0.0.1', target);
    s.destroy();
    expect(direct).toBe(1);
    expect(proxied).toBe(0);
    // 203.0.113.1 (TEST-NET-3) is routable: only the proxy (which hangs up) is contacted.
    await expect(c.connect('203.0.113.1', 8333)).rejects.toThrow(/through SOCKS5 proxy/);
    expect(proxied).toBe(1);
  });

  it('without unroutable, even 127.0.0.1 goes through the proxy', async () => {
    let direct = 0;
    let proxied = 0;
    const target = await listen(() => direct++);
    const proxyPort = await listen(() => proxied++);
    const c = socks5Connector({
      proxy: { host: '127.0.0.1', port: proxyPort },
      connectTimeoutMs: 2000,
    });
    await expect(c.connect('127.0.0.1', target)).rejects.toThrow(/through SOCKS5 proxy/);
    expect(direct).toBe(0);
    expect(proxied).toBe(1);
  });
});
