/** Real-socket capabilities for tests: a Listener over net.Server, a Connector over net.connect. */
import net from 'node:net';
import { randomFillSync } from 'node:crypto';
import type { ByteStream, Clock, Listener, LogSink, Timer } from '@bitcoind-lite/runtime';
import { Logger } from '@bitcoind-lite/runtime';
import type { Random } from '@bitcoind-lite/entropy';
import type { Connector } from '../../src/connector.js';

export async function tcpListener(): Promise<Listener & { server: net.Server }> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    server,
    address: `127.0.0.1:${port}`,
    port,
    accept(handler: (s: ByteStream) => void): void {
      server.on('connection', (s) => handler(s));
    },
    close(): Promise<void> {
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

export const tcpConnector: Connector & { attempts: string[] } = {
  kind: 'direct',
  proxy: '',
  attempts: [],
  connect(host: string, port: number): Promise<ByteStream> {
    this.attempts.push(`${host}:${port}`);
    return new Promise((resolve, reject) => {
      const s = net.connect(port, host);
      s.once('connect', () => resolve(s));
      s.once('error', reject);
    });
  },
};

export const realClock: Clock = {
  nowMs: () => Date.now(),
  monotonicMs: () => performance.now(),
  setTimeout(cb: () => void, ms: number): Timer {
    const t = setTimeout(cb, ms);
    return { cancel: () => clearTimeout(t) };
  },
  setInterval(cb: () => void, ms: number): Timer {
    const t = setInterval(cb, ms);
    return { cancel: () => clearInterval(t) };
  },
};

export const osRandom: Random = { fill: (b) => randomFillSync(b) };

export class MemorySink implements LogSink {
  lines: string[] = [];
  write(line: string): void {
    this.lines.push(line);
  }
  has(re: RegExp | string): boolean {
    return this.lines.some((l) => (typeof re === 'string' ? l.includes(re) : re.test(l)));
  }
}

export function testLogger(): { logger: Logger; sink: MemorySink } {
  const sink = new MemorySink();
  return { logger: new Logger(sink, realClock, ['net']), sink };
}

/** Polls `cond` every 20 ms until true; throws with `what` after `timeoutMs`. */
export async function waitFor(
  cond: () => boolean,
  what: string,
  timeoutMs = 20_000,
): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
