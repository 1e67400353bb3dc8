/**
 * The REST dispatcher on a real RpcServer (no node behind it): Core's 503 while warming up,
 * a bare 404 for a /rest/ path no endpoint claims and for /rest/ when REST is off, no
 * authentication, and registerHttpHandler's prefix rules and request shape.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RestDispatcher, REST_PREFIX } from '../src/rest/index.js';
import { parseDataFormat, getQueryParameter, toIntegral } from '../src/rest/index.js';
import type { HttpHandlerRequest } from '../src/index.js';
import { request, startHarness, type Harness } from './rpc-harness.js';

const open: Harness[] = [];
afterEach(async () => {
  for (const h of open.splice(0)) await h.close();
});

async function harness(): Promise<Harness> {
  const h = await startHarness();
  open.push(h);
  return h;
}

describe('REST dispatcher', () => {
  it('is absent unless registered: /rest/ paths are 404 like any unknown path', async () => {
    const h = await harness();
    const r = await request(h.port, { method: 'GET', path: '/rest/chaininfo.json' });
    expect([r.status, r.body]).toEqual([404, '']);
  });

  it('answers 503 with the warmup status while warming up, without credentials', async () => {
    const h = await harness();
    const rest = new RestDispatcher(h.server.table);
    h.server.registerHttpHandler(REST_PREFIX, rest.handle);
    h.server.setWarmup('Loading block index…');
    for (const path of ['/rest/chaininfo.json', '/rest/block/00.json', '/rest/getutxos/x.bin']) {
      const r = await request(h.port, { method: 'GET', path });
      expect(r.status).toBe(503);
      expect(r.headers['content-type']).toBe('text/plain');
      expect(r.body).toBe('Service temporarily unavailable: Loading block index…\r\n');
    }
    const none = await request(h.port, { method: 'GET', path: '/rest/nothing.json' });
    expect([none.status, none.body]).toEqual([404, '']);
  });

  it('registerHttpHandler: prefix match, URI after the prefix, body and method passed', async () => {
    const h = await harness();
    const seen: HttpHandlerRequest[] = [];
    h.server.registerHttpHandler('/x/', async (req) => {
      seen.push(req);
      return { status: 200, contentType: 'text/plain', body: 'ok\n' };
    });
    const r = await request(h.port, { method: 'POST', path: '/x/a/b.json?count=2', body: 'hi' });
    expect([r.status, r.body, r.headers['content-type']]).toEqual([200, 'ok\n', 'text/plain']);
    expect(seen.map((s) => [s.method, s.uriPart, Buffer.from(s.body).toString()])).toEqual([
      ['POST', 'a/b.json?count=2', 'hi'],
    ]);
    expect(() =>
      h.server.registerHttpHandler('/', async () => ({ status: 200, contentType: '', body: '' })),
    ).toThrow(RangeError);
    expect(() =>
      h.server.registerHttpHandler('/wallet/w', async () => ({
        status: 200,
        contentType: '',
        body: '',
      })),
    ).toThrow(RangeError);
  });
});

describe('REST parameter parsing (Core ParseDataFormat, ToIntegral, query)', () => {
  it.each([
    ['abc.json', 'abc', 'json'],
    ['abc.bin?x=1.hex', 'abc', 'bin'],
    ['abc.txt', 'abc.txt', 'undef'],
    ['abc', 'abc', 'undef'],
    ['a.b.hex', 'a.b', 'hex'],
    ['.json', '', 'json'],
  ])('%s -> %s, %s', (uri, param, format) => {
    expect(parseDataFormat(uri)).toEqual({ param, format });
  });

  it('integers as ToIntegral reads them', () => {
    expect(toIntegral('15', 0, 100)).toBe(15);
    expect(toIntegral('007', 0, 100)).toBe(7);
    for (const bad of ['', '+1', ' 1', '1 ', '0x1', '1e2', '-1', '101']) {
      expect(toIntegral(bad, 0, 100)).toBeUndefined();
    }
    expect(toIntegral('-1', -5, 5)).toBe(-1);
  });

  it('query parameters: first value, decoded; invalid characters throw Core text', () => {
    expect(getQueryParameter('a.json?count=3&count=4', 'count')).toBe('3');
    expect(getQueryParameter('a.json?x=%41', 'x')).toBe('A');
    expect(getQueryParameter('a.json', 'count')).toBeUndefined();
    expect(() => getQueryParameter('a.json?x=%zz', 'x')).toThrow(
      'URI parsing failed, it likely contained RFC 3986 invalid characters',
    );
  });
});
