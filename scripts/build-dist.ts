/**
 * `pnpm build`: compiles the node's sources (tsconfig.build.json: packages/*\/src and apps/node/src)
 * to JavaScript under dist/, mirroring the source layout, for the confined child: Node's permission
 * model cannot run tsx, and the mount namespace shows the child only dist/ and node_modules/.
 *
 * Each file is transpiled alone (the tree is `isolatedModules` + `verbatimModuleSyntax`, so
 * type-only imports are already marked and erased); type errors are `pnpm typecheck`'s job, which
 * keeps this step around a second. Workspace specifiers (`@bitcoind-lite/storage/host`) are rewritten
 * to relative paths of the compiled file their package.json `exports` names, so package.json files
 * keep pointing at `src/*.ts` for tsx, vitest and tsc. Each compiled package gets a `node_modules`
 * link to its source package's, so third-party imports (level, yaml, socks) resolve as before.
 */
import {
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

const ROOT = resolve(import.meta.dirname, '..');

function readConfig(): ts.ParsedCommandLine {
  const path = join(ROOT, 'tsconfig.build.json');
  const parsed = ts.getParsedCommandLineOfConfigFile(
    path,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  );
  if (!parsed) throw new Error(`cannot read ${path}`);
  return parsed;
}

/** `@bitcoind-lite/<name>[/sub]` -> absolute path of the source file its exports map names. */
function workspaceExports(): Map<string, string> {
  const map = new Map<string, string>();
  for (const top of ['packages', 'apps']) {
    for (const dir of readdirSync(join(ROOT, top))) {
      const pkgJson = join(ROOT, top, dir, 'package.json');
      let pkg: { name?: string; exports?: Record<string, string> | string };
      try {
        pkg = JSON.parse(readFileSync(pkgJson, 'utf8'));
      } catch {
        continue;
      }
      if (!pkg.name || pkg.exports === undefined) continue;
      const exportsMap = typeof pkg.exports === 'string' ? { '.': pkg.exports } : pkg.exports;
      for (const [sub, target] of Object.entries(exportsMap)) {
        if (typeof target !== 'string') continue;
        const spec = sub === '.' ? pkg.name : `${pkg.name}/${sub.replace(/^\.\//, '')}`;
        map.set(spec, join(ROOT, top, dir, target));
      }
    }
  }
  return map;
}

function jsPathOf(sourcePath: string, outDir: string): string {
  return join(outDir, relative(ROOT, sourcePath)).replace(/\.ts$/, '.js');
}

/** The newest source mtime and the file count: dist/ is current when its stamp says the same. */
function sourceStamp(config: ts.ParsedCommandLine): string {
  let newest = 0;
  for (const f of config.fileNames) newest = Math.max(newest, statSync(f).mtimeMs);
  for (const top of ['packages', 'apps']) {
    for (const dir of readdirSync(join(ROOT, top))) {
      try {
        newest = Math.max(newest, statSync(join(ROOT, top, dir, 'package.json')).mtimeMs);
      } catch {
        // not a package
      }
    }
  }
  return `${config.fileNames.length} ${newest}`;
}

/** Builds only when a source changed since the last build (tests call this before starting). */
export function ensureBuilt(): { built: boolean } {
  const config = readConfig();
  try {
    const stamp = readFileSync(join(config.options.outDir!, '.build-stamp'), 'utf8');
    if (stamp === sourceStamp(config)) return { built: false };
  } catch {
    // no stamp yet
  }
  build();
  return { built: true };
}

/**
 * Compiles into a fresh folder and swaps it in, so a node starting meanwhile never sees a half
 * tree; when another build swapped first, that one is kept.
 */
export function build(): { files: number; ms: number } {
  const started = performance.now();
  const config = readConfig();
  const finalDir = config.options.outDir!;
  const outDir = `${finalDir}.tmp-${process.pid}`;
  const stamp = sourceStamp(config);
  const exportsMap = workspaceExports();
  rmSync(outDir, { recursive: true, force: true });

  const specifier = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])(@bitcoind-lite\/[^'"]+)\2/g;
  const packageDirs = new Set<string>();
  for (const file of config.fileNames) {
    const source = readFileSync(file, 'utf8');
    const { outputText } = ts.transpileModule(source, {
      // Every source is ESM ("type": "module"); NodeNext would need each package.json to decide.
      compilerOptions: {
        ...config.options,
        module: ts.ModuleKind.ESNext,
        moduleResolution: ts.ModuleResolutionKind.Bundler,
        sourceMap: false,
        declaration: false,
      },
      fileName: file,
    });
    const outFile = jsPathOf(file, outDir);
    const rewritten = outputText.replace(specifier, (_m, lead: string, q: string, spec: string) => {
      const target = exportsMap.get(spec);
      if (target === undefined) throw new Error(`${file}: no package exports ${spec}`);
      let rel = relative(dirname(outFile), jsPathOf(target, outDir)).split(sep).join('/');
      if (!rel.startsWith('.')) rel = `./${rel}`;
      return `${lead}${q}${rel}${q}`;
    });
    mkdirSync(dirname(outFile), { recursive: true });
    writeFileSync(outFile, rewritten);
    const [top, pkg] = relative(ROOT, file).split(sep);
    packageDirs.add(join(top!, pkg!));
  }

  // Compiled packages are ESM like their sources, and find their dependencies where they did.
  writeFileSync(join(outDir, 'package.json'), '{ "type": "module" }\n');
  for (const pkgDir of packageDirs) {
    const modules = join(ROOT, pkgDir, 'node_modules');
    try {
      if (!statSync(modules).isDirectory()) continue;
    } catch {
      continue;
    }
    const link = join(outDir, pkgDir, 'node_modules');
    symlinkSync(relative(dirname(link), modules), link);
  }
  writeFileSync(join(outDir, '.build-stamp'), stamp);

  const old = `${finalDir}.old-${process.pid}`;
  try {
    renameSync(finalDir, old);
  } catch {
    // no previous build
  }
  try {
    renameSync(outDir, finalDir);
  } catch {
    rmSync(outDir, { recursive: true, force: true });
  }
  rmSync(old, { recursive: true, force: true });
  return { files: config.fileNames.length, ms: performance.now() - started };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { files, ms } = build();
  process.stdout.write(`built ${files} files into dist/ in ${Math.round(ms)} ms\n`);
}
