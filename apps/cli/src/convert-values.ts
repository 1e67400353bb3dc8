/**
 * Command-line strings to JSON-RPC params, as Core's RPCConvertValues and RPCConvertNamedValues
 * (rpc/client.cpp): parameters listed in CONVERT_PARAMS are parsed as JSON (numbers kept exact),
 * all others are sent as strings. With `-named`, `name=value` arguments become an object and
 * arguments without `=` are collected into `args`, which the server reads as leading positional
 * parameters.
 */
import { defineKey, parseJson, type JsonObject, type JsonValue } from '@bitcoind-lite/rpc';
import { convertByName, convertByPosition, type ConvertParam } from './convert-params.js';

function tryParse(raw: string): JsonValue | undefined {
  try {
    return parseJson(raw);
  } catch {
    return undefined;
  }
}

/** Core's Parse: `json` must parse; `json-or-string` falls back to the text. */
function parse(raw: string, format: ConvertParam['format']): JsonValue {
  const v = tryParse(raw);
  if (v !== undefined) return v;
  if (format === 'json-or-string') return raw;
  throw new Error(`Error parsing JSON: ${raw}`);
}

/** Core's ParseParam. */
function parseParam(param: ConvertParam | undefined, raw: string): JsonValue {
  if (param !== undefined && param.format !== 'string') return parse(raw, param.format);
  return raw;
}

export function convertPositional(method: string, params: readonly string[]): JsonValue[] {
  const out: JsonValue[] = [];
  for (const s of params) out.push(parseParam(convertByPosition(method, out.length), s));
  return out;
}

export function convertNamed(method: string, params: readonly string[]): JsonObject {
  const out: JsonObject = {};
  const positional: JsonValue[] = [];
  for (const s of params) {
    const eq = s.indexOf('=');
    if (eq < 0) {
      positional.push(parseParam(convertByPosition(method, positional.length), s));
      continue;
    }
    const name = s.slice(0, eq);
    const value = s.slice(eq + 1);
    const named = convertByName(method, name);
    if (named === undefined) {
      // Not a known name: it may be a positional JSON value or string containing '='.
      const atPosition = convertByPosition(method, positional.length);
      if (atPosition?.format === 'json') {
        const whole = tryParse(s);
        if (whole !== undefined) {
          positional.push(whole);
          continue;
        }
      } else if (atPosition?.format === 'string') {
        positional.push(s);
        continue;
      }
    }
    // A later value for the same name replaces an earlier one, as Core's pushKV.
    defineKey(out, name, parseParam(named, value));
  }
  if (positional.length > 0 && !Object.hasOwn(out, 'args')) defineKey(out, 'args', positional);
  return out;
}
