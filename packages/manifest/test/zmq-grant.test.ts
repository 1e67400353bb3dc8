/**
 * The `zmq` grant: Core's -zmqpub<topic>=ADDRESS as a map of topic to `!socket`, and Core's
 * `zmqpub*` options refused in `args` with a pointer to it (`zmqpub*hwm` stays an option).
 */
import { describe, expect, it } from 'vitest';
import { ManifestError, parseManifest, type Manifest } from '../src/index.js';

const GOOD = [
  'network: regtest', //                        1
  'datadir: !dir {path: ./data}', //            2
  'rpc: !socket {bind: 127.0.0.1:18443}', //    3
  'entropy: !random os', //                     4
];

function parse(lines: string[]): Manifest {
  return parseManifest(lines.join('\n') + '\n', 'node.yaml', '/srv/node');
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

describe('zmq grant', () => {
  it('is absent unless granted', () => {
    expect('zmq' in parse(GOOD)).toBe(false);
  });

  it('maps each topic to a socket grant', () => {
    const m = parse([
      ...GOOD,
      'zmq:', //                                        5
      '  hashblock: !socket {bind: 127.0.0.1:28332}', // 6
      '  rawtx: !socket {fd: 7}', //                    7
      'args: {zmqpubrawtxhwm: 5000}',
    ]);
    expect(m.zmq?.hashblock).toMatchObject({
      kind: 'bind',
      bind: { host: '127.0.0.1', port: 28332 },
      at: { line: 6 },
    });
    expect(m.zmq?.rawtx).toMatchObject({ kind: 'fd', fd: 7, at: { line: 7 } });
    expect(Object.keys(m.zmq!)).toEqual(['hashblock', 'rawtx']);
    expect(m.args['zmqpubrawtxhwm']).toBe(5000);
  });

  it('refuses an unknown topic, an empty map, a wrong tag, and a bad address', () => {
    expect(messageOf([...GOOD, 'zmq:', '  hashblocks: !socket {bind: 127.0.0.1:1}'])).toMatch(
      /^node\.yaml:6:3: zmq: unknown key "hashblocks"; expected hashblock or hashtx or rawblock or rawtx or sequence/,
    );
    expect(messageOf([...GOOD, 'zmq: {}'])).toMatch(/^node\.yaml:5:1: zmq: no topic/);
    expect(messageOf([...GOOD, 'zmq:', '  rawblock: !dir {path: x}'])).toMatch(
      /^node\.yaml:6:3: zmq\.rawblock: wrong tag \(tag !dir\)/,
    );
    expect(messageOf([...GOOD, 'zmq:', '  sequence: !socket {bind: nowhere}'])).toMatch(
      /^node\.yaml:\d+:\d+: zmq\.sequence\.bind/,
    );
  });

  it('refuses Core address options in args, pointing at the grant', () => {
    for (const topic of ['hashblock', 'hashtx', 'rawblock', 'rawtx', 'sequence']) {
      expect(messageOf([...GOOD, 'args:', `  zmqpub${topic}: tcp://127.0.0.1:28332`])).toBe(
        `node.yaml:6:3: args.zmqpub${topic}: not accepted: the socket comes from the ` +
          `\`zmq: {${topic}: !socket {bind: IP:PORT}}\` grant; expected no "zmqpub${topic}" in args`,
      );
    }
  });
});
