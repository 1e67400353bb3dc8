/**
 * The Log capability and the logger built on it. Lines follow Bitcoin Core's debug.log shape:
 * `2024-05-01T12:00:00Z [category] message`. Debug categories are Core's (`-debug=net`, ...);
 * unconditional info lines carry no category. Never log secrets (cookie, passwords, keys).
 */
import type { Clock } from './clock.js';

export interface LogSink {
  write(line: string): void;
  /** Resolves once every line written so far is stored (sinks that write asynchronously). */
  flush?(): Promise<void>;
}

/** Core's `-debug` category names (BCLog::LogFlags). */
export const LOG_CATEGORIES = [
  'net',
  'tor',
  'mempool',
  'http',
  'bench',
  'zmq',
  'walletdb',
  'rpc',
  'estimatefee',
  'addrman',
  'selectcoins',
  'reindex',
  'cmpctblock',
  'rand',
  'prune',
  'proxy',
  'mempoolrej',
  'libevent',
  'coindb',
  'qt',
  'leveldb',
  'validation',
  'i2p',
  'ipc',
  'lock',
  'blockstorage',
  'txreconciliation',
  'scan',
  'txpackages',
] as const;

export type LogCategory = (typeof LOG_CATEGORIES)[number];

export function isLogCategory(s: string): s is LogCategory {
  return (LOG_CATEGORIES as readonly string[]).includes(s);
}

export class Logger {
  private readonly enabled = new Set<string>();

  constructor(
    private readonly sink: LogSink,
    private readonly clock: Clock,
    categories: Iterable<string> = [],
  ) {
    if (sink === undefined) throw new TypeError('Logger: sink is required');
    if (clock === undefined) throw new TypeError('Logger: clock is required');
    for (const c of categories) this.enable(c);
  }

  /**
   * Waits until the lines logged so far have reached the sink's storage. Write errors are the
   * sink's to report (FileLogSink keeps the first); here they never reject.
   */
  async flush(): Promise<void> {
    await this.sink.flush?.().catch(() => undefined);
  }

  /** `-debug=1`, `-debug=all` enable every category; `-debug=0`/`none` disable all. */
  enable(category: string): void {
    if (category === '1' || category === 'all') for (const c of LOG_CATEGORIES) this.enabled.add(c);
    else if (category === '0' || category === 'none') this.enabled.clear();
    else this.enabled.add(category);
  }

  disable(category: string): void {
    if (category === 'all' || category === '1') this.enabled.clear();
    else this.enabled.delete(category);
  }

  isEnabled(category: LogCategory): boolean {
    return this.enabled.has(category);
  }

  enabledCategories(): string[] {
    return [...this.enabled].sort();
  }

  private line(prefix: string, msg: string): void {
    const t = new Date(this.clock.nowMs()).toISOString().replace(/\.\d{3}Z$/, 'Z');
    this.sink.write(`${t} ${prefix}${msg}\n`);
  }

  /** Unconditional: rare, for start-up, shut-down and new tips. */
  info(msg: string): void {
    this.line('', msg);
  }

  /** Something the operator should act on. */
  warning(msg: string, category?: LogCategory): void {
    this.line(category ? `[${category}:warning] ` : '[warning] ', msg);
  }

  /** The node is stopping or a component failed. */
  error(msg: string, category?: LogCategory): void {
    this.line(category ? `[${category}:error] ` : '[error] ', msg);
  }

  /** Printed only when `-debug=<category>` is on. */
  debug(category: LogCategory, msg: string): void {
    if (this.enabled.has(category)) this.line(`[${category}] `, msg);
  }

  /** A child logger shares sink, clock and categories. */
  get sinkForTests(): LogSink {
    return this.sink;
  }
}
