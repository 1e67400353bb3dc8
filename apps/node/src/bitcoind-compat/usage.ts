/**
 * `bitcoind -version` and `bitcoind -help`, in the shape Core prints them (bitcoind.cpp): a
 * version line naming the executable, then for -help the usage line and the options. The option
 * list is generated from the tables, so it always says where each option goes.
 */
import { BITCOIND_ARGS } from '@bitcoind-lite/manifest';
import { CLIENT_VERSION } from '../node.js';
import { FRONT_END_OPTIONS, IGNORED_OPTIONS, UNSUPPORTED_OPTIONS } from './core-options.js';

export function versionText(): string {
  return (
    `bitcoind-lite daemon version ${CLIENT_VERSION} bitcoind\n` +
    'A Bitcoin Core compatible command line in front of the bitcoind-lite launcher: the options\n' +
    'and bitcoin.conf are turned into a capability manifest (see apps/node/README.md).\n'
  );
}

function wrap(names: readonly string[]): string {
  const out: string[] = [];
  let line = ' ';
  for (const n of names) {
    if (line.length + n.length + 2 > 98) {
      out.push(line);
      line = ' ';
    }
    line += ` -${n}`;
  }
  if (line.trim() !== '') out.push(line);
  return out.join('\n');
}

export function helpText(): string {
  const args = Object.keys(BITCOIND_ARGS).filter(
    (n) => !FRONT_END_OPTIONS.has(n) && !(n in IGNORED_OPTIONS),
  );
  return [
    versionText().split('\n')[0],
    '',
    'Usage: bitcoind [options]                     Start bitcoind-lite',
    '',
    'Options read by the launcher (datadir, config, chain, sockets, outbound, clock, log):',
    wrap([...FRONT_END_OPTIONS].filter((n) => n !== 'h' && n !== '?')),
    '',
    "Options passed to the node (the manifest's args:):",
    wrap(args.sort()),
    '',
    'Accepted and ignored (no effect on this node):',
    wrap(Object.keys(IGNORED_OPTIONS)),
    '',
    'Bitcoin Core options refused by this node:',
    wrap(Object.keys(UNSUPPORTED_OPTIONS)),
    '',
    "Options take Core's forms: -name, -name=value, -noname; the same names in bitcoin.conf,",
    'with [main]/[test]/[signet]/[regtest] sections and includeconf=.',
    '',
  ].join('\n');
}
