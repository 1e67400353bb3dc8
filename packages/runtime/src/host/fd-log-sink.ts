/**
 * The LogSink for `console: !fd stdout|stderr`. Writes to Node's process streams, which are
 * synchronous for files and pipes on Linux, so the last lines before an exit are not lost.
 */
import type { LogSink } from '../log.js';

export function fdLogSink(fd: 'stdout' | 'stderr'): LogSink {
  if (fd !== 'stdout' && fd !== 'stderr')
    throw new TypeError(`fdLogSink: unknown fd ${String(fd)}`);
  const stream = fd === 'stdout' ? process.stdout : process.stderr;
  return {
    write(line: string): void {
      stream.write(line);
    },
  };
}
