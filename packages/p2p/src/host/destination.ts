/**
 * Destinations as connectors compare them: IP literals in one canonical text form, so that
 * `[0:0:0:0:0:0:0:1]:8333` and `[::1]:8333` are the same grant and `::ffff:127.0.0.1` is
 * `127.0.0.1`; host names compared as DNS compares them (ASCII case-insensitive), never resolved.
 */
import { isIP } from 'node:net';

export interface Destination {
  readonly host: string;
  readonly port: number;
}

/** The canonical text of an IP literal, or undefined for a host name. */
export function canonicalIp(host: string): string | undefined {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const version = isIP(bare);
  if (version === 4) return bare;
  if (version !== 6) return undefined;
  // The WHATWG URL parser prints IPv6 in RFC 5952 form (lower case, longest zero run as ::).
  const v6 = new URL(`http://[${bare}]/`).hostname.slice(1, -1);
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(v6);
  if (mapped === null) return v6;
  const hi = parseInt(mapped[1]!, 16);
  const lo = parseInt(mapped[2]!, 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

export function formatDestination(d: Destination): string {
  return isIP(d.host) === 6 ? `[${d.host}]:${d.port}` : `${d.host}:${d.port}`;
}

/** Whether `host:port` is one of `allow`: IP:port by canonical IP, names by exact name. */
export function isAllowed(allow: readonly Destination[], host: string, port: number): boolean {
  const ip = canonicalIp(host);
  return allow.some((a) => {
    if (a.port !== port) return false;
    const allowedIp = canonicalIp(a.host);
    if (ip !== undefined || allowedIp !== undefined) return ip === allowedIp;
    return a.host.toLowerCase() === host.toLowerCase();
  });
}
