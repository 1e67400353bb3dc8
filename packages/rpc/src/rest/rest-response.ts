/**
 * The shapes and helpers every REST endpoint shares, after Core's rest.cpp: the output format
 * taken from the path's suffix (`.bin`, `.hex`, `.json`), errors as `text/plain` bodies ending in
 * CRLF, Core's "output format not found" text, query parameters, and the integer parsing of
 * Core's ToIntegral (decimal digits only, no sign unless signed, no spaces).
 */
import { fromHex, isHex, reverseBytes, toHex } from '@bitcoind-lite/consensus';
import type { HttpHandlerResponse } from '../http-handler.js';
import { HTTP_BAD_REQUEST, HTTP_NOT_FOUND, HTTP_OK } from '../protocol.js';

export type RestFormat = 'bin' | 'hex' | 'json' | 'undef';

const FORMATS = ['bin', 'hex', 'json'] as const;

/** Core's AvailableDataFormatsString. */
export const AVAILABLE_FORMATS = FORMATS.map((f) => `.${f}`).join(', ');

/** Core's RESTERR: a plain-text body, the message followed by CRLF. */
export function restError(status: number, message: string): HttpHandlerResponse {
  return { status, contentType: 'text/plain', body: `${message}\r\n` };
}

export function formatNotFound(available = AVAILABLE_FORMATS): HttpHandlerResponse {
  return restError(HTTP_NOT_FOUND, `output format not found (available: ${available})`);
}

export function binReply(bytes: Uint8Array): HttpHandlerResponse {
  return { status: HTTP_OK, contentType: 'application/octet-stream', body: bytes };
}

export function hexReply(bytes: Uint8Array): HttpHandlerResponse {
  return { status: HTTP_OK, contentType: 'text/plain', body: `${toHex(bytes)}\n` };
}

export function jsonReply(text: string): HttpHandlerResponse {
  return { status: HTTP_OK, contentType: 'application/json', body: `${text}\n` };
}

/**
 * Core's ParseDataFormat: drops the query string, then a known suffix after the last dot. An
 * unknown suffix leaves the parameter whole and the format undefined.
 */
export function parseDataFormat(uriPart: string): { param: string; format: RestFormat } {
  const q = uriPart.lastIndexOf('?');
  const param = q < 0 ? uriPart : uriPart.slice(0, q);
  const dot = param.lastIndexOf('.');
  if (dot < 0) return { param, format: 'undef' };
  const suffix = param.slice(dot + 1);
  for (const f of FORMATS) {
    if (suffix === f) return { param: param.slice(0, dot), format: f };
  }
  return { param, format: 'undef' };
}

/**
 * Core's GetQueryParameterFromUri: the first value of `key` in the query string, decoded;
 * undefined when absent. A query Core's URI parser rejects throws, as there.
 */
export function getQueryParameter(uriPart: string, key: string): string | undefined {
  const q = uriPart.indexOf('?');
  if (q < 0) return undefined;
  const query = uriPart.slice(q + 1);
  if (/[^A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]/.test(query) || /%(?![0-9a-fA-F]{2})/.test(query)) {
    throw new Error('URI parsing failed, it likely contained RFC 3986 invalid characters');
  }
  return new URLSearchParams(query).get(key) ?? undefined;
}

/** A query-parameter read that answers Core's 400 with the parser's message when it throws. */
export function queryParameterOr(
  uriPart: string,
  key: string,
  fallback: string,
): { value: string } | { error: HttpHandlerResponse } {
  try {
    return { value: getQueryParameter(uriPart, key) ?? fallback };
  } catch (e) {
    return { error: restError(HTTP_BAD_REQUEST, (e as Error).message) };
  }
}

/**
 * Core's ToIntegral for the REST parameters: optional '-' (signed types only), then decimal
 * digits, in range; anything else (empty, '+', spaces, hex) is undefined.
 */
export function toIntegral(text: string, min: number, max: number): number | undefined {
  if (!/^-?[0-9]+$/.test(text)) return undefined;
  if (text.startsWith('-') && min >= 0) return undefined;
  const v = Number(text);
  if (!Number.isSafeInteger(v) || v < min || v > max) return undefined;
  return v;
}

/** Core's uint256::FromHex (also Txid::FromHex): exactly 64 hex digits, display order. */
export function hashFromHex(text: string): Uint8Array | undefined {
  if (text.length !== 64 || !isHex(text)) return undefined;
  return reverseBytes(fromHex(text));
}

/** Core's SanitizeString with SAFE_CHARS_URI, for echoing a bad height back. */
export function sanitizeUriText(text: string): string {
  return text.replace(/[^a-zA-Z0-9!*'();:@&=+$,/?#[\]\-_.~%]/g, '');
}
