/** Locates the read-only shared vectors and chain data (../shared from the repo root). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const SHARED = new URL('../../../../shared/', import.meta.url);

export function sharedPath(rel: string): string {
  return fileURLToPath(new URL(rel, SHARED));
}

export function readShared(rel: string): Uint8Array {
  return new Uint8Array(readFileSync(sharedPath(rel)));
}

export function readSharedJson<T>(rel: string): T {
  return JSON.parse(readFileSync(sharedPath(rel), 'utf8')) as T;
}

export function readSharedCsv(rel: string): string[][] {
  const lines = readFileSync(sharedPath(rel), 'utf8').trim().split('\n');
  return lines.slice(1).map((l) => l.split(','));
}
