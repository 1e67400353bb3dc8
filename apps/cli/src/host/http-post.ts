/**
 * One JSON-RPC POST, as bitcoin-cli's CallRPC: HTTP/1.1 with basic auth, a timeout
 * (`-rpcclienttimeout`, Core's default 900 s, 0 = none), and Core's handling of the HTTP status.
 */
import { request } from 'node:http';
import { ConnectionFailed, type HttpPostRequest, type HttpResponse } from '../connection.js';

export function postJson(o: HttpPostRequest): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: o.host,
        port: o.port,
        method: 'POST',
        path: o.path,
        agent: false,
        headers: {
          Host: o.host,
          Connection: 'close',
          'Content-Type': 'application/json',
          Authorization: `Basic ${Buffer.from(o.credentials, 'utf8').toString('base64')}`,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', (e) => reject(new ConnectionFailed(e.message)));
      },
    );
    if (o.timeoutMs > 0) {
      req.setTimeout(o.timeoutMs, () => req.destroy(new Error('timeout reached')));
    }
    req.on('error', (e) => reject(new ConnectionFailed(e.message)));
    req.end(o.body);
  });
}
