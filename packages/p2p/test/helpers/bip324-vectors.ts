/** Reads the BIP324 CSV vectors from /work/shared/vectors (CRLF line ends, no quoting). */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const vectorsDir = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../../../../shared/vectors',
);

export function readBip324Csv(name: string): Record<string, string>[] {
  const text = readFileSync(resolve(vectorsDir, name), 'utf8');
  const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
  const header = lines[0]!.split(',');
  return lines.slice(1).map((line) => {
    const cells = line.split(',');
    if (cells.length !== header.length) {
      throw new Error(`${name}: row has ${cells.length} cells, header ${header.length}`);
    }
    return Object.fromEntries(header.map((h, i) => [h, cells[i]!]));
  });
}

export function hexBytes(hex: string): Uint8Array {
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

export function toHexString(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}
