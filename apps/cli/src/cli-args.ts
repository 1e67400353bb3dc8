/**
 * bitcoin-cli's command line, as Core's ArgsManager reads it for the client: leading switches
 * (`-name`, `-name=value`, `--name`, `-noname` for false) up to the first argument that does not
 * start with `-`; the rest is the method and its parameters. A later switch overrides an earlier
 * one, as Core's "last one wins" for single-valued options.
 */

export interface CliOptions {
  /** Switches by name without the dash; `-noX` is stored as X = '0'. */
  switches: Map<string, string>;
  /** The method and its parameters, as written. */
  args: string[];
}

export function parseCliArgs(argv: readonly string[]): CliOptions {
  const switches = new Map<string, string>();
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('-') || a === '-') break;
    let body = a.replace(/^--?/, '');
    let value = '';
    const eq = body.indexOf('=');
    if (eq >= 0) {
      value = body.slice(eq + 1);
      body = body.slice(0, eq);
    } else {
      value = '1';
    }
    // Core's InterpretNegatedOption: -nofoo means foo=0 (and -nofoo=0 means foo=1).
    if (body.startsWith('no') && body.length > 2) {
      body = body.slice(2);
      value = value === '0' ? '1' : '0';
    }
    switches.set(body, value);
  }
  return { switches, args: argv.slice(i) };
}

/** Core's GetBoolArg: set and not "0" (an empty value, `-foo=`, counts as true). */
export function boolArg(o: CliOptions, name: string): boolean {
  const v = o.switches.get(name);
  if (v === undefined) return false;
  return v === '' || (v !== '0' && v.toLowerCase() !== 'false');
}

export function stringArg(o: CliOptions, name: string): string | undefined {
  return o.switches.get(name);
}

/** Core's GetIntArg: the leading integer of the value, or the default when unset. */
export function intArg(o: CliOptions, name: string, fallback: number): number {
  const v = o.switches.get(name);
  if (v === undefined) return fallback;
  const n = Number.parseInt(v, 10);
  return Number.isNaN(n) ? 0 : n;
}
