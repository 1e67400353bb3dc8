import { describe, expect, it } from 'vitest';
import { ManifestError, parseManifest, type Manifest } from '../src/index.js';

const BASE = '/srv/node';

/** The shipped manifest's shape, line by line, so cases below can swap one line. */
const GOOD = [
  'network: regtest', //                        1
  'datadir: !dir', //                           2
  '  path: ./data', //                          3
  'console: !fd stdout', //                     4
  'rpc: !socket', //                            5
  '  bind: 127.0.0.1:18443', //                 6
  'p2p: !socket', //                            7
  '  bind: 127.0.0.1:18444', //                 8
  'entropy: !random os', //                     9
];

function parse(lines: string[] | string): Manifest {
  return parseManifest(Array.isArray(lines) ? lines.join('\n') + '\n' : lines, 'node.yaml', BASE);
}

function errorOf(lines: string[] | string): ManifestError {
  try {
    parse(lines);
  } catch (e) {
    expect(e).toBeInstanceOf(ManifestError);
    return e as ManifestError;
  }
  throw new Error('expected a ManifestError');
}

/** GOOD with line `n` (1-based) replaced by `text` (several lines allowed, or none). */
function edit(n: number, ...text: string[]): string[] {
  return [...GOOD.slice(0, n - 1), ...text, ...GOOD.slice(n)];
}

describe('a good manifest', () => {
  it('parses the shipped shape', () => {
    const m = parse(GOOD);
    expect(m.network).toBe('regtest');
    expect(m.datadir).toEqual({
      at: { file: 'node.yaml', line: 2, col: 1 },
      path: '/srv/node/data',
    });
    expect(m.console?.fd).toBe('stdout');
    expect(m.rpc).toMatchObject({ kind: 'bind', bind: { host: '127.0.0.1', port: 18443 } });
    expect(m.p2p).toMatchObject({ kind: 'bind', bind: { host: '127.0.0.1', port: 18444 } });
    expect(m.entropy.kind).toBe('os');
    expect(m.outbound).toBeUndefined();
    expect(m.clock).toBeUndefined();
    expect(m.loadblock).toEqual([]);
    expect(m.args).toEqual({});
    expect(m.confine).toBe('off');
  });

  it('reads every key of DESIGN.md', () => {
    const m = parse([
      ...GOOD.slice(0, 8),
      'outbound: !socks5',
      '  proxy: 127.0.0.1:9050',
      'entropy: !random {seed: 00ff1234}',
      'clock: !mock',
      '  time: 1700000000',
      'loadblock: !file',
      '  path: /blocks/bootstrap.dat',
      'wallets: !dir',
      '  path: ./wallets',
      'args:',
      '  rpcuser: test',
      '  rpcpassword: 1234',
      '  debug: [rpc, net]',
      '  connect: 127.0.0.1:18445',
      '  txindex: 1',
      '  listen: false',
      '  dbcache: 450',
      '  minrelaytxfee: 0.00001',
      'confine: best-effort',
    ]);
    expect(m.outbound).toMatchObject({ kind: 'socks5', proxy: { host: '127.0.0.1', port: 9050 } });
    expect(m.entropy).toMatchObject({ kind: 'seed', seed: Uint8Array.of(0, 0xff, 0x12, 0x34) });
    expect(m.clock).toMatchObject({ kind: 'mock', timeSeconds: 1_700_000_000 });
    expect(m.loadblock.map((f) => f.path)).toEqual(['/blocks/bootstrap.dat']);
    expect(m.wallets?.path).toBe('/srv/node/wallets');
    expect(m.args).toEqual({
      rpcuser: 'test',
      rpcpassword: '1234',
      debug: ['rpc', 'net'],
      connect: ['127.0.0.1:18445'],
      txindex: true,
      listen: false,
      dbcache: 450,
      minrelaytxfee: '0.00001',
    });
    expect(m.argsAt['debug']).toEqual({ file: 'node.yaml', line: 21, col: 3 });
    expect(m.confine).toBe('best-effort');
  });

  it('reads !direct with and without an allow list, and an inherited socket', () => {
    const open = parse([...GOOD, 'outbound: !direct']);
    expect(open.outbound).toEqual({ at: expect.anything(), kind: 'direct' });
    const limited = parse([
      ...GOOD,
      'outbound: !direct {allow: [127.0.0.1:18445, "[::1]:8333", seed.example:8333]}',
    ]);
    expect(limited.outbound).toMatchObject({
      allow: [
        { host: '127.0.0.1', port: 18445 },
        { host: '::1', port: 8333 },
        { host: 'seed.example', port: 8333 },
      ],
    });
    const fd = parse(edit(5, 'rpc: !socket {fd: 3}').filter((l) => !l.includes('18443')));
    expect(fd.rpc).toMatchObject({ kind: 'fd', fd: 3 });
  });

  it('reads a list of loadblock files', () => {
    const m = parse([...GOOD, 'loadblock:', '  - !file {path: a.dat}', '  - !file {path: /b.dat}']);
    expect(m.loadblock.map((f) => [f.path, f.at.line])).toEqual([
      ['/srv/node/a.dat', 11],
      ['/b.dat', 12],
    ]);
  });

  it('reads the CloudABI form (%TAG ! tag:nuxi.nl,2015:cloudabi/)', () => {
    const m = parse([
      '%TAG ! tag:nuxi.nl,2015:cloudabi/',
      '---',
      'network: regtest',
      'datadir: !file',
      '  path: /home/user/.bitcoin',
      'console: !fd stdout',
      'rpc: !socket',
      '  bind: 127.0.0.1:18443',
      'p2p: !socket',
      '  type: stream',
      '  bind: 127.0.0.1:18444',
      'entropy: !random os',
      'args:',
      '  printtoconsole: 1',
      '  rpcuser: "test"',
      '  connect: 0',
      '  debug: ["rpc","http"]',
      '  rest: true',
    ]);
    expect(m.datadir.path).toBe('/home/user/.bitcoin');
    expect(m.console?.fd).toBe('stdout');
    expect(m.p2p).toMatchObject({ kind: 'bind', bind: { port: 18444 } });
    expect(m.args).toMatchObject({ printtoconsole: true, connect: ['0'], rest: true });
  });
});

describe('a bad manifest is one ManifestError at FILE:LINE:COL', () => {
  const cases: [string, string[], string][] = [
    [
      'unknown key',
      [...GOOD, 'wallet: !dir {path: w}'],
      'node.yaml:10:1: unknown key "wallet"; expected one of network, datadir, console, rpc, p2p, ' +
        'outbound, entropy, clock, loadblock, wallets, blocksdir, chainstatedir, zmq, args, confine',
    ],
    [
      'unknown key inside a grant',
      edit(3, '  path: ./data', '  mode: 0700'),
      'node.yaml:4:3: datadir: unknown key "mode"; expected path',
    ],
    [
      'wrong tag',
      edit(2, 'datadir: !socket'),
      'node.yaml:2:1: datadir: wrong tag (tag !socket); expected !dir {path: PATH}',
    ],
    [
      'missing tag',
      edit(2, 'datadir:'),
      'node.yaml:2:1: datadir: wrong tag (no tag); expected !dir {path: PATH}',
    ],
    [
      'unknown tag',
      edit(9, 'entropy: !urandom os'),
      'node.yaml:9:10: unknown tag !urandom; expected one of !dir, !file, !fd, !socket, !direct, ' +
        '!socks5, !random, !mock',
    ],
    [
      'missing datadir',
      GOOD.filter((_, i) => i !== 1 && i !== 2),
      'node.yaml:1:1: missing datadir; expected datadir: !dir {path: PATH}',
    ],
    [
      'missing rpc',
      GOOD.filter((l, i) => i !== 4 && i !== 5),
      'node.yaml:1:1: missing rpc; expected rpc: !socket {bind: IP:PORT} or !socket {fd: N}',
    ],
    [
      'a path that escapes the manifest folder',
      edit(3, '  path: ../../etc'),
      'node.yaml:3:9: datadir.path: relative path "../../etc" escapes the manifest\'s folder; ' +
        'expected a file system path (relative to the manifest folder, or absolute)',
    ],
    [
      'bad YAML',
      edit(4, 'console: [stdout'),
      'node.yaml:5:1: invalid YAML: Flow sequence in block collection must be sufficiently ' +
        'indented and end with a ]; expected well-formed YAML (a map of manifest keys)',
    ],
    [
      'duplicate key',
      [...GOOD, 'network: main'],
      'node.yaml:10:1: duplicate key "network"; expected each key at most once',
    ],
    [
      'port out of range',
      edit(6, '  bind: 127.0.0.1:70000'),
      'node.yaml:6:9: rpc.bind: port 70000 is out of range; expected IP:PORT (an IPv4 address or ' +
        '[IPv6], port 1..65535 or 0 for any free port; no names: the launcher does not resolve)',
    ],
    [
      'a name to bind',
      edit(8, '  bind: localhost:18444'),
      'node.yaml:8:9: p2p.bind: "localhost" is not an IP address; expected IP:PORT (an IPv4 ' +
        'address or [IPv6], port 1..65535 or 0 for any free port; no names: the launcher does ' +
        'not resolve)',
    ],
    [
      'unknown network',
      edit(1, 'network: testnet4'),
      'node.yaml:1:10: network: unknown network "testnet4"; expected regtest | testnet | signet | main',
    ],
    [
      'bad seed',
      edit(9, 'entropy: !random {seed: abc}'),
      'node.yaml:9:25: entropy.seed: "abc" is not an even number of hex digits; expected ' +
        '!random os or !random {seed: HEX} (1..64 bytes)',
    ],
    [
      'rpcport in args',
      [...GOOD, 'args:', '  rpcport: 18443'],
      'node.yaml:11:3: args.rpcport: not accepted: the RPC port comes from the `rpc: !socket` ' +
        'grant; expected no "rpcport" in args',
    ],
    [
      'unknown option',
      [...GOOD, 'args:', '  rpcuser: u', '  frobnicate: 1'],
      'node.yaml:12:3: args: unknown option "frobnicate"; expected a bitcoind option listed in ' +
        'the manifest README',
    ],
  ];

  for (const [name, lines, message] of cases) {
    it(name, () => {
      expect(errorOf(lines).message).toBe(message);
    });
  }

  it('keeps the location and the parts on the error', () => {
    const e = errorOf(edit(6, '  bind: 127.0.0.1:65536'));
    expect(e.at).toEqual({ file: 'node.yaml', line: 6, col: 9 });
    expect(e.problem).toBe('rpc.bind: port 65536 is out of range');
    expect(parse(edit(6, '  bind: 127.0.0.1:0')).rpc).toMatchObject({ bind: { port: 0 } });
    expect(errorOf([...GOOD, 'outbound: !socks5 {proxy: 127.0.0.1:0}']).problem).toBe(
      'outbound.proxy: port 0 is out of range',
    );
  });

  const more: [string, string[], RegExp][] = [
    [
      'a tag on the wrong shape',
      edit(4, 'console: !fd {fd: 1}'),
      /^node\.yaml:4:14: console: not stdout or stderr;/,
    ],
    [
      'both bind and fd',
      edit(6, '  bind: 127.0.0.1:1', '  fd: 3'),
      /^node\.yaml:5:1: rpc: both bind and fd;/,
    ],
    [
      'stdio as an inherited socket',
      edit(6, '  fd: 1'),
      /^node\.yaml:6:7: rpc\.fd: 1 is out of range; expected an integer in 3\.\.65535$/,
    ],
    [
      'a proxy by name',
      [...GOOD, 'outbound: !socks5 {proxy: tor.local:9050}'],
      /^node\.yaml:10:27: outbound\.proxy: "tor\.local" is not an IP address;/,
    ],
    [
      'a bad allow entry',
      [...GOOD, 'outbound: !direct {allow: [127.0.0.1]}'],
      /^node\.yaml:10:28: outbound\.allow: "127\.0\.0\.1" has no port;/,
    ],
    [
      'a seed on main',
      edit(1, 'network: main').map((l) => l.replace('!random os', '!random {seed: 01}')),
      /^node\.yaml:9:1: entropy: a seeded Random on the main network;/,
    ],
    [
      'a zero mock time',
      [...GOOD, 'clock: !mock {time: 0}'],
      /^node\.yaml:10:21: clock\.time: 0 is out of range;/,
    ],
    [
      'a flag that is not a boolean',
      [...GOOD, 'args: {txindex: maybe}'],
      /^node\.yaml:10:17: args\.txindex: "maybe" is not a boolean;/,
    ],
    [
      'an amount with 9 decimals',
      [...GOOD, 'args: {fallbackfee: 0.000000001}'],
      /^node\.yaml:10:21: args\.fallbackfee: "0\.000000001" is not an amount;/,
    ],
    [
      'a list for a single option',
      [...GOOD, 'args: {rpcuser: [a, b]}'],
      /^node\.yaml:10:17: args\.rpcuser: not a single value;/,
    ],
    [
      'a bad connect address',
      [...GOOD, 'args: {connect: "1.2.3.4:99999"}'],
      /^node\.yaml:10:17: args\.connect: port 99999 is out of range;/,
    ],
    [
      'an unknown confine mode',
      [...GOOD, 'confine: strict'],
      /^node\.yaml:10:10: confine: unknown mode "strict"; expected required \| best-effort \| off$/,
    ],
    ['an empty manifest', ['# nothing'], /^node\.yaml:1:1: the manifest is empty;/],
    ['a list at the top', ['- network: regtest'], /^node\.yaml:1:1: the manifest is not a map;/],
    ['an alias', [...GOOD, 'wallets: *x'], /^node\.yaml:10:1: wallets: aliases are not supported;/],
  ];
  for (const [name, lines, pattern] of more) {
    it(name, () => {
      expect(errorOf(lines).message).toMatch(pattern);
    });
  }

  it('needs an absolute baseDir', () => {
    expect(() => parseManifest(GOOD.join('\n'), 'node.yaml', 'relative')).toThrow(TypeError);
  });
});
