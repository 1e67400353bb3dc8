/**
 * The capability rule holds over the real source tree, and the checker finds what it should
 * (tests of the test: violations planted in a temporary tree are each reported by file:line).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkSource, checkTree, formatViolations } from './arch/capability-rule.js';

const REPO_ROOT = resolve(import.meta.dirname, '..');

describe('capability rule over packages/*/src and apps/*/src', () => {
  it('has no violations outside src/host/ and apps/node', () => {
    const found = checkTree(REPO_ROOT);
    expect(formatViolations(found), 'modules reaching ambient authority').toBe('');
  });
});

describe('the checker itself', () => {
  const root = mkdtempSync(join(tmpdir(), 'arch-test-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const plant = (rel: string, text: string) => {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  };

  it('reports a planted import of node:fs with its file and line', () => {
    plant(
      'packages/leaky/src/index.ts',
      "export const x = 1;\nimport { readFile } from 'node:fs';\n",
    );
    plant('packages/leaky/src/host/ok.ts', "import { readFile } from 'node:fs';\n");
    plant('apps/node/src/ok.ts', "import { readFile } from 'node:fs';\n");
    const found = checkTree(root);
    expect(formatViolations(found)).toBe("packages/leaky/src/index.ts:2: imports 'node:fs'");
  });

  const cases: [string, string][] = [
    ["import * as fs from 'fs/promises';", "imports 'fs/promises'"],
    ["import net from 'node:net';", "imports 'node:net'"],
    ["import { lookup } from 'dns';", "imports 'dns'"],
    ["import { spawn } from 'node:child_process';", "imports 'node:child_process'"],
    ["import { Worker } from 'node:worker_threads';", "imports 'node:worker_threads'"],
    ["import 'node:dgram';", "imports 'node:dgram'"],
    ["import { connect } from 'node:tls';", "imports 'node:tls'"],
    ["import cluster from 'node:cluster';", "imports 'node:cluster'"],
    ["import https from 'node:https';", "imports 'node:https'"],
    ["export { readFile } from 'node:fs';", "re-exports 'node:fs'"],
    ["const m = await import('node:net');", "loads 'node:net'"],
    ['const r = Math.random();', 'Math.random (take a Random)'],
    ['const t = Date.now();', 'Date.now (take a Clock)'],
    ['const d = new Date();', 'new Date() without arguments (take a Clock)'],
    ['const e = process.env.HOME;', 'process.env'],
    ['const a = process.argv[2];', 'process.argv'],
    ["import { randomBytes } from 'node:crypto';", "imports randomBytes from 'node:crypto'"],
    [
      "import * as c from 'node:crypto';\nc.randomFillSync(new Uint8Array(8));",
      'c.randomFillSync (take a Random)',
    ],
    ['crypto.getRandomValues(new Uint8Array(8));', 'crypto.getRandomValues (take a Random)'],
    [
      'globalThis.crypto.getRandomValues(new Uint8Array(8));',
      'crypto.getRandomValues (take a Random)',
    ],
    [
      "import { request } from 'node:http';",
      "imports request from 'node:http' (an outbound HTTP client)",
    ],
    ['server.listen(8080);', 'calls .listen() (binds a port; take a Listener instead)'],
    ["const r = await fetch('http://x');", 'calls fetch()'],
  ];
  it.each(cases)('reports %s', (line, what) => {
    const found = checkSource('packages/x/src/a.ts', `// leading comment\n${line}\n`);
    expect(found.map((v) => v.what)).toContain(what);
    expect(found.every((v) => v.file === 'packages/x/src/a.ts' && v.line >= 2)).toBe(true);
  });

  const allowed: string[] = [
    "import type { Socket } from 'node:net';",
    "import { type Socket } from 'node:net';",
    "import { createHash } from 'node:crypto';",
    "import { createServer, type IncomingMessage } from 'node:http';",
    'const d = new Date(1700000000 * 1000);',
    "// Math.random() and Date.now() in a comment\nconst s = 'process.env in a string';",
    'await view.fetch(outpoints);',
  ];
  it.each(allowed)('allows %s', (text) => {
    expect(formatViolations(checkSource('packages/x/src/a.ts', text))).toBe('');
  });
});
