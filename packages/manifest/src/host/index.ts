/**
 * Reading the manifest file: the one host call in this package, made by the launcher. Relative
 * paths in the manifest resolve against the folder the file is in.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ManifestError } from '../manifest-error.js';
import type { Manifest } from '../manifest.js';
import { parseManifest } from '../parse-manifest.js';

/** Reads and parses the manifest at `path`; an unreadable file is a ManifestError at 1:1. */
export async function loadManifestFile(path: string): Promise<Manifest> {
  const absolute = resolve(path);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code ?? String(e);
    throw new ManifestError(
      { file: path, line: 1, col: 1 },
      `cannot read the manifest (${reason})`,
      'a readable YAML file',
      { cause: e },
    );
  }
  return parseManifest(text, path, dirname(absolute));
}
