/**
 * `-whitelist=[permissions@]subnet` (Core's init.cpp and net_permissions): each value becomes a
 * WhitelistEntry for the PeerManager; a bad permission or netmask is Core's InitError.
 */
import { parseWhitelist, WhitelistError, type WhitelistEntry } from '@bitcoind-lite/p2p';
import { InitError } from './init-errors.js';
import { argList, type Args } from './node-args.js';

export function whitelistFromArgs(args: Args): WhitelistEntry[] {
  return argList(args, 'whitelist').map((text) => {
    try {
      return parseWhitelist(text);
    } catch (e) {
      if (e instanceof WhitelistError) throw new InitError(e.message);
      throw e;
    }
  });
}
