/**
 * A node granted only `outbound: !socks5` reaches its peer by host name through a SOCKS5 proxy
 * (RFC 1928) run by this test on 127.0.0.1. The proxy records each request: the name must arrive
 * as a DOMAINNAME (ATYP 3), so the node resolved nothing itself (the name does not resolve
 * anyway: `.example` is reserved); only the proxy maps it to 127.0.0.1. The target node's only
 * inbound connection comes from the proxy's own socket, so no direct connection was made.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { TestNode } from './framework/test-node.js';

const ADDR = 'bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080';
const NAME = 'somehost.example';

interface ProxyRequest {
  atyp: number;
  host: string;
  port: number;
  /** Local port of the proxy's socket to the destination. */
  upstreamLocalPort?: number;
}

function startSocks5(
  map: Record<string, string>,
): Promise<{ server: Server; port: number; requests: ProxyRequest[] }> {
  const requests: ProxyRequest[] = [];
  const server = createServer((client: Socket) => {
    let buf = Buffer.alloc(0);
    let stage: 'greeting' | 'request' | 'piping' = 'greeting';
    client.on('error', () => client.destroy());
    client.on('data', (d: Buffer) => {
      if (stage === 'piping') return;
      buf = Buffer.concat([buf, d]);
      if (stage === 'greeting') {
        if (buf.length < 2 || buf.length < 2 + buf[1]!) return;
        buf = buf.subarray(2 + buf[1]!);
        client.write(Buffer.from([5, 0])); // no authentication
        stage = 'request';
      }
      if (stage === 'request') {
        if (buf.length < 5) return;
        const atyp = buf[3]!;
        let host: string;
        let end: number;
        if (atyp === 3) {
          end = 5 + buf[4]! + 2;
          if (buf.length < end) return;
          host = buf.subarray(5, 5 + buf[4]!).toString('latin1');
        } else if (atyp === 1) {
          end = 4 + 4 + 2;
          if (buf.length < end) return;
          host = [...buf.subarray(4, 8)].join('.');
        } else {
          client.destroy();
          return;
        }
        const port = buf.readUInt16BE(end - 2);
        const rest = buf.subarray(end);
        const req: ProxyRequest = { atyp, host, port };
        requests.push(req);
        stage = 'piping';
        client.pause();
        const upstream = connect({ host: map[host] ?? '0.0.0.0', port }, () => {
          req.upstreamLocalPort = upstream.localPort;
          client.write(Buffer.from([5, 0, 0, 1, 0, 0, 0, 0, 0, 0]));
          if (rest.length > 0) upstream.write(rest);
          client.pipe(upstream);
          upstream.pipe(client);
          client.resume();
        });
        upstream.on('error', () => {
          client.end(Buffer.from([5, 4, 0, 1, 0, 0, 0, 0, 0, 0])); // host unreachable
        });
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
      }
    });
  });
  return new Promise((res) =>
    server.listen(0, '127.0.0.1', () => {
      const a = server.address();
      res({ server, port: typeof a === 'object' && a ? a.port : 0, requests });
    }),
  );
}

const nodes: TestNode[] = [];
let proxyServer: Server | undefined;
afterAll(async () => {
  for (const n of nodes) await n.stop();
  proxyServer?.close();
});

describe('p2p_socks5', () => {
  it('syncs by host name through the SOCKS5 proxy, with no local resolution or direct dial', async () => {
    const a = await TestNode.start({ outbound: false });
    nodes.push(a);
    await a.rpc('generatetoaddress', 50, ADDR);

    const proxy = await startSocks5({ [NAME]: '127.0.0.1' });
    proxyServer = proxy.server;
    const b = await TestNode.start({
      noP2P: true,
      outbound: false,
      extraManifest: `outbound: !socks5\n  proxy: 127.0.0.1:${proxy.port}`,
      args: { connect: [`${NAME}:${a.p2pPort}`] },
    });
    nodes.push(b);
    await b.waitFor(async () => (await b.rpc<number>('getblockcount')) === 50, 'sync via proxy');
    expect(await b.rpc('getbestblockhash')).toBe(await a.rpc('getbestblockhash'));

    // The name reached the proxy unresolved, as a DOMAINNAME, with the right port.
    expect(proxy.requests.length).toBeGreaterThanOrEqual(1);
    for (const r of proxy.requests) {
      expect(r.atyp).toBe(3);
      expect(r.host).toBe(NAME);
      expect(r.port).toBe(a.p2pPort);
    }
    // The peer B sees is the name; the only inbound peer A sees is the proxy's upstream socket.
    const peersB = await b.rpc<{ addr: string }[]>('getpeerinfo');
    expect(peersB.map((p) => p.addr)).toEqual([`${NAME}:${a.p2pPort}`]);
    const peersA = await a.rpc<{ addr: string; inbound: boolean }[]>('getpeerinfo');
    const proxyPorts = proxy.requests.map((r) => r.upstreamLocalPort);
    expect(peersA).toHaveLength(1);
    expect(peersA[0]!.inbound).toBe(true);
    expect(proxyPorts).toContain(Number(peersA[0]!.addr.split(':').pop()));
    const net = await b.rpc<{ networks: { name: string; proxy: string }[] }>('getnetworkinfo');
    expect(net.networks.find((n) => n.name === 'ipv4')!.proxy).toBe(`127.0.0.1:${proxy.port}`);
  });

  it('refuses the `proxy` option in the manifest: the grant is `outbound: !socks5`', async () => {
    const { runLauncher } = await import('./framework/test-node.js');
    const n = TestNode.create({ args: { proxy: '127.0.0.1:9050' } });
    const { code, output } = await runLauncher(n.manifestPath);
    expect(code).not.toBe(0);
    expect(output).toMatch(/proxy/);
    expect(output).toMatch(/!socks5/);
  });
});
