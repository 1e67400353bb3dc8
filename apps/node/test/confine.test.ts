/**
 * The pieces of the confined launch that can be checked without starting a node: the seccomp
 * program's bytes, the permission flags, bubblewrap's arguments and the namespace check.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseManifest } from '@bitcoind-lite/manifest';
import { noBindFilter } from '../src/confine/seccomp-no-bind.js';
import {
  bwrapArgs,
  namespacesUnavailableReason,
  permissionFlags,
} from '../src/confine/sandbox-command.js';

const grants = {
  codePaths: ['/repo/dist', '/repo/node_modules'],
  writableDirs: ['/data/node'],
  readableFiles: ['/data/bootstrap.dat'],
};

describe('seccomp no-bind filter', () => {
  it('is six BPF instructions checking the arch and failing bind with EACCES on x64', () => {
    const f = noBindFilter('x64')!;
    expect(f.length).toBe(6 * 8);
    const v = new DataView(f.buffer);
    expect(v.getUint32(8 + 4, true)).toBe(0xc000003e); // AUDIT_ARCH_X86_64
    expect(v.getUint32(3 * 8 + 4, true)).toBe(49); // __NR_bind
    expect(v.getUint32(4 * 8 + 4, true)).toBe(0x00050000 | 13); // SECCOMP_RET_ERRNO | EACCES
    expect(v.getUint32(5 * 8 + 4, true)).toBe(0x7fff0000); // SECCOMP_RET_ALLOW
  });

  it('uses arm64 numbers on arm64 and is absent where the numbers are not known', () => {
    expect(new DataView(noBindFilter('arm64')!.buffer).getUint32(3 * 8 + 4, true)).toBe(200);
    expect(noBindFilter('riscv64')).toBeUndefined();
  });
});

describe('permission flags', () => {
  it('grant reads of code and data, writes of data only, and addons', () => {
    const flags = permissionFlags(grants);
    expect(flags[0]).toMatch(/^--(experimental-)?permission$/);
    expect(flags).toContain('--allow-fs-read=/repo/dist');
    expect(flags).toContain('--allow-fs-read=/data/bootstrap.dat');
    expect(flags).toContain('--allow-fs-write=/data/node');
    expect(flags.filter((f) => f.startsWith('--allow-fs-write'))).toEqual([
      '--allow-fs-write=/data/node',
    ]);
    expect(flags).toContain('--allow-addons');
    expect(flags).not.toContain('--allow-child-process');
    expect(flags).not.toContain('--allow-worker');
  });
});

describe('bubblewrap arguments', () => {
  it('bind code read-only, data read-write, and unshare the network and pids', () => {
    const args = bwrapArgs(grants).join(' ');
    expect(args).toContain('--ro-bind /repo/dist /repo/dist');
    expect(args).toContain('--bind /data/node /data/node');
    expect(args).toContain('--ro-bind /data/bootstrap.dat /data/bootstrap.dat');
    for (const f of ['--unshare-net', '--unshare-pid', '--die-with-parent']) {
      expect(args).toContain(f);
    }
    expect(args).not.toMatch(/--bind \/ /);
  });

  it('names the reason when bubblewrap is missing', () => {
    expect(namespacesUnavailableReason('/nonexistent/bwrap')).toMatch(
      /\/nonexistent\/bwrap not found/,
    );
  });

  it('finds namespaces available here (root, bubblewrap installed)', () => {
    expect(namespacesUnavailableReason()).toBeUndefined();
  });
});

describe('examples/*.yaml', () => {
  const folder = resolve(import.meta.dirname, '../../../examples');
  const names = readdirSync(folder).filter((f) => f.endsWith('.yaml'));
  it('exist', () => expect(names.length).toBeGreaterThanOrEqual(3));
  it.each(names)('%s parses and asks for confinement', (name) => {
    const text = readFileSync(join(folder, name), 'utf8');
    const m = parseManifest(text, name, folder);
    expect(m.confine).toBe('required');
  });
});
