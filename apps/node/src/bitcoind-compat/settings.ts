/**
 * Core's ArgsManager in miniature: the command line and the config files, merged with Core's
 * precedence so that `bin/bitcoind` reads a datadir exactly as `bitcoind` would.
 *
 * - Single values: the last one on the command line wins; otherwise the first one in the chain's
 *   `[section]`; otherwise the first one in the default section (config file values are read
 *   first-wins in Core, command line last-wins).
 * - Lists (`-addnode`, `-debug`, ...): command line, then the chain section, then the default
 *   section, each from after its last negation; a negation stops lower-priority sources.
 * - NETWORK_ONLY options (`port`, `rpcport`, `bind`, ...) in the default section apply to mainnet
 *   only, as in Core.
 * - `-nofoo` is `foo=0`; `-foo` alone is `foo=""`, which Core reads as true for a flag.
 */
import { BITCOIND_ARGS } from '@bitcoind-lite/manifest';
import { interpretKey, type ConfigEntry } from './config-file.js';
import {
  FRONT_END_OPTIONS,
  IGNORED_OPTIONS,
  NETWORK_ONLY_OPTIONS,
  UNSUPPORTED_OPTIONS,
} from './core-options.js';

export interface SettingValue {
  readonly negated: boolean;
  readonly value: string;
}

/** An error printed as Core prints an InitError: `Error: <message>` on stderr, exit 1. */
export class InitError extends Error {}

export function isKnownOption(name: string): boolean {
  return (
    FRONT_END_OPTIONS.has(name) ||
    name in IGNORED_OPTIONS ||
    name in BITCOIND_ARGS ||
    name in UNSUPPORTED_OPTIONS
  );
}

/** Core's InterpretBool: "" (a bare `-foo`) is true, otherwise a non-zero integer is. */
export function interpretBool(value: string): boolean {
  if (value === '') return true;
  const n = parseInt(value, 10);
  return Number.isFinite(n) && n !== 0;
}

function settingOf(negated: boolean, value: string | undefined): SettingValue {
  // `-nofoo=0` is a double negative: Core reads it as set (true).
  if (negated && value !== undefined && !interpretBool(value))
    return { negated: false, value: '1' };
  return { negated, value: negated ? '0' : (value ?? '') };
}

/** argv (without node and script) -> options by name; Core's ParseParameters errors. */
export function parseCommandLine(argv: readonly string[]): Map<string, SettingValue[]> {
  const options = new Map<string, SettingValue[]>();
  for (const arg of argv) {
    if (!arg.startsWith('-')) {
      throw new InitError(
        `Command line contains unexpected token '${arg}', see bitcoind -h for a list of options.`,
      );
    }
    const eq = arg.indexOf('=');
    let key = eq === -1 ? arg : arg.slice(0, eq);
    const value = eq === -1 ? undefined : arg.slice(eq + 1);
    key = key.startsWith('--') ? key.slice(2) : key.slice(1);
    const info = interpretKey(key);
    // Core: unknown names and names with a `section.` are invalid on the command line.
    if (info.section !== '' || !isKnownOption(info.name)) {
      throw new InitError(`Error parsing command line arguments: Invalid parameter ${arg}`);
    }
    if (info.name === 'includeconf' && !info.negated) {
      throw new InitError(
        `-includeconf cannot be used from commandline; -includeconf=${value ?? ''}`,
      );
    }
    const list = options.get(info.name) ?? [];
    list.push(settingOf(info.negated, value));
    options.set(info.name, list);
  }
  return options;
}

/** Values after the last negation, and whether the source held a negation at all. */
function afterNegation(values: readonly SettingValue[]): { values: string[]; negated: boolean } {
  let last = -1;
  values.forEach((v, i) => {
    if (v.negated) last = i;
  });
  return { values: values.slice(last + 1).map((v) => v.value), negated: last !== -1 };
}

export class Settings {
  /** Config entries, in file order, with includes appended after their including file. */
  private config: ConfigEntry[] = [];
  /** The chain's config section: main | test | testnet4 | signet | regtest. */
  private section = '';

  constructor(readonly commandLine: ReadonlyMap<string, SettingValue[]>) {}

  addConfig(entries: readonly ConfigEntry[]): void {
    this.config.push(...entries);
  }

  /** From here on, `[section]` values apply and NETWORK_ONLY default-section values may not. */
  selectChainSection(section: string): void {
    this.section = section;
  }

  /** Every config name that is not a known option (Core warns and ignores these). */
  unknownConfigNames(): string[] {
    return this.config.filter((e) => !isKnownOption(e.name)).map((e) => e.key);
  }

  private sources(name: string): SettingValue[][] {
    const fromConfig = (section: string) =>
      this.config
        .filter((e) => e.name === name && e.section === section)
        .map((e) => settingOf(e.negated, e.value));
    const out: SettingValue[][] = [this.commandLine.get(name) ?? []];
    if (this.section !== '') out.push(fromConfig(this.section));
    const ignoreDefault = NETWORK_ONLY_OPTIONS.has(name) && this.section !== 'main';
    if (!ignoreDefault || this.section === '') out.push(fromConfig(''));
    return out;
  }

  /** Core's GetArg: the winning single value ('0' when negated), or undefined when unset. */
  get(name: string): string | undefined {
    const [cli, ...config] = this.sources(name);
    if (cli!.length > 0) return cli![cli!.length - 1]!.value;
    for (const source of config) if (source.length > 0) return source[0]!.value;
    return undefined;
  }

  isSet(name: string): boolean {
    return this.get(name) !== undefined;
  }

  getBool(name: string, fallback: boolean): boolean {
    const v = this.get(name);
    return v === undefined ? fallback : interpretBool(v);
  }

  /** Core's IsArgNegated: the winning setting is a negation (`-noconnect`). */
  isNegated(name: string): boolean {
    const [cli, ...config] = this.sources(name);
    if (cli!.length > 0) return cli![cli!.length - 1]!.negated;
    for (const source of config) if (source.length > 0) return source[0]!.negated;
    return false;
  }

  /** Core's GetArgs for a repeatable option. */
  getList(name: string): string[] {
    const out: string[] = [];
    for (const source of this.sources(name)) {
      const { values, negated } = afterNegation(source);
      out.push(...values);
      if (negated) break;
    }
    return out;
  }

  /** Every option name set anywhere (command line or an applicable config section). */
  names(): string[] {
    const names = new Set<string>(this.commandLine.keys());
    for (const e of this.config) {
      if (e.section === '' || e.section === this.section) names.add(e.name);
    }
    return [...names].filter((n) => this.sources(n).some((s) => s.length > 0));
  }
}
