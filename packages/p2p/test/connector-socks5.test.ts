import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { socks5Connector } from '../src/host/index.js';

/** What the proxy was asked for: the RFC 1928 address type and the address as sent. */
interface Request {
  atyp: number;
  host: string;
  port: number;
}

/**
 * A minimal SOCKS5 proxy (RFC 1928: no authentication, CONNECT only) on 127.0.0.1. It records
 * each request and "resolves" the one name it knows to the echo server, as Tor would resolve a
 * name at the exit; other names get reply 04 (host unreachable).
 */
function socksProxy(names: Record<string, number>, requests: Request[]): Server {
  return createServer((client: Socket) => {
    let buf = Buffer.alloc(0);
    let stage: 'greeting' | 'request' | 'done' = 'greeting';
    client.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (stage === 'greeting') {
        if (buf.length < 2 || buf.length < 2 + buf[1]!) return;
        if (buf[0] !== 5 || !buf.subarray(2, 2 + buf[1]!).includes(0)) return void client.destroy();
        buf = buf.subarray(2 + buf[1]!);
        stage = 'request';
        client.write(Buffer.from([5, 0]));
      }
      if (stage === 'request') {
        if (buf.length < 5) return;
        const atyp = buf[3]!;
        const addrLen = atyp === 1 ? 4 : atyp === 4 ? 16 : 1 + buf[4]!;
        if (buf.length < 4 + addrLen + 2) return;
        const addr = buf.subarray(4, 4 + addrLen);
        const host =
          atyp === 1
            ? [...addr].join('.')
            : atyp === 3
              ? addr.subarray(1).toString('ascii')
              : addr.toString('hex');
        const port = buf.readUInt16BE(4 + addrLen);
        requests.push({ atyp, host, port });
        stage = 'done';
        const target = names[host];
        if (target === undefined) {
          client.end(Buffer.from([5, 4, 0, 1, 0, 0, 0, 0, 0, 0]));
          return;
        }
        const upstream = connect({ host: '127.0.0.1', port: target }, () => {
          client.write(Buffer.from([5, 0, 0, 1, 127, 0, 0, 1, 0, 0]));
          upstream.pipe(client);
          client.pipe(upstream);
        });
        upstream.on('error', () => client.destroy());
      }
    });
    client.on('error', () => {});
  });
}

let echo: Server;
let proxy: Server;
let proxyPort: number;
let echoPort: number;
const requests: Request[] = [];

beforeAll(async () => {
  echo = createServer((s: Socket) => s.pipe(s));
  await new Promise<void>((r) => echo.listen({ host: '127.0.0.1', port: 0 }, r));
  echoPort = (echo.address() as { port: number }).port;
  proxy = socksProxy({ 'peer.example.onion': echoPort }, requests);
  await new Promise<void>((r) => proxy.listen({ host: '127.0.0.1', port: 0 }, r));
  proxyPort = (proxy.address() as { port: number }).port;
});
afterAll(async () => {
  await new Promise<void>((r) => proxy.close(() => r()));
  await new Promise<void>((r) => echo.close(() => r()));
});

describe('SOCKS5 connector', () => {
  it('sends host names to the proxy unresolved (remote DNS) and carries the stream', async () => {
    const c = socks5Connector({ proxy: { host: '127.0.0.1', port: proxyPort } });
    expect(c.kind).toBe('socks5');
    expect(c.proxy).toBe(`127.0.0.1:${proxyPort}`);
    const stream = await c.connect('peer.example.onion', 8333);
    const reply = new Promise<string>((resolve) => {
      let got = '';
      stream.setEncoding('utf8');
      stream.on('data', (d: string) => {
        got += d;
        if (got === 'version') resolve(got);
      });
    });
    stream.write('version');
    expect(await reply).toBe('version');
    stream.destroy();
    expect(requests.at(-1)).toEqual({ atyp: 3, host: 'peer.example.onion', port: 8333 });
  });

  it('sends IP literals as addresses', async () => {
    const c = socks5Connector({ proxy: { host: '127.0.0.1', port: proxyPort } });
    await expect(c.connect('10.1.2.3', 18444)).rejects.toThrow();
    expect(requests.at(-1)).toEqual({ atyp: 1, host: '10.1.2.3', port: 18444 });
  });

  it('reports the proxy refusing, naming target and proxy', async () => {
    const c = socks5Connector({ proxy: { host: '127.0.0.1', port: proxyPort } });
    await expect(c.connect('unknown.example', 8333)).rejects.toThrow(
      `connect to unknown.example:8333 through SOCKS5 proxy 127.0.0.1:${proxyPort} failed`,
    );
  });
});
