/**
 * The manifest shown in the README and every shipped example parse with the real parser, so the
 * documentation cannot drift from the schema.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseManifest } from '@bitcoind-lite/manifest';
import { REPO_ROOT } from './framework/test-node.js';

describe('docs_readme_manifest', () => {
  it('the README manifest parses', () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    const block = /## The manifest\s+```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBeDefined();
    const m = parseManifest(block!, 'README.md', REPO_ROOT);
    expect(m.network).toBe('regtest');
    expect(m.confine).toBe('required');
    expect(m.wallets).toBeDefined();
  });

  for (const file of [
    'node.yaml',
    ...readdirSync(join(REPO_ROOT, 'examples')).map((f) => `examples/${f}`),
  ]) {
    if (!file.endsWith('.yaml')) continue;
    it(`${file} parses`, () => {
      const text = readFileSync(join(REPO_ROOT, file), 'utf8');
      expect(() => parseManifest(text, file, REPO_ROOT)).not.toThrow();
    });
  }
});
