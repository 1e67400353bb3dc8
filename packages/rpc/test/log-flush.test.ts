/**
 * A JSON-RPC reply leaves only after what the call logged has reached the log's storage, as with
 * Core's synchronous debug.log: a client that reads the log right after a reply sees the lines.
 * The sink here stores lines only when flushed, after a delay, like a file written in the
 * background; without the server's flush the reply would overtake it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Logger, type LogSink } from '@bitcoind-lite/runtime';
import { systemClock } from '@bitcoind-lite/runtime/host';
import { rpc, startHarness, type Harness } from './rpc-harness.js';

const open: Harness[] = [];
afterEach(async () => {
  for (const h of open.splice(0)) await h.close();
});

class SlowSink implements LogSink {
  readonly stored: string[] = [];
  private pending: string[] = [];
  write(line: string): void {
    this.pending.push(line);
  }
  flush(): Promise<void> {
    return new Promise((resolve) =>
      setTimeout(() => {
        this.stored.push(...this.pending.splice(0));
        resolve();
      }, 50),
    );
  }
}

describe('log flush before the reply', () => {
  it("a call's log lines are stored when its reply arrives", async () => {
    const sink = new SlowSink();
    const logger = new Logger(sink, systemClock(), ['rpc']);
    const h = await startHarness({ extra: { logger } });
    open.push(h);
    h.server.register({
      name: 'logsomething',
      category: 'test',
      description: 'Logs a marker line.',
      params: [],
      handler: () => {
        logger.info('marker line from the call');
        return null;
      },
    });
    const r = await rpc(h, { id: 1, method: 'logsomething' });
    expect(JSON.parse(r.body).result).toBeNull();
    expect(sink.stored.join('')).toContain('marker line from the call');
  });
});
