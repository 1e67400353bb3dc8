/**
 * Start-up failures as Bitcoin Core reports them (its InitError): one message naming what failed
 * and what to do about it, printed as `Error: ...`, exit status 1, no stack trace. The launcher
 * (main.ts, and the confined child) turns whatever Node.start threw into that message here, so
 * the packages below keep throwing ordinary errors and the wording lives in one place.
 *
 * Errors not recognised here are bugs; they keep their stack so they can be reported.
 */

import { InvalidPeersDatError } from '@bitcoind-lite/p2p';

/** A start-up error whose message is already what the operator should read (Core's InitError). */
export class InitError extends Error {
  override readonly name = 'InitError';
}

/** Core's hint after a block or coins database it cannot use (init.cpp, on a load failure). */
const REINDEX_HINT = 'Please restart with -reindex or -reindex-chainstate to recover.';

/** Core's text for a chainstate that fails its start-up verification (VerifyDB). */
export const CORRUPTED_BLOCK_DB = `Corrupted block database detected.\n${REINDEX_HINT}`;

interface ErrorShape {
  message?: unknown;
  code?: unknown;
  syscall?: unknown;
  path?: unknown;
  dest?: unknown;
  cause?: unknown;
  /** Set by the storage Dir on a LevelDB that failed to open: which folder. */
  dbPath?: unknown;
}

function shape(e: unknown): ErrorShape {
  return typeof e === 'object' && e !== null ? (e as ErrorShape) : {};
}

function causeText(e: ErrorShape): string {
  const cause = shape(e.cause);
  return typeof cause.message === 'string' ? cause.message : String(e.message ?? '');
}

/** The short name of an errno code, as `ls` or `cat` would say it. */
export function errnoText(code: unknown): string | undefined {
  switch (code) {
    case 'EISDIR':
      return 'is a directory';
    case 'ENOTDIR':
      return 'not a directory';
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    default:
      return undefined;
  }
}

/**
 * The message for a start-up failure, without the leading "Error: ". Known failures get Core's
 * wording; anything else its stack.
 */
export function initErrorMessage(e: unknown): string {
  if (e instanceof InitError || e instanceof InvalidPeersDatError) return e.message;
  const err = shape(e);
  const message = typeof err.message === 'string' ? err.message : String(e);

  // A LevelDB that cannot be opened: Core's LoadChainstate names the database, init.cpp adds the
  // reindex hint. The LevelDB reason (Corruption, IO error) stays in the line, as Core logs it.
  if (err.code === 'LEVEL_DATABASE_NOT_OPEN' && typeof err.dbPath === 'string') {
    const db = err.dbPath;
    const reason = causeText(err);
    if (shape(err.cause).code === 'LEVEL_LOCKED') {
      return `Cannot obtain a lock on ${db}. bitcoind-lite is probably already running.`;
    }
    const which = /(^|\/)blocks\/index$/.test(db)
      ? 'Error opening block database'
      : /(^|\/)chainstate$/.test(db)
        ? 'Error opening coins database'
        : `Error opening database ${db}`;
    return `${which} (${db}: ${reason}).\n${REINDEX_HINT}`;
  }

  // LoadChainTip: the coins' best block must be in the block index.
  if (/best block is not in the block index/.test(message)) {
    return `Error initializing block database (the chainstate's best block is not in the block index).\n${REINDEX_HINT}`;
  }

  // GenerateAuthCookie: Core logs "Unable to open cookie authentication file ... for writing"
  // and stops with "Unable to start HTTP server".
  const dest =
    typeof err.dest === 'string' ? err.dest : typeof err.path === 'string' ? err.path : '';
  if (/(^|\/)\.cookie$/.test(dest)) {
    const why = errnoText(err.code) ?? message;
    return (
      `Unable to open cookie authentication file ${dest} for writing (${why}). ` +
      'Unable to start HTTP server; remove it, or set rpcpassword.'
    );
  }

  // The datadir's network folder (regtest/, testnet3/) is something other than a folder.
  const notDir = /^(.*): not a directory$/.exec(message);
  if (notDir) {
    return (
      `Specified data directory "${notDir[1]}" is not a directory. ` +
      'Move the file out of the way (rename, move, or delete) to let the node create it.'
    );
  }

  const stack = e instanceof Error ? e.stack : undefined;
  return stack ?? message;
}
