/**
 * `outbound: !socks5 {proxy, unroutable: direct}`: the grant that lets loopback and private
 * destinations bypass the proxy, as Core's -proxy does. Only the value `direct` is accepted.
 */
import { describe, expect, it } from 'vitest';
import { ManifestError, parseManifest } from '../src/index.js';

const BASE = [
  'network: regtest',
  'datadir: !dir',
  '  path: ./data',
  'console: !fd stdout',
  'rpc: !socket',
  '  bind: 127.0.0.1:18443',
  'entropy: !random os',
];

function parse(outbound: string) {
  return parseManifest([...BASE, outbound].join('\n') + '\n', 'node.yaml', '/srv/node');
}

describe('outbound: !socks5 unroutable', () => {
  it('reads unroutable: direct; without it every connection goes through the proxy', () => {
    const m = parse('outbound: !socks5 {proxy: 127.0.0.1:9050, unroutable: direct}');
    expect(m.outbound).toMatchObject({ kind: 'socks5', unroutableDirect: true });
    const plain = parse('outbound: !socks5 {proxy: 127.0.0.1:9050}');
    expect(plain.outbound).toMatchObject({ kind: 'socks5' });
    expect((plain.outbound as { unroutableDirect?: boolean }).unroutableDirect).toBeUndefined();
  });

  it('refuses any other value, at its line', () => {
    let err: unknown;
    try {
      parse('outbound: !socks5 {proxy: 127.0.0.1:9050, unroutable: yes}');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ManifestError);
    expect((err as ManifestError).problem).toBe('outbound.unroutable: not "direct"');
  });
});
