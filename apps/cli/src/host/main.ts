/**
 * bitcoind-lite's bitcoin-cli entry point (`pnpm cli -- ARGS`): the only CLI code that touches the
 * host. It hands runCli the terminal, file reads (the cookie), one HTTP POST and the time, and
 * exits with its status.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { runCli, type CliIo } from '../run-cli.js';
import { postJson } from './http-post.js';

const io: CliIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  readStdin: () => {
    try {
      return readFileSync(0, 'utf8');
    } catch {
      return '';
    }
  },
  readFile: (path) => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  },
  post: postJson,
  nowMs: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  homeDir: homedir(),
};

// `pnpm cli -- ARGS` passes a literal `--` first.
const argv = process.argv.slice(2);
if (argv[0] === '--') argv.shift();
runCli(argv, io).then(
  (status) => {
    process.exitCode = status;
  },
  (e: unknown) => {
    process.stderr.write(`error: ${(e as Error).message}\n`);
    process.exitCode = 1;
  },
);
