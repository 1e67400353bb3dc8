import { describe, expect, it } from 'vitest';
import { getChainParams, sha256d } from '@bitcoind-lite/consensus';
import {
  FramingError,
  MAX_PROTOCOL_MESSAGE_LENGTH,
  V1Decoder,
  parseCommand,
  serializeMessage,
} from '../src/index.js';

const MAGIC = getChainParams('regtest').messageStart;

describe('v1 framing', () => {
  it('writes the 24-byte header Core writes (regtest verack)', () => {
    const frame = serializeMessage(MAGIC, 'verack', new Uint8Array(0));
    // fabfb5da, "verack" NUL-padded to 12, length 0, checksum of "" = 5df6e0e2.
    expect(Buffer.from(frame).toString('hex')).toBe(
      'fabfb5da' + '76657261636b000000000000' + '00000000' + '5df6e0e2',
    );
  });

  it('round-trips messages fed one byte at a time and all at once', () => {
    const payloads = [new Uint8Array(0), Uint8Array.of(1, 2, 3), new Uint8Array(1000).fill(7)];
    const frames = payloads.map((p, i) => serializeMessage(MAGIC, `cmd${i}`, p));
    const all = Buffer.concat(frames);

    const whole = new V1Decoder(MAGIC).push(all);
    expect(whole.map((f) => (f.kind === 'message' ? f.command : f.kind))).toEqual([
      'cmd0',
      'cmd1',
      'cmd2',
    ]);

    const d = new V1Decoder(MAGIC);
    const got: string[] = [];
    for (const b of all) {
      for (const f of d.push(Uint8Array.of(b))) {
        if (f.kind !== 'message') throw new Error('unexpected reject');
        got.push(`${f.command}:${Buffer.from(f.payload).toString('hex')}`);
      }
    }
    expect(got).toEqual(payloads.map((p, i) => `cmd${i}:${Buffer.from(p).toString('hex')}`));
    expect(d.pendingBytes).toBe(0);
  });

  it('refuses a wrong magic (Core disconnects)', () => {
    const frame = serializeMessage(
      Uint8Array.of(0xf9, 0xbe, 0xb4, 0xd9),
      'ping',
      new Uint8Array(8),
    );
    expect(() => new V1Decoder(MAGIC).push(frame)).toThrow(/Wrong MessageStart f9beb4d9/);
  });

  it('accepts exactly MAX_PROTOCOL_MESSAGE_LENGTH and refuses one byte more from the header alone', () => {
    const max = serializeMessage(MAGIC, 'block', new Uint8Array(MAX_PROTOCOL_MESSAGE_LENGTH));
    const out = new V1Decoder(MAGIC).push(max);
    expect(out).toHaveLength(1);
    expect(out[0]!.kind).toBe('message');

    const header = new Uint8Array(24);
    header.set(MAGIC, 0);
    header.set(Buffer.from('block'), 4);
    new DataView(header.buffer).setUint32(16, MAX_PROTOCOL_MESSAGE_LENGTH + 1, true);
    const d = new V1Decoder(MAGIC);
    expect(() => d.push(header)).toThrow(FramingError);
    expect(() => d.push(header)).toThrow(/already failed/);
  });

  it('drops a message with a bad checksum but keeps decoding (Core keeps the peer)', () => {
    const bad = serializeMessage(MAGIC, 'ping', new Uint8Array(8));
    bad[20] = bad[20]! ^ 0xff;
    const good = serializeMessage(MAGIC, 'pong', new Uint8Array(8));
    const out = new V1Decoder(MAGIC).push(Buffer.concat([bad, good]));
    expect(out[0]).toMatchObject({ kind: 'rejected', rawSize: 32 });
    expect(out[0]!.kind === 'rejected' && out[0]!.reason).toMatch(
      /Wrong checksum \(ping, 8 bytes\)/,
    );
    expect(out[1]).toMatchObject({ kind: 'message', command: 'pong' });
  });

  it('drops a message whose command is not printable ASCII then NULs', () => {
    const frame = serializeMessage(MAGIC, 'ping', new Uint8Array(0));
    frame[4 + 5] = 0x41; // a byte after the NUL terminator
    expect(new V1Decoder(MAGIC).push(frame)[0]).toMatchObject({ kind: 'rejected' });
    expect(parseCommand(Uint8Array.of(0x70, 0x01, ...new Uint8Array(10)))).toBeUndefined();
    expect(parseCommand(new Uint8Array(12))).toBe('');
  });

  it('checksums with sha256d', () => {
    const payload = Uint8Array.of(9, 9, 9);
    const frame = serializeMessage(MAGIC, 'x', payload);
    expect(frame.subarray(20, 24)).toEqual(sha256d(payload).subarray(0, 4));
    expect(() => serializeMessage(MAGIC, 'thirteen-char', payload)).toThrow(RangeError);
  });
});
