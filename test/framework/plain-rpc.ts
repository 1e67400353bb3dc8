/**
 * Helpers for tests that start `bin/bitcoind` themselves (as Core's test framework does) rather
 * than through TestNode: a free 127.0.0.1 port to put on its command line, and one JSON-RPC 1.0
 * call with cookie credentials that returns the reply envelope unthrown.
 */
import { request } from 'node:http';
import { createServer } from 'node:net';

export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

export interface RpcReply {
  result: unknown;
  error: { code: number; message: string } | null;
}

export function rpc(
  port: number,
  cookie: string,
  method: string,
  params: unknown[] = [],
): Promise<RpcReply> {
  const body = JSON.stringify({ jsonrpc: '1.0', id: 1, method, params });
  return new Promise<RpcReply>((done, fail) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(cookie).toString('base64')}` },
      },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => done(JSON.parse(text) as RpcReply));
      },
    );
    req.on('error', fail);
    req.end(body);
  });
}
