/**
 * JSON for the RPC server, written by hand for two reasons JSON.parse / JSON.stringify cannot meet:
 *
 * - Exact numbers. Core's UniValue keeps a number's source text, so `0.1` BTC or a 16-digit amount
 *   reaches AmountFromValue exactly, and a request id `1.0` is echoed back as `1.0`. Here a
 *   parsed number is a `JsonNumber` holding its text.
 * - Exact output. Amounts print as `50.00000000` (Core's ValueFromAmount), which no JS number can
 *   produce; the serializer prints `Amount` and `JsonNumber` values as their text.
 *
 * The parser follows RFC 8259 strictly (as UniValue::read does: no leading zeros, no trailing
 * commas, no control characters in strings), with a depth limit (UniValue's MAX_JSON_DEPTH, 512)
 * and a size limit. Objects keep the first value of a repeated key (UniValue's find_value), and
 * the repeated names are recorded so named parameters can be refused as Core does.
 */

/** A JSON number, kept as its source text. */
export class JsonNumber {
  constructor(readonly text: string) {}

  valueOf(): number {
    return Number(this.text);
  }

  toString(): string {
    return this.text;
  }
}

export type JsonValue =
  null | boolean | string | JsonNumber | JsonValue[] | { [key: string]: JsonValue };

export type JsonObject = { [key: string]: JsonValue };

/** UniValue's MAX_JSON_DEPTH. */
export const MAX_JSON_DEPTH = 512;

export class JsonParseError extends Error {
  override readonly name = 'JsonParseError';
}

const duplicateKeys = new WeakMap<object, string[]>();

/** Keys that appeared more than once in a parsed object (the first value was kept). */
export function repeatedKeys(obj: object): readonly string[] {
  return duplicateKeys.get(obj) ?? [];
}

/** Sets own property `key`, safe for `__proto__` (never touches the prototype). */
export function defineKey(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(obj, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else {
    obj[key] = value;
  }
}

export function hasOwn(obj: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(obj, key);
}

export function isJsonObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof JsonNumber);
}

/** UniValue's type names, as its error messages print them (uvTypeName). */
export function jsonTypeName(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'string') return 'string';
  if (v instanceof JsonNumber || typeof v === 'number' || typeof v === 'bigint') return 'number';
  if (Array.isArray(v)) return 'array';
  return 'object';
}

const NUMBER_RE = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

class Parser {
  private pos = 0;

  constructor(
    private readonly src: string,
    private readonly maxDepth: number,
  ) {}

  fail(what: string): never {
    throw new JsonParseError(`${what} at offset ${this.pos}`);
  }

  skipWs(): void {
    const s = this.src;
    while (this.pos < s.length) {
      const c = s.charCodeAt(this.pos);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) this.pos++;
      else break;
    }
  }

  parseDocument(): JsonValue {
    this.skipWs();
    const v = this.value(0);
    this.skipWs();
    if (this.pos !== this.src.length) this.fail('trailing characters');
    return v;
  }

  value(depth: number): JsonValue {
    if (this.pos >= this.src.length) this.fail('unexpected end');
    const c = this.src[this.pos];
    switch (c) {
      case '{':
        return this.object(depth + 1);
      case '[':
        return this.array(depth + 1);
      case '"':
        return this.string();
      case 't':
        return this.literal('true', true);
      case 'f':
        return this.literal('false', false);
      case 'n':
        return this.literal('null', null);
      default:
        return this.number();
    }
  }

  literal<T>(word: string, v: T): T {
    if (!this.src.startsWith(word, this.pos)) this.fail('invalid literal');
    this.pos += word.length;
    return v;
  }

  number(): JsonNumber {
    NUMBER_RE.lastIndex = this.pos;
    const m = NUMBER_RE.exec(this.src);
    if (m === null) this.fail('unexpected character');
    this.pos += m[0].length;
    return new JsonNumber(m[0]);
  }

  string(): string {
    const s = this.src;
    this.pos++; // opening quote
    let out = '';
    let start = this.pos;
    for (;;) {
      if (this.pos >= s.length) this.fail('unterminated string');
      const c = s.charCodeAt(this.pos);
      if (c === 0x22) {
        out += s.slice(start, this.pos);
        this.pos++;
        return out;
      }
      if (c < 0x20) this.fail('control character in string');
      if (c !== 0x5c) {
        this.pos++;
        continue;
      }
      out += s.slice(start, this.pos);
      const e = s[this.pos + 1];
      this.pos += 2;
      switch (e) {
        case '"':
          out += '"';
          break;
        case '\\':
          out += '\\';
          break;
        case '/':
          out += '/';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          const hex = s.slice(this.pos, this.pos + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('bad \\u escape');
          out += String.fromCharCode(parseInt(hex, 16));
          this.pos += 4;
          break;
        }
        default:
          this.fail('bad escape');
      }
      start = this.pos;
    }
  }

  array(depth: number): JsonValue[] {
    if (depth > this.maxDepth) this.fail('nesting too deep');
    this.pos++;
    const out: JsonValue[] = [];
    this.skipWs();
    if (this.src[this.pos] === ']') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipWs();
      out.push(this.value(depth));
      this.skipWs();
      const c = this.src[this.pos++];
      if (c === ']') return out;
      if (c !== ',') this.fail('expected , or ]');
    }
  }

  object(depth: number): JsonObject {
    if (depth > this.maxDepth) this.fail('nesting too deep');
    this.pos++;
    const out: JsonObject = {};
    this.skipWs();
    if (this.src[this.pos] === '}') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipWs();
      if (this.src[this.pos] !== '"') this.fail('expected key');
      const key = this.string();
      this.skipWs();
      if (this.src[this.pos++] !== ':') this.fail('expected :');
      this.skipWs();
      const v = this.value(depth);
      if (hasOwn(out, key)) {
        const dups = duplicateKeys.get(out) ?? [];
        dups.push(key);
        duplicateKeys.set(out, dups);
      } else {
        defineKey(out, key, v);
      }
      this.skipWs();
      const c = this.src[this.pos++];
      if (c === '}') return out;
      if (c !== ',') this.fail('expected , or }');
    }
  }
}

export interface ParseJsonOptions {
  maxDepth?: number;
  /** Maximum source length in UTF-16 code units. */
  maxLength?: number;
}

/** Parses one JSON document; throws JsonParseError. Numbers become JsonNumber. */
export function parseJson(src: string, options: ParseJsonOptions = {}): JsonValue {
  const maxLength = options.maxLength ?? Infinity;
  if (src.length > maxLength) throw new JsonParseError(`document longer than ${maxLength}`);
  return new Parser(src, options.maxDepth ?? MAX_JSON_DEPTH).parseDocument();
}

/** Decodes UTF-8 strictly (invalid sequences are a parse error, as UniValue's UTF-8 check). */
export function parseJsonBytes(bytes: Uint8Array, options: ParseJsonOptions = {}): JsonValue {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new JsonParseError('invalid UTF-8');
  }
  return parseJson(text, options);
}

/** Converts parsed JSON to plain JS values: every JsonNumber becomes a JS number. */
export function toPlain(v: JsonValue | undefined): unknown {
  if (v instanceof JsonNumber) return Number(v.text);
  if (Array.isArray(v)) return v.map(toPlain);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) defineKey(out, k, toPlain(v[k]));
    return out;
  }
  return v;
}

/** A value printed verbatim by `writeJson` (used by Amount; also JsonNumber). */
export interface RawJson {
  toJsonText(): string;
}

function isRawJson(v: object): v is RawJson {
  return typeof (v as Partial<RawJson>).toJsonText === 'function';
}

/** JSON string escaping as UniValue does it: control characters and DEL as \u00XX. */
function quote(s: string): string {
  // JSON.stringify escapes quotes, backslashes and C0 controls; UniValue also escapes DEL.
  return JSON.stringify(s).replace(/\u007f/g, '\\u007f');
}

/**
 * Serializes a result. Handles JsonNumber, RawJson (Amount), bigint (integer text), numbers
 * (shortest round-trip text; non-finite is a bug), strings, arrays, plain objects (undefined
 * members skipped, as JSON.stringify does). `indent` > 0 pretty-prints in UniValue's layout
 * (`write(indent)`), which bitcoin-cli prints.
 */
export function writeJson(v: unknown, indent = 0, level = 0): string {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'boolean':
      return v ? 'true' : 'false';
    case 'string':
      return quote(v);
    case 'bigint':
      return v.toString();
    case 'number':
      if (!Number.isFinite(v)) throw new TypeError(`writeJson: non-finite number ${v}`);
      // UniValue prints doubles with 16 significant digits (setprecision(16)): difficulty on
      // regtest is 4.656542373906925e-10 there, where JS's shortest form has 17 digits.
      return Number.isInteger(v) && Math.abs(v) < 1e16 ? JSON.stringify(v) : formatDouble(v);
    case 'object':
      break;
    default:
      throw new TypeError(`writeJson: cannot serialize a ${typeof v}`);
  }
  if (v instanceof JsonNumber) return v.text;
  if (isRawJson(v)) return v.toJsonText();
  const nl = indent > 0 ? '\n' : '';
  const pad = indent > 0 ? ' '.repeat(indent * (level + 1)) : '';
  const closePad = indent > 0 ? ' '.repeat(indent * level) : '';
  if (Array.isArray(v)) {
    const items = v.map((x) => pad + writeJson(x, indent, level + 1));
    // UniValue prints an empty container pretty as "[\n]" too (the newline is unconditional).
    return `[${nl}${items.join(`,${nl}`)}${items.length > 0 ? nl : ''}${closePad}]`;
  }
  const o = v as Record<string, unknown>;
  const items: string[] = [];
  for (const k of Object.keys(o)) {
    if (o[k] === undefined) continue;
    items.push(`${pad}${quote(k)}:${indent > 0 ? ' ' : ''}${writeJson(o[k], indent, level + 1)}`);
  }
  return `{${nl}${items.join(`,${nl}`)}${items.length > 0 ? nl : ''}${closePad}}`;
}

/**
 * A double as UniValue's setFloat writes it (an ostream with setprecision(16), i.e. printf's
 * %.16g): exponent form below 1e-4 or from 1e16 on, with at least two exponent digits
 * (4.402501941853555e-07), trailing zeros dropped.
 */
export function formatDouble(v: number): string {
  if (v === 0) return '0';
  const [mantissa, expText] = v.toExponential(15).split('e') as [string, string];
  const exp = Number(expText);
  const trim = (t: string): string => (t.includes('.') ? t.replace(/\.?0+$/, '') : t);
  if (exp < -4 || exp >= 16) {
    const sign = exp < 0 ? '-' : '+';
    return `${trim(mantissa)}e${sign}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  return trim(v.toFixed(Math.max(0, 15 - exp)));
}
