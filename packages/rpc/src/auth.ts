/**
 * RPC authentication as Core's httprpc.cpp and rpc/request.cpp:
 *
 * - HTTP Basic with `rpcuser:rpcpassword`, or any `rpcauth` entry `user:salt$hmac` where hmac is
 *   hex(HMAC-SHA256(key = salt, message = password)) (share/rpcauth/rpcauth.py makes them).
 * - When no rpcpassword is set, a cookie: user `__cookie__`, password 32 random bytes in hex,
 *   written to `.cookie` in the network's data directory with mode 0600 and removed on a clean
 *   stop (GenerateAuthCookie / DeleteAuthCookie). rpcauth entries work alongside the cookie.
 *
 * Comparisons are constant-time (Core's TimingResistantEqual): both sides are hashed first so
 * lengths never leak. Secrets are never logged.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Random } from '@bitcoind-lite/entropy';
import type { Dir } from '@bitcoind-lite/storage';
import type { Logger } from '@bitcoind-lite/runtime';

export const COOKIE_FILE = '.cookie';
export const COOKIEAUTH_USER = '__cookie__';

export interface RpcAuthConfig {
  rpcuser?: string | undefined;
  rpcpassword?: string | undefined;
  /** `user:salt$hmac-sha256-hex` entries. */
  rpcauth?: readonly string[] | undefined;
}

export interface AuthResult {
  authorized: boolean;
  /** The user name presented, even when refused (Core logs and records it). */
  user: string;
}

function timingResistantEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a, 'latin1').digest();
  const hb = createHash('sha256').update(b, 'latin1').digest();
  return timingSafeEqual(ha, hb);
}

function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** A string's UTF-8 bytes as a latin1 string, the form decoded headers take here. */
function utf8Bytes(s: string): string {
  return Buffer.from(s, 'utf8').toString('latin1');
}

/** Strict base64 as Core's DecodeBase64: padded to a multiple of 4, no stray characters. */
function decodeBase64(s: string): string | undefined {
  if (s.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(s)) return undefined;
  return Buffer.from(s, 'base64').toString('latin1');
}

export class RpcAuth {
  private userColonPass = '';
  private cookieWritten = false;

  constructor(
    private readonly config: RpcAuthConfig,
    private readonly datadir: Dir,
    private readonly random: Random,
    private readonly logger: Logger,
  ) {
    if (config === undefined) throw new TypeError('RpcAuth: auth config is required');
    if (datadir === undefined) throw new TypeError('RpcAuth: datadir is required');
    if (random === undefined) throw new TypeError('RpcAuth: random is required');
    if (logger === undefined) throw new TypeError('RpcAuth: logger is required');
  }

  /** Core's InitRPCAuthentication: the cookie when rpcpassword is unset, else user:password. */
  async init(): Promise<void> {
    const password = this.config.rpcpassword ?? '';
    if (password === '') {
      this.logger.info('Using random cookie authentication.');
      const secret = toHex(this.random.fill(new Uint8Array(32)));
      this.userColonPass = `${COOKIEAUTH_USER}:${secret}`;
      await this.datadir.writeFileAtomic(
        COOKIE_FILE,
        new TextEncoder().encode(this.userColonPass),
        {
          mode: 0o600,
        },
      );
      this.cookieWritten = true;
      this.logger.info(
        `Generated RPC authentication cookie ${this.datadir.description}/${COOKIE_FILE}`,
      );
    } else {
      // Compared with the header's decoded bytes, so keep the configured text as UTF-8 bytes.
      this.userColonPass = utf8Bytes(`${this.config.rpcuser ?? ''}:${password}`);
    }
    if ((this.config.rpcauth ?? []).length > 0) this.logger.info('Using rpcauth authentication.');
  }

  /** Core's DeleteAuthCookie, on a clean stop. */
  async removeCookie(): Promise<void> {
    if (!this.cookieWritten) return;
    this.cookieWritten = false;
    try {
      await this.datadir.remove(COOKIE_FILE);
    } catch (e) {
      this.logger.warning(`Unable to remove random auth cookie file: ${(e as Error).message}`);
    }
  }

  /** Core's RPCAuthorized on an `Authorization` header value. */
  check(header: string): AuthResult {
    const result: AuthResult = { authorized: false, user: '' };
    if (this.userColonPass === '') return result;
    if (!header.startsWith('Basic ')) return result;
    const userPass = decodeBase64(header.slice(6).trim());
    if (userPass === undefined) return result;
    const colon = userPass.indexOf(':');
    if (colon >= 0) result.user = userPass.slice(0, colon);
    if (timingResistantEqual(userPass, this.userColonPass)) {
      result.authorized = true;
      return result;
    }
    if (colon >= 0) result.authorized = this.checkRpcAuth(result.user, userPass.slice(colon + 1));
    return result;
  }

  private checkRpcAuth(user: string, password: string): boolean {
    let ok = false;
    for (const entry of this.config.rpcauth ?? []) {
      const fields = entry.split(/[:$]/);
      if (fields.length !== 3) continue; // malformed entries are skipped, as Core does
      const [name = '', salt = '', hash = ''] = fields;
      if (!timingResistantEqual(utf8Bytes(name), user)) continue;
      const mac = createHmac('sha256', Buffer.from(salt, 'utf8'))
        .update(Buffer.from(password, 'latin1'))
        .digest('hex');
      if (timingResistantEqual(mac, hash)) ok = true;
    }
    return ok;
  }
}
