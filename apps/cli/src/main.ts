/**
 * bitcoind-lite's bitcoin-cli entry point (`pnpm cli -- ARGS`): wires argv, stdin, stdout and
 * stderr to runCli and exits with its status.
 */
import { readFileSync } from 'node:fs';
import { runCli, type CliIo } from './run-cli.js';

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
