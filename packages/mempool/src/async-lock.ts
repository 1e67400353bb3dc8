/**
 * Serializes async sections: admission awaits coin lookups, and a block or a second
 * transaction must not change the pool in between (Core holds cs_main and mempool.cs).
 */
export class AsyncLock {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn, fn);
    this.tail = next.catch(() => undefined);
    return next;
  }
}
