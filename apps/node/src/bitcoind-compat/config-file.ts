/**
 * bitcoin.conf as Core reads it (common/config.cpp GetConfigOptions): one `name=value` per line,
 * `#` starts a comment, `[section]` prefixes the names that follow (`[regtest]` then `port=1` is
 * `regtest.port`), and `section.name=value` is the same thing written inline. A line starting
 * with `-` or without `=` is a parse error naming the line. Pure: the caller reads the file.
 */

export interface ConfigEntry {
  /** '' for the default (top) section; otherwise main | test | testnet4 | signet | regtest. */
  readonly section: string;
  /** The option name without section and without a `no` prefix. */
  readonly name: string;
  /** `nofoo=1` is `foo` negated; `nofoo=0` is a (discouraged) double negative, i.e. set. */
  readonly negated: boolean;
  readonly value: string;
  /** The key as written, with its section (`regtest.port`), for messages. */
  readonly key: string;
  readonly file: string;
  readonly line: number;
}

export class ConfigError extends Error {}

/** Splits `section.noname` into its parts, as Core's InterpretKey. */
export function interpretKey(key: string): { section: string; name: string; negated: boolean } {
  let section = '';
  const dot = key.indexOf('.');
  if (dot !== -1) {
    section = key.slice(0, dot);
    key = key.slice(dot + 1);
  }
  const negated = key.startsWith('no');
  return { section, name: negated ? key.slice(2) : key, negated };
}

const WHITESPACE = /^[ \t\r\n]+|[ \t\r\n]+$/g;

export function parseConfigText(text: string, file: string): ConfigEntry[] {
  const entries: ConfigEntry[] = [];
  let prefix = '';
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    let str = lines[i]!;
    const hash = str.indexOf('#');
    const usedHash = hash !== -1;
    if (usedHash) str = str.slice(0, hash);
    str = str.replace(WHITESPACE, '');
    if (str === '') continue;
    if (str.startsWith('[') && str.endsWith(']')) {
      prefix = `${str.slice(1, -1)}.`;
      continue;
    }
    if (str.startsWith('-')) {
      throw new ConfigError(
        `parse error on line ${lineNo}: ${str}, options in configuration file must be specified without leading -`,
      );
    }
    const eq = str.indexOf('=');
    if (eq === -1) {
      let msg = `parse error on line ${lineNo}: ${str}`;
      if (str.length >= 2 && str.startsWith('no')) {
        msg += `, if you intended to specify a negated option, use ${str}=1 instead`;
      }
      throw new ConfigError(msg);
    }
    const fullName = prefix + str.slice(0, eq).replace(WHITESPACE, '');
    const value = str.slice(eq + 1).replace(WHITESPACE, '');
    // Core refuses this because `#` may have been meant as part of the password.
    if (usedHash && fullName.includes('rpcpassword')) {
      throw new ConfigError(
        `parse error on line ${lineNo}, using # in rpcpassword can be ambiguous and should be avoided`,
      );
    }
    const key = interpretKey(fullName);
    if (key.name === 'conf') {
      throw new ConfigError(
        'conf cannot be set in the configuration file; use includeconf= if you want to include additional config files',
      );
    }
    entries.push({ ...key, value, key: fullName, file, line: lineNo });
  }
  return entries;
}
