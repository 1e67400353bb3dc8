/**
 * The `blocksdir` and `chainstatedir` grants: Core's -blocksdir as a `!dir` key, and this node's
 * own chainstatedir (issue 7's "separate Dir grants for blocks and chainstate").
 */
import { describe, expect, it } from 'vitest';
import { ManifestError, parseManifest, type Manifest } from '../src/index.js';

const BASE = '/srv/node';

const GOOD = [
  'network: regtest', //                        1
  'datadir: !dir', //                           2
  '  path: ./data', //                          3
  'rpc: !socket {bind: 127.0.0.1:18443}', //    4
  'entropy: !random os', //                     5
];

function parse(lines: string[]): Manifest {
  return parseManifest(lines.join('\n') + '\n', 'node.yaml', BASE);
}

function messageOf(lines: string[]): string {
  try {
    parse(lines);
  } catch (e) {
    expect(e).toBeInstanceOf(ManifestError);
    return (e as ManifestError).message;
  }
  throw new Error('expected a ManifestError');
}

const PATH_EXPECTED = 'expected a file system path (relative to the manifest folder, or absolute)';

describe('blocksdir and chainstatedir', () => {
  it('are absent unless granted', () => {
    const m = parse(GOOD);
    expect(m.blocksdir).toBeUndefined();
    expect(m.chainstatedir).toBeUndefined();
    expect('blocksdir' in m).toBe(false);
    expect('chainstatedir' in m).toBe(false);
  });

  it('resolve relative paths against the manifest folder and keep their key location', () => {
    const m = parse([
      ...GOOD,
      'blocksdir: !dir',
      '  path: ./blocks-disk',
      'chainstatedir: !dir {path: /mnt/ssd/chainstate}',
    ]);
    expect(m.blocksdir).toEqual({
      at: { file: 'node.yaml', line: 6, col: 1 },
      path: '/srv/node/blocks-disk',
    });
    expect(m.chainstatedir).toEqual({
      at: { file: 'node.yaml', line: 8, col: 1 },
      path: '/mnt/ssd/chainstate',
    });
  });

  it('read the CloudABI spelling (!file for a directory)', () => {
    const m = parseManifest(
      [
        '%TAG ! tag:nuxi.nl,2015:cloudabi/',
        '---',
        'network: regtest',
        'datadir: !file {path: /d}',
        'rpc: !socket {bind: 127.0.0.1:0}',
        'entropy: !random os',
        'blocksdir: !file {path: /b}',
        'chainstatedir: !file {path: /c}',
      ].join('\n'),
      'node.yaml',
      BASE,
    );
    expect(m.blocksdir?.path).toBe('/b');
    expect(m.chainstatedir?.path).toBe('/c');
  });

  const cases: [string, string[], string][] = [
    [
      'blocksdir escaping the manifest folder',
      [...GOOD, 'blocksdir: !dir {path: ../blocks}'],
      `node.yaml:6:24: blocksdir.path: relative path "../blocks" escapes the manifest's folder; ` +
        PATH_EXPECTED,
    ],
    [
      'chainstatedir escaping the manifest folder',
      [...GOOD, 'chainstatedir: !dir', '  path: ssd/../../x'],
      `node.yaml:7:9: chainstatedir.path: relative path "ssd/../../x" escapes the manifest's ` +
        `folder; ${PATH_EXPECTED}`,
    ],
    [
      'blocksdir with the wrong tag',
      [...GOOD, 'blocksdir: !socket {bind: 127.0.0.1:1}'],
      'node.yaml:6:1: blocksdir: wrong tag (tag !socket); expected !dir {path: PATH}',
    ],
    [
      'chainstatedir as a plain string',
      [...GOOD, 'chainstatedir: ./ssd'],
      'node.yaml:6:1: chainstatedir: wrong tag (no tag); expected !dir {path: PATH}',
    ],
    [
      'blocksdir without a path',
      [...GOOD, 'blocksdir: !dir {}'],
      'node.yaml:6:1: blocksdir: no path; expected !dir {path: PATH}',
    ],
    [
      'chainstatedir with an unknown field',
      [...GOOD, 'chainstatedir: !dir', '  path: ./ssd', '  size: 10G'],
      'node.yaml:8:3: chainstatedir: unknown key "size"; expected path',
    ],
    [
      'blocksdir with an empty path',
      [...GOOD, 'blocksdir: !dir {path: ""}'],
      `node.yaml:6:24: blocksdir.path: empty path; ${PATH_EXPECTED}`,
    ],
    [
      'blocksdir granted twice',
      [...GOOD, 'blocksdir: !dir {path: a}', 'blocksdir: !dir {path: b}'],
      'node.yaml:7:1: duplicate key "blocksdir"; expected each key at most once',
    ],
    [
      '-blocksdir in args points at the key',
      [...GOOD, 'args:', '  blocksdir: /mnt/blocks'],
      'node.yaml:7:3: args.blocksdir: not accepted: the blocks directory comes from the ' +
        '`blocksdir: !dir` grant; expected no "blocksdir" in args',
    ],
    [
      'chainstatedir in args points at the key',
      [...GOOD, 'args:', '  chainstatedir: /mnt/ssd'],
      'node.yaml:7:3: args.chainstatedir: not accepted: the chainstate directory comes from the ' +
        '`chainstatedir: !dir` grant; expected no "chainstatedir" in args',
    ],
  ];

  for (const [name, lines, message] of cases) {
    it(`refuses ${name}`, () => {
      expect(messageOf(lines)).toBe(message);
    });
  }
});
