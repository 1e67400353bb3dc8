/**
 * Reading the manifest's `args:` (Bitcoin Core's option names) into typed settings, with Core's
 * defaults. The manifest parser has already checked names and value kinds.
 */
import type { ArgValue } from '@bitcoind-lite/manifest';

export type Args = Readonly<Record<string, ArgValue>>;

export function argList(args: Args, name: string): string[] {
  const v = args[name];
  if (v === undefined || v === false) return [];
  if (Array.isArray(v)) return v.map(String);
  return [String(v)];
}

export function argString(args: Args, name: string): string | undefined {
  const v = args[name];
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v[v.length - 1] : String(v);
}

export function argNumber(args: Args, name: string, fallback: number): number {
  const v = args[name];
  if (v === undefined) return fallback;
  const n = Number(Array.isArray(v) ? v[v.length - 1] : v);
  return Number.isFinite(n) ? n : fallback;
}

export function argBool(args: Args, name: string, fallback: boolean): boolean {
  const v = args[name];
  if (v === undefined) return fallback;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  const s = String(Array.isArray(v) ? v[v.length - 1] : v);
  return !(s === '0' || s === 'false' || s === '');
}
