/**
 * `HOST:PORT` as the manifest writes addresses: an IPv4 literal, a bracketed IPv6 literal
 * (`[::1]:18444`) or a DNS name (only where a name makes sense, e.g. a `!direct` allow entry or
 * a `!socks5` destination). Parsing is pure: no name is ever resolved here.
 */

export interface HostPort {
  /** The host as written, without IPv6 brackets. */
  readonly host: string;
  readonly port: number;
}

export type HostKind = 'ip' | 'ip-or-name';

const IPV4 =
  /^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$/;

/** 4 for a dotted-quad IPv4 literal, 6 for an IPv6 literal (no brackets), 0 otherwise. */
export function ipVersion(s: string): 0 | 4 | 6 {
  if (IPV4.test(s)) return 4;
  if (!s.includes(':') || !/^[0-9A-Fa-f:.]+$/.test(s)) return 0;
  // The WHATWG URL parser implements RFC 4291 text forms exactly; it is pure (no lookup).
  try {
    new URL(`http://[${s}]/`);
    return 6;
  } catch {
    return 0;
  }
}

const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** A DNS name of RFC 1123 labels (this also admits `.onion` v3 names), at most 253 chars. */
export function isHostName(s: string): boolean {
  if (s.length === 0 || s.length > 253) return false;
  const name = s.endsWith('.') ? s.slice(0, -1) : s;
  const labels = name.split('.');
  // An all-numeric last label would make a mistyped IPv4 address (1.2.3.999) look like a name.
  if (/^[0-9]+$/.test(labels[labels.length - 1] ?? '')) return false;
  return labels.every((label) => LABEL.test(label));
}

/** `[v6]:port` or `host:port`; returns a reason string instead of throwing. */
export function parseHostPort(
  text: string,
  kind: HostKind,
  options?: { anyPort?: boolean },
): HostPort | string {
  let host: string;
  let portText: string;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0 || text[close + 1] !== ':') return `"${text}" is not [IPV6]:PORT`;
    host = text.slice(1, close);
    portText = text.slice(close + 2);
    if (ipVersion(host) !== 6) return `"${host}" is not an IPv6 address`;
  } else {
    const colon = text.lastIndexOf(':');
    if (colon <= 0) return `"${text}" has no port`;
    host = text.slice(0, colon);
    portText = text.slice(colon + 1);
    if (host.includes(':')) return `IPv6 address "${host}" must be written in brackets`;
    if (kind === 'ip' && ipVersion(host) !== 4) return `"${host}" is not an IP address`;
    if (kind === 'ip-or-name' && ipVersion(host) === 0 && !isHostName(host)) {
      return `"${host}" is not an IP address or host name`;
    }
  }
  const port = parsePort(portText, options?.anyPort === true ? 0 : 1);
  if (typeof port === 'string') return port;
  return { host, port };
}

/** A TCP port, 1..65535; `min` 0 admits "any free port" where the launcher binds. */
export function parsePort(text: string, min: 0 | 1 = 1): number | string {
  if (!/^[0-9]{1,5}$/.test(text)) return `port "${text}" is not a number`;
  const port = Number(text);
  if (port < min || port > 65535) return `port ${port} is out of range`;
  return port;
}

/** The canonical `HOST:PORT` text (brackets around IPv6), for messages and comparisons. */
export function formatHostPort(hp: HostPort): string {
  return ipVersion(hp.host) === 6 ? `[${hp.host}]:${hp.port}` : `${hp.host}:${hp.port}`;
}
