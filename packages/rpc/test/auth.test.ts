/**
 * Authentication as Core's httprpc.cpp and rpc/request.cpp: the cookie file (GenerateAuthCookie,
 * DeleteAuthCookie), rpcuser/rpcpassword, rpcauth lines as share/rpcauth/rpcauth.py writes them,
 * and 401 with WWW-Authenticate and the 250 ms brute-force delay for wrong credentials.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { seededRandom } from '@bitcoind-lite/entropy';
import { osRandom } from '@bitcoind-lite/entropy/host';
import { basic, request, startHarness, TEST_SEED, type Harness } from './rpc-harness.js';

const open: Harness[] = [];
afterEach(async () => {
  for (const h of open.splice(0)) await h.close();
});

async function harness(...a: Parameters<typeof startHarness>): Promise<Harness> {
  const h = await startHarness(...a);
  open.push(h);
  return h;
}

const WHOAMI = JSON.stringify({ id: 1, method: 'whoami' });

/** What share/rpcauth/rpcauth.py prints: user:salt$hex(HMAC-SHA256(key=salt, msg=password)). */
function rpcauthLine(user: string, password: string): string {
  const salt = randomBytes(16).toString('hex');
  const hmac = createHmac('sha256', Buffer.from(salt, 'utf8'))
    .update(Buffer.from(password, 'utf8'))
    .digest('hex');
  return `${user}:${salt}$${hmac}`;
}

describe('cookie authentication', () => {
  it('writes .cookie as __cookie__:<64 hex> with mode 0600 and accepts it', async () => {
    const h = await harness({ auth: {}, random: osRandom() });
    const path = join(h.dirPath, '.cookie');
    const text = readFileSync(path, 'utf8');
    expect(text).toMatch(/^__cookie__:[0-9a-f]{64}$/);
    expect(statSync(path).mode & 0o777).toBe(0o600);

    const r = await request(h.port, { body: WHOAMI, auth: basic(text) });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body).result.user).toBe('__cookie__');
  });

  it('draws the secret from the Random capability it was given', async () => {
    const h = await harness({ auth: {}, random: seededRandom(TEST_SEED) });
    const expected = Buffer.from(seededRandom(TEST_SEED).fill(new Uint8Array(32))).toString('hex');
    expect(readFileSync(join(h.dirPath, '.cookie'), 'utf8')).toBe(`__cookie__:${expected}`);
  });

  it('removes the cookie on a clean stop', async () => {
    const h = await startHarness({ auth: {} });
    const path = join(h.dirPath, '.cookie');
    expect(existsSync(path)).toBe(true);
    await h.close();
    expect(existsSync(path)).toBe(false);
  });

  it('refuses another cookie value', async () => {
    const h = await harness({ auth: {} });
    const r = await request(h.port, { body: WHOAMI, auth: basic(`__cookie__:${'0'.repeat(64)}`) });
    expect(r.status).toBe(401);
  });
});

describe('rpcuser / rpcpassword', () => {
  it('accepts the configured pair and writes no cookie', async () => {
    const h = await harness({ auth: { rpcuser: 'alice', rpcpassword: 'pässword' } });
    expect(existsSync(join(h.dirPath, '.cookie'))).toBe(false);
    const r = await request(h.port, { body: WHOAMI, auth: basic('alice:pässword') });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body).result.user).toBe('alice');
  });

  it('answers a wrong password with 401, WWW-Authenticate, no body, after the 250 ms delay', async () => {
    const h = await harness({ auth: { rpcuser: 'alice', rpcpassword: 'secret' } });
    const r = await request(h.port, { body: WHOAMI, auth: basic('alice:wrong') });
    expect(r.status).toBe(401);
    expect(r.headers['www-authenticate']).toBe('Basic realm="jsonrpc"');
    expect(r.body).toBe('');
    expect(h.clock.delaysMs).toContain(250);
    expect(h.logLines.some((l) => l.includes('ThreadRPCServer incorrect password attempt'))).toBe(
      true,
    );
    expect(h.logLines.join('')).not.toContain('secret');
  });

  it('keeps serving others while a wrong password waits out its delay', async () => {
    const h = await harness({ auth: { rpcuser: 'alice', rpcpassword: 'secret' } });
    const order: string[] = [];
    const bad = request(h.port, { body: WHOAMI, auth: basic('alice:nope') }).then((r) => {
      order.push(`bad ${r.status}`);
    });
    // Wait until the bad request is inside its delay, then send a good one.
    while (!h.clock.delaysMs.includes(250)) await new Promise((r) => setImmediate(r));
    const good = request(h.port, { body: WHOAMI, auth: h.authHeader }).then((r) => {
      order.push(`good ${r.status}`);
    });
    await Promise.all([bad, good]);
    expect(order).toEqual(['good 200', 'bad 401']);
  });

  it('answers a missing Authorization header with 401 at once (no delay)', async () => {
    const h = await harness();
    const r = await request(h.port, { body: WHOAMI });
    expect(r.status).toBe(401);
    expect(r.headers['www-authenticate']).toBe('Basic realm="jsonrpc"');
    expect(h.clock.delaysMs).not.toContain(250);
  });

  it.each([
    ['Basic !!!!', 401],
    ['Bearer YWxpY2U6c2VjcmV0', 401],
    ['Basic YWxpY2U6c2VjcmV0=', 401], // bad padding: Core's DecodeBase64 refuses it
    ['Basic YWxpY2U6c2VjcmV0', 200], // alice:secret
  ])('answers the header %j with %i', async (auth, status) => {
    const h = await harness({ auth: { rpcuser: 'alice', rpcpassword: 'secret' } });
    const r = await request(h.port, { body: WHOAMI, auth });
    expect(r.status).toBe(status);
  });
});

describe('rpcauth', () => {
  it('accepts a password checked against a salted HMAC-SHA256 line', async () => {
    const line = rpcauthLine('bob', 'hunter2');
    const h = await harness({
      auth: { rpcuser: 'alice', rpcpassword: 'secret', rpcauth: ['carol:00$00', line] },
    });
    const ok = await request(h.port, { body: WHOAMI, auth: basic('bob:hunter2') });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body).result.user).toBe('bob');
    const wrong = await request(h.port, { body: WHOAMI, auth: basic('bob:hunter3') });
    expect(wrong.status).toBe(401);
    const otherUser = await request(h.port, { body: WHOAMI, auth: basic('carol:hunter2') });
    expect(otherUser.status).toBe(401);
    // rpcuser/rpcpassword still work next to rpcauth.
    const pair = await request(h.port, { body: WHOAMI, auth: basic('alice:secret') });
    expect(pair.status).toBe(200);
  });

  it('works alongside the cookie when no rpcpassword is set', async () => {
    const h = await harness({ auth: { rpcauth: [rpcauthLine('bob', 'pw')] } });
    expect(existsSync(join(h.dirPath, '.cookie'))).toBe(true);
    expect((await request(h.port, { body: WHOAMI, auth: basic('bob:pw') })).status).toBe(200);
    expect((await request(h.port, { body: WHOAMI, auth: h.authHeader })).status).toBe(200);
  });
});
