/**
 * A LogSink that appends to an open file (debug.log in the datadir, as Core writes it). It takes
 * the file as a handle, not a path, so it can write that one file and nothing else. Structurally
 * this is the storage package's FileHandle; runtime sits below storage, so it names only the
 * methods it uses.
 *
 * `write` is synchronous for callers (a log call never blocks the node); lines are appended in
 * order by one chain of writes. The first write error is kept and later lines are dropped, so a
 * full disk does not turn every log call into an exception; `flush()` reports it.
 */
import type { LogSink } from './log.js';

export interface AppendableFile {
  size(): Promise<number>;
  write(position: number, data: Uint8Array): Promise<void>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

export class FileLogSink implements LogSink {
  private tail: Promise<void>;
  private position = 0;
  private failure: unknown;
  private closed = false;
  /** Lines waiting for the next write (see `write`). */
  private pending: string[] = [];

  constructor(private readonly file: AppendableFile) {
    if (file === undefined) throw new TypeError('FileLogSink: file is required');
    this.tail = file.size().then(
      (size) => {
        this.position = size;
      },
      (e: unknown) => {
        this.failure = e;
      },
    );
  }

  write(line: string): void {
    if (this.closed || this.failure !== undefined) return;
    // Lines logged while a write is in flight go out together in the next one, so a burst of
    // lines costs a few writes rather than one each and the file keeps up with the node (tools
    // that read debug.log right after an RPC or P2P reply, as Core's test framework does, see
    // what was logged before it).
    const queued = this.pending.length > 0;
    this.pending.push(line);
    if (queued) return;
    this.tail = this.tail.then(async () => {
      const data = new TextEncoder().encode(this.pending.join(''));
      this.pending = [];
      if (this.failure !== undefined) return;
      try {
        await this.file.write(this.position, data);
        this.position += data.length;
      } catch (e) {
        this.failure = e;
      }
    });
  }

  /** Waits for every line written so far; rejects with the first write error, if any. */
  async flush(): Promise<void> {
    await this.tail;
    if (this.failure !== undefined) throw this.failure;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.tail;
    try {
      if (this.failure === undefined) await this.file.sync();
    } finally {
      await this.file.close();
    }
  }
}
