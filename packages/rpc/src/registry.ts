/**
 * The method table, as Core's CRPCTable plus RPCHelpMan: each method declares its parameters;
 * the table maps named parameters to positions (transformNamedArguments), checks the count and
 * the JSON types with Core's messages, converts values for the handler, and builds help text.
 */
import type { Clock, Logger } from '@bitcoind-lite/runtime';
import { AmountFromValue } from './amount.js';
import {
  defineKey,
  hasOwn,
  isJsonObject,
  jsonTypeName,
  JsonNumber,
  repeatedKeys,
  toPlain,
  writeJson,
  type JsonObject,
  type JsonValue,
} from './json.js';
import {
  RPC_IN_WARMUP,
  RPC_INVALID_PARAMETER,
  RPC_METHOD_NOT_FOUND,
  RPC_MISC_ERROR,
  RPC_TYPE_ERROR,
  RpcError,
} from './protocol.js';

/**
 * Parameter types, after Core's RPCArg::Type. `hex` is STR_HEX (checked as a string; the
 * handler validates the hex), `amount` arrives as bigint satoshis, `range` is a number or a
 * [begin, end] pair, `any` is not checked. `int` is a NUM that Core reads with
 * `UniValue::getInt<T>()`: it arrives as a number, and anything but an integer literal within
 * the C++ type's range (`min`/`max`, default `int`) is "JSON integer out of range" (code -1).
 * `number` is a NUM Core reads as a real (`get_real`).
 */
export type RpcParamType =
  'string' | 'hex' | 'number' | 'int' | 'boolean' | 'object' | 'array' | 'amount' | 'range' | 'any';

/** The ranges of the C++ integer types Core's getInt<T> parses into, for `int` parameters. */
export const CPP_INT = { min: -(2n ** 31n), max: 2n ** 31n - 1n } as const;
export const CPP_UINT32 = { min: 0n, max: 2n ** 32n - 1n } as const;
export const CPP_INT64 = { min: -(2n ** 63n), max: 2n ** 63n - 1n } as const;

/**
 * UniValue::getInt<T>: std::from_chars over the number's JSON text must consume all of it and
 * fit T. So 1.0, 1e2 and 1.5 fail, as does -0 for an unsigned T (from_chars takes no sign
 * there). The failure is a std::runtime_error, which the RPC layer reports as RPC_MISC_ERROR.
 */
export function getIntFromJson(
  v: JsonNumber,
  range: { min: bigint; max: bigint } = CPP_INT,
): number {
  const text = v.text;
  const ok = /^-?[0-9]+$/.test(text) && !(range.min >= 0n && text.startsWith('-'));
  const n = ok ? BigInt(text) : undefined;
  if (n === undefined || n < range.min || n > range.max) {
    throw new RpcError(RPC_MISC_ERROR, 'JSON integer out of range');
  }
  return Number(n);
}

export interface RpcParam {
  /** The name; aliases separated by `|` as Core writes them (`"verbosity|verbose"`). */
  name: string;
  type: RpcParamType;
  optional?: boolean;
  /** Given to the handler when the parameter is absent or null; printed in help. */
  default?: unknown;
  description?: string;
  /** How the parameter is shown in the usage line (default: `"name"` or `name`). */
  usage?: string;
  /** Left out of help, as Core's RPCArgOptions.hidden (e.g. `stop`'s test-only `wait`). */
  hidden?: boolean;
  /** What help prints as the default when it is not the JSON of `default` ("one month"). */
  defaultHint?: string;
  /** The type help prints when the checked type is looser than Core's ("json array"). */
  helpType?: string;
  /** For `int`: the C++ type's range (CPP_INT, CPP_UINT32, CPP_INT64); default CPP_INT. */
  min?: bigint;
  max?: bigint;
}

export type JsonRpcVersion = 1 | 2;

/** What a handler knows about the call besides its parameters. */
export interface RpcContext {
  readonly method: string;
  /** The user name from HTTP basic auth (`__cookie__` for cookie auth). */
  readonly authUser: string;
  /** The wallet named by a `/wallet/<name>` URI, undecoded-safe (URL-decoded). */
  readonly wallet: string | undefined;
  readonly uri: string;
  readonly peerAddr: string;
  /** The positional parameters as parsed, numbers still exact (JsonNumber). */
  readonly rawParams: readonly JsonValue[];
  /** Runs `fn` after the HTTP reply has been written (Core's `stop` replies, then shuts down). */
  afterReply(fn: () => void): void;
}

export type RpcHandler = (params: Record<string, unknown>, ctx: RpcContext) => unknown;

export interface RpcMethod {
  name: string;
  /** Core's category name, lowercase: `blockchain`, `control`, `mining`, ...; `hidden` is unlisted. */
  category: string;
  params: RpcParam[];
  description: string;
  /** The "Result:" section of the help text. */
  result?: string;
  /** The "Examples:" section of the help text. */
  examples?: string;
  handler: RpcHandler;
}

/** The inputs of one call, once the JSON-RPC envelope has been read. */
export interface RpcCall {
  method: string;
  params: JsonValue[] | JsonObject;
  authUser: string;
  uri: string;
  peerAddr: string;
  wallet: string | undefined;
  afterReply(fn: () => void): void;
}

function expectedJsonType(t: RpcParamType): string | undefined {
  switch (t) {
    case 'string':
    case 'hex':
      return 'string';
    case 'number':
    case 'int':
      return 'number';
    case 'boolean':
      return 'bool'; // UniValue's uvTypeName
    case 'object':
      return 'object';
    case 'array':
      return 'array';
    default:
      return undefined; // amount, range, any: the handler's conversion checks them
  }
}

function helpTypeName(t: RpcParamType): string {
  switch (t) {
    case 'string':
    case 'hex':
      return 'string';
    case 'number':
    case 'int':
      return 'numeric';
    case 'boolean':
      return 'boolean';
    case 'object':
      return 'json object';
    case 'array':
      return 'json array';
    case 'amount':
      return 'numeric or string';
    case 'range':
      return 'numeric or array';
    case 'any':
      return 'any';
  }
}

function primaryName(p: RpcParam): string {
  return p.name.split('|')[0] ?? p.name;
}

/** Core's transformNamedArguments: a named-parameter object to positions, nulls in holes. */
export function namedToPositional(params: JsonObject, spec: readonly RpcParam[]): JsonValue[] {
  const repeated = repeatedKeys(params);
  if (repeated.length > 0) {
    throw new RpcError(RPC_INVALID_PARAMETER, `Parameter ${repeated[0]} specified multiple times`);
  }
  const left = new Map<string, JsonValue>(Object.keys(params).map((k) => [k, params[k]!]));
  const out: JsonValue[] = [];
  let hole = 0;
  let initialHole = 0;
  let initialParam: string | undefined;
  for (const p of spec) {
    const found = p.name.split('|').find((n) => left.has(n));
    if (found !== undefined) {
      // Nulls fill gaps between given parameters, never after the last one: Core keeps
      // the count of given parameters meaningful for methods that branch on it.
      for (let i = 0; i < hole; i++) out.push(null);
      hole = 0;
      initialParam ??= p.name;
      out.push(left.get(found)!);
      left.delete(found);
    } else {
      hole++;
      if (out.length === 0) initialHole = hole;
    }
  }
  // `args` carries positional parameters next to named ones (doc/JSON-RPC-interface.md).
  // Core extracts `args` whatever its type and uses it only when it is an array.
  const args = left.get('args');
  left.delete('args');
  if (Array.isArray(args)) {
    if (initialParam !== undefined && initialHole < args.length) {
      throw new RpcError(
        RPC_INVALID_PARAMETER,
        `Parameter ${initialParam} specified twice both as positional and named argument`,
      );
    }
    const named = out;
    const merged: JsonValue[] = [...args];
    for (let i = merged.length; i < named.length; i++) merged.push(named[i]!);
    out.length = 0;
    out.push(...merged);
  }
  const unknown = left.keys().next();
  if (!unknown.done) {
    throw new RpcError(RPC_INVALID_PARAMETER, `Unknown named parameter ${unknown.value}`);
  }
  return out;
}

export class RpcTable {
  private readonly methods = new Map<string, RpcMethod>();
  private warmupStatus: string | undefined;
  /** Calls in progress, for getrpcinfo (Core's RPCServerInfo::active_commands). */
  private readonly active = new Set<{ method: string; startMonotonicMs: number }>();

  constructor(
    private readonly logger: Logger,
    private readonly clock: Clock,
    warmup: string | undefined = 'RPC server started',
  ) {
    if (logger === undefined) throw new TypeError('RpcTable: logger is required');
    if (clock === undefined) throw new TypeError('RpcTable: clock is required');
    this.warmupStatus = warmup;
  }

  activeCommands(): { method: string; durationUs: number }[] {
    const now = this.clock.monotonicMs();
    return [...this.active].map((a) => ({
      method: a.method,
      durationUs: Math.round((now - a.startMonotonicMs) * 1000),
    }));
  }

  register(method: RpcMethod): void {
    if (this.methods.has(method.name)) {
      throw new Error(`RpcTable: method ${method.name} is already registered`);
    }
    // A required parameter may follow optional ones, as in Core's prioritisetransaction
    // (txid, dummy, fee_delta): the count check then requires every position up to it.
    this.methods.set(method.name, method);
  }

  get(name: string): RpcMethod | undefined {
    return this.methods.get(name);
  }

  list(): RpcMethod[] {
    return [...this.methods.values()];
  }

  /** Core's SetRPCWarmupStatus / SetRPCWarmupFinished: a status string, or undefined when ready. */
  setWarmup(status: string | undefined): void {
    this.warmupStatus = status;
  }

  warmup(): string | undefined {
    return this.warmupStatus;
  }

  /** Core's CRPCTable::execute followed by RPCHelpMan::HandleRequest. */
  async execute(call: RpcCall): Promise<unknown> {
    if (this.warmupStatus !== undefined) throw new RpcError(RPC_IN_WARMUP, this.warmupStatus);
    const method = this.methods.get(call.method);
    if (method === undefined) throw new RpcError(RPC_METHOD_NOT_FOUND, 'Method not found');

    const positional = Array.isArray(call.params)
      ? call.params
      : namedToPositional(call.params, method.params);
    if (!this.validArgCount(method, positional.length)) {
      // Core answers a wrong count with the method's help text, as RPC_MISC_ERROR.
      throw new RpcError(RPC_MISC_ERROR, this.helpText(method));
    }
    this.checkTypes(method, positional);
    const params = this.convert(method, positional);

    const ctx: RpcContext = {
      method: method.name,
      authUser: call.authUser,
      wallet: call.wallet,
      uri: call.uri,
      peerAddr: call.peerAddr,
      rawParams: positional,
      afterReply: call.afterReply,
    };
    const entry = { method: method.name, startMonotonicMs: this.clock.monotonicMs() };
    this.active.add(entry);
    try {
      return await method.handler(params, ctx);
    } catch (e) {
      if (e instanceof RpcError) throw e;
      // Core's ExecuteCommand turns any std::exception into RPC_MISC_ERROR with its text.
      const message = e instanceof Error ? e.message : String(e);
      this.logger.debug('rpc', `${method.name} failed: ${message}`);
      throw new RpcError(RPC_MISC_ERROR, message);
    } finally {
      this.active.delete(entry);
    }
  }

  /** Core's IsValidNumArgs: at least up to the last required parameter, at most all. */
  private validArgCount(method: RpcMethod, n: number): boolean {
    let required = 0;
    method.params.forEach((p, i) => {
      if (!p.optional && p.default === undefined) required = i + 1;
    });
    return required <= n && n <= method.params.length;
  }

  private checkTypes(method: RpcMethod, positional: readonly JsonValue[]): void {
    const mismatch: Record<string, string> = {};
    method.params.forEach((p, i) => {
      const v = positional[i];
      const optional = p.optional || p.default !== undefined;
      if (optional && (v === undefined || v === null)) return;
      const expected = expectedJsonType(p.type);
      if (expected === undefined) return;
      const got = jsonTypeName(v);
      if (got !== expected) {
        defineKey(
          mismatch,
          `Position ${i + 1} (${p.name})`,
          `JSON value of type ${got} is not of expected type ${expected}`,
        );
      }
    });
    if (Object.keys(mismatch).length > 0) {
      throw new RpcError(RPC_TYPE_ERROR, `Wrong type passed:\n${writeJson(mismatch, 4)}`);
    }
  }

  private convert(method: RpcMethod, positional: readonly JsonValue[]): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    method.params.forEach((p, i) => {
      const v = positional[i];
      let value: unknown;
      if (v === undefined || (v === null && (p.optional || p.default !== undefined))) {
        value = p.default;
      } else if (p.type === 'amount') {
        value = AmountFromValue(v);
      } else if (p.type === 'int' && v instanceof JsonNumber) {
        value = getIntFromJson(v, { min: p.min ?? CPP_INT.min, max: p.max ?? CPP_INT.max });
      } else if (p.type === 'number' && v instanceof JsonNumber) {
        value = Number(v.text);
      } else {
        value = toPlain(v);
      }
      defineKey(out, primaryName(p), value);
    });
    return out;
  }

  /** Core's RPCHelpMan::ToString: usage, description, arguments, result, examples. */
  helpText(method: RpcMethod): string {
    // Core's usage line: optional runs in "( ... )", closed again before a required argument
    // (prioritisetransaction "txid" ( dummy ) fee_delta); hidden arguments end the line.
    let usage = method.name;
    let wasOptional = false;
    const shown: RpcParam[] = [];
    for (const p of method.params) {
      if (p.hidden) break;
      shown.push(p);
      const optional = p.optional || p.default !== undefined;
      usage += ' ';
      if (optional) {
        if (!wasOptional) usage += '( ';
        wasOptional = true;
      } else {
        if (wasOptional) usage += ') ';
        wasOptional = false;
      }
      const quoted = p.type === 'string' || p.type === 'hex';
      usage += p.usage ?? (quoted ? `"${primaryName(p)}"` : primaryName(p));
    }
    if (wasOptional) usage += ' )';
    let text = `${usage}\n\n${method.description.trim()}\n`;
    if (shown.length > 0) {
      text += '\nArguments:\n';
      // Core's Sections::ToString: the left column padded to the widest entry plus four.
      const lefts = shown.map((p, i) => `${i + 1}. ${primaryName(p)}`);
      const width = Math.max(...lefts.map((l) => l.length)) + 4;
      shown.forEach((p, i) => {
        const optional = p.optional || p.default !== undefined;
        let req = 'required';
        if (optional) {
          const shownDefault =
            p.defaultHint ?? (p.default === undefined ? undefined : writeJson(p.default));
          req = shownDefault === undefined ? 'optional' : `optional, default=${shownDefault}`;
        }
        const lines = (p.description ?? '').split('\n');
        const first = lines[0] ? ` ${lines[0]}` : '';
        text += `${lefts[i]!.padEnd(width)}(${p.helpType ?? helpTypeName(p.type)}, ${req})${first}\n`;
        for (const more of lines.slice(1)) text += `${' '.repeat(width)}${more}\n`;
      });
    }
    if (method.result !== undefined) {
      // Several results ("Result (for verbosity = 0):" ...) carry their own headers.
      const result = method.result.trim();
      text += result.startsWith('Result') ? `\n${result}\n` : `\nResult:\n${result}\n`;
    }
    if (method.examples !== undefined) {
      // Core ends the help with the examples and their final newline.
      return `${text}\nExamples:\n${method.examples.replace(/\n+$/, '')}\n`;
    }
    return text.trimEnd();
  }

  /**
   * Core's CRPCTable::help: with no command, the first line of each method's help grouped under
   * "== Category ==" headers, sorted by category then name; with a command, its full help.
   */
  help(command: string | undefined): string {
    if (command !== undefined && command !== '') {
      const method = this.methods.get(command);
      if (method === undefined) return `help: unknown command: ${command}`;
      return this.helpText(method);
    }
    const sorted = [...this.methods.values()]
      .filter((m) => m.category !== 'hidden')
      .sort((a, b) => {
        const ka = a.category + a.name;
        const kb = b.category + b.name;
        return ka < kb ? -1 : ka > kb ? 1 : 0;
      });
    let out = '';
    let category = '';
    for (const m of sorted) {
      if (m.category !== category) {
        if (category !== '') out += '\n';
        category = m.category;
        out += `== ${category.charAt(0).toUpperCase()}${category.slice(1)} ==\n`;
      }
      out += `${this.helpText(m).split('\n')[0]}\n`;
    }
    return out.replace(/\n$/, '');
  }
}

/** Core's HelpExampleCli: one "> bitcoin-cli" line. */
export function exampleCli(method: string, args: string): string {
  return `> bitcoin-cli ${method} ${args}\n`;
}

/** Core's HelpExampleRpc: the same call as a curl command with a JSON-RPC 2.0 body. */
export function exampleRpc(method: string, args: string): string {
  return (
    `> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "${method}", "params": [${args}]}'` +
    ` -H 'content-type: application/json' http://127.0.0.1:8332/\n`
  );
}

/** For handlers that accept an options object: reads a member that may be absent. */
export function member(obj: unknown, key: string): unknown {
  return isJsonObject(obj) && hasOwn(obj, key) ? obj[key] : undefined;
}
