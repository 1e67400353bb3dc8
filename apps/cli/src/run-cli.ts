/**
 * One bitcoin-cli invocation: `pnpm cli -- [options] <command> [params]`. Sends one JSON-RPC
 * request and prints the reply as bitcoin-cli does (bitcoin-cli.cpp, CommandLineRPC): a string
 * result raw, null as nothing, anything else as JSON indented by 2; an RPC error on stderr as
 * "error code: N\nerror message:\nMSG" with exit status |N|; other failures as "error: ..." with
 * exit status 1.
 *
 * A client application: it reads argv, the cookie file and the network directly, which the node's
 * packages never do.
 */
import { isAbsolute, join } from 'node:path';
import { parseJson, writeJson, isJsonObject, type JsonValue } from '@bitcoind-lite/rpc';
import { boolArg, intArg, parseCliArgs, stringArg, type CliOptions } from './cli-args.js';
import { CHAIN_DIRS, RPC_PORTS, isChainName, type ChainName } from './chain-ports.js';
import { convertNamed, convertPositional } from './convert-values.js';
import { ConnectionFailed, type HttpPost } from './connection.js';
import { USAGE } from './usage.js';

/** Core's DEFAULT_HTTP_CLIENT_TIMEOUT, seconds. */
const DEFAULT_HTTP_CLIENT_TIMEOUT_SEC = 900;
const DEFAULT_RPCCONNECT = '127.0.0.1';
const RPC_IN_WARMUP = -28;

class CliError extends Error {}

/**
 * What the CLI may touch, handed in by its entry point (host/main.ts): the terminal, the cookie
 * file, one HTTP POST to the node, and the time (for -rpcwait).
 */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  readStdin(): string;
  /** A file's text, or undefined when it cannot be read (the cookie). */
  readFile(path: string): string | undefined;
  post: HttpPost;
  nowMs(): number;
  sleep(ms: number): Promise<void>;
  /** The user's home folder: the default datadir is ~/.bitcoin, as bitcoin-cli's. */
  homeDir: string;
}

/** Core's SelectBaseParams via -chain / -regtest / -testnet / -testnet4 / -signet. */
function chainOf(o: CliOptions): ChainName {
  const picked: ChainName[] = [];
  for (const [flag, chain] of [
    ['regtest', 'regtest'],
    ['testnet', 'test'],
    ['testnet4', 'testnet4'],
    ['signet', 'signet'],
  ] as const) {
    if (boolArg(o, flag)) picked.push(chain);
  }
  const named = stringArg(o, 'chain');
  if (named !== undefined) {
    const c = named === 'testnet3' ? 'test' : named;
    if (!isChainName(c)) throw new CliError(`Invalid chain type: ${named}`);
    picked.push(c);
  }
  if (picked.length > 1) {
    throw new CliError(
      'Invalid combination of -regtest, -signet, -testnet, -testnet4 and -chain. Can use at most one.',
    );
  }
  return picked[0] ?? 'main';
}

/** Core's SplitHostPort for -rpcconnect: "host", "host:port", "[v6]" or "[v6]:port". */
function splitHostPort(s: string): { host: string; port: number } | undefined {
  const v6 = /^\[([^\]]*)\](?::(\d+))?$/.exec(s);
  if (v6) return { host: v6[1]!, port: v6[2] === undefined ? 0 : validPort(v6[2]) };
  const colon = s.lastIndexOf(':');
  if (colon >= 0 && s.indexOf(':') === colon) {
    return { host: s.slice(0, colon), port: validPort(s.slice(colon + 1)) };
  }
  return { host: s, port: 0 };
}

function validPort(s: string): number {
  const n = /^\d+$/.test(s) ? Number(s) : 0;
  return n > 0 && n <= 65535 ? n : -1;
}

function datadirOf(o: CliOptions, io: CliIo): string {
  return stringArg(o, 'datadir') ?? join(io.homeDir, '.bitcoin');
}

/** Core's GetAuthCookie: -rpccookiefile relative to the network's folder in the datadir. */
function readCookie(o: CliOptions, chain: ChainName, io: CliIo): string | undefined {
  const file = stringArg(o, 'rpccookiefile') ?? '.cookie';
  const path = isAbsolute(file) ? file : join(datadirOf(o, io), CHAIN_DIRS[chain], file);
  return io.readFile(path)?.split('\n')[0];
}

interface Call {
  method: string;
  params: JsonValue;
}

async function callRpc(o: CliOptions, chain: ChainName, call: Call, io: CliIo): Promise<JsonValue> {
  const rpcconnect = stringArg(o, 'rpcconnect') ?? DEFAULT_RPCCONNECT;
  const split = splitHostPort(rpcconnect);
  if (split === undefined || split.port < 0) {
    throw new CliError(`Invalid port provided in -rpcconnect: ${rpcconnect}`);
  }
  const { host } = split;
  let port = split.port > 0 ? split.port : RPC_PORTS[chain];
  const rpcport = stringArg(o, 'rpcport');
  if (rpcport !== undefined) {
    const p = validPort(rpcport);
    if (p <= 0) throw new CliError(`Invalid port provided in -rpcport: ${rpcport}`);
    port = p;
  }
  const timeoutSec = intArg(o, 'rpcclienttimeout', DEFAULT_HTTP_CLIENT_TIMEOUT_SEC);

  const password = stringArg(o, 'rpcpassword') ?? '';
  let credentials: string;
  let cookieState: 'none' | 'ok' | 'error' = 'none';
  if (password === '') {
    const cookie = readCookie(o, chain, io);
    cookieState = cookie === undefined ? 'error' : 'ok';
    credentials = cookie ?? '';
  } else {
    credentials = `${stringArg(o, 'rpcuser') ?? ''}:${password}`;
  }

  const wallet = stringArg(o, 'rpcwallet');
  const path = wallet === undefined ? '/' : `/wallet/${encodeURIComponent(wallet)}`;
  // bitcoin-cli sends JSON-RPC 2.0 with id 1 (Core 28 and later).
  const body = `${writeJson({ method: call.method, params: call.params, id: 1, jsonrpc: '2.0' })}\n`;

  const response = await io
    .post({
      host,
      port,
      path,
      credentials,
      body,
      timeoutMs: timeoutSec > 0 ? timeoutSec * 1000 : 0,
    })
    .catch((e: unknown) => {
      if (!(e instanceof ConnectionFailed)) throw e;
      // libevent reported a refused or dropped connection as error 1, "EOF reached".
      throw new ConnectionFailed(
        `Could not connect to the server ${host}:${port} (error code 1 - "EOF reached")\n\n` +
          'Make sure the bitcoind server is running and that you are connecting to the correct RPC port.\n' +
          'Use "bitcoin-cli -help" for more info.',
      );
    });

  const configFile = join(datadirOf(o, io), 'bitcoin.conf');
  if (response.status === 401) {
    let why = 'Incorrect rpcuser or rpcpassword were specified.';
    if (cookieState === 'error')
      why = 'Failed to read cookie file and no rpcpassword was specified.';
    if (cookieState === 'ok') {
      why = 'Cookie file credentials were invalid and no rpcpassword was specified.';
    }
    throw new CliError(`Authorization failed: ${why} Configuration file: (${configFile})`);
  }
  if (response.status === 503) throw new CliError(`Server response: ${response.body}`);
  if (response.status >= 400 && ![400, 404, 500].includes(response.status)) {
    throw new CliError(`server returned HTTP error ${response.status}`);
  }
  if (response.body === '') throw new CliError('no response from server');
  let reply: JsonValue;
  try {
    reply = parseJson(response.body);
  } catch {
    throw new CliError("couldn't parse reply from server");
  }
  if (!isJsonObject(reply) || Object.keys(reply).length === 0) {
    throw new CliError('expected reply to have result, error and id properties');
  }
  return reply;
}

/** Core's ConnectAndCallRPC: with -rpcwait, retries connection failures and warmup each second. */
async function connectAndCall(
  o: CliOptions,
  chain: ChainName,
  call: Call,
  io: CliIo,
): Promise<JsonValue> {
  const wait = boolArg(o, 'rpcwait');
  const waitSec = intArg(o, 'rpcwaittimeout', 0);
  const deadline = io.nowMs() + waitSec * 1000;
  for (;;) {
    try {
      const reply = await callRpc(o, chain, call, io);
      const error = isJsonObject(reply) ? reply.error : null;
      if (wait && isJsonObject(error) && Number(String(error.code)) === RPC_IN_WARMUP) {
        throw new ConnectionFailed('server in warmup');
      }
      return reply;
    } catch (e) {
      if (!(e instanceof ConnectionFailed)) throw e;
      if (wait && (waitSec <= 0 || io.nowMs() < deadline)) {
        await io.sleep(1000);
      } else if (wait) {
        throw new CliError(`timeout on transient error: ${e.message}`);
      } else {
        throw new CliError(e.message);
      }
    }
  }
}

/** Core's ParseError: the text for stderr and the exit status |code|. */
function formatError(error: JsonValue): { text: string; status: number } {
  if (!isJsonObject(error)) return { text: `error: ${writeJson(error)}`, status: 1 };
  let text = '';
  const code = error.code;
  if (code !== undefined && code !== null) text = `error code: ${writeJson(code)}\n`;
  if (typeof error.message === 'string') text += `error message:\n${error.message}`;
  const n = Math.abs(Number(writeJson(code ?? null)));
  return { text, status: Number.isFinite(n) && n !== 0 ? n : 1 };
}

/** Runs one bitcoin-cli invocation; returns the exit status. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const o = parseCliArgs(argv);
  if (boolArg(o, 'help') || boolArg(o, 'h') || boolArg(o, '?')) {
    io.stdout(USAGE);
    return 0;
  }
  let out = '';
  let status = 0;
  try {
    const chain = chainOf(o);
    const args = [...o.args];
    if (boolArg(o, 'stdinrpcpass')) {
      const line = io.readStdin().split('\n')[0];
      if (line === undefined) {
        throw new CliError('-stdinrpcpass specified but failed to read from standard input');
      }
      o.switches.set('rpcpassword', line);
    }
    if (boolArg(o, 'stdin')) {
      const text = io.readStdin();
      const lines = text.split('\n');
      if (lines.at(-1) === '') lines.pop();
      args.push(...lines);
    }
    let call: Call;
    if (boolArg(o, 'getinfo')) {
      throw new CliError('-getinfo is not supported by this client; call getblockchaininfo');
    } else {
      if (args.length < 1) throw new CliError('too few parameters (need at least command)');
      const method = args.shift()!;
      const params = boolArg(o, 'named')
        ? convertNamed(method, args)
        : convertPositional(method, args);
      call = { method, params };
    }
    const reply = await connectAndCall(o, chain, call, io);
    const obj = reply as Record<string, JsonValue>;
    const error = obj.error ?? null;
    if (error === null) {
      const result = obj.result ?? null;
      if (result !== null) out = typeof result === 'string' ? result : writeJson(result, 2);
    } else {
      ({ text: out, status } = formatError(error));
    }
  } catch (e) {
    out = `error: ${(e as Error).message}`;
    status = 1;
  }
  if (out !== '') (status === 0 ? io.stdout : io.stderr)(`${out}\n`);
  return status;
}
