/**
 * The capability rule (DESIGN.md "The one rule") as a checker over a source tree: outside
 * `src/host/` folders and `apps/node`, no module may reach the outside world by itself. It parses
 * each file with the TypeScript compiler, so comments and strings never count, and `import type`
 * (erased at compile time) is allowed.
 *
 * Why `node:http` is allowed: packages/rpc parses HTTP on streams it was handed (a Listener's
 * connections, fed to `createServer()` with `emit('connection')`), which reaches nothing. What would
 * reach something is refused instead: any `.listen(...)` call (binding a port), and `request`,
 * `get`, `Agent`, `globalAgent` from `http` (an outbound client). `https`/`http2` are refused
 * outright, as they carry a TLS or HTTP/2 client.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import ts from 'typescript';

export interface Violation {
  /** Path relative to the checked root, with `/` separators. */
  file: string;
  /** 1-based. */
  line: number;
  what: string;
}

/** Host modules that open files, sockets, processes or threads. Subpaths (`fs/promises`) count. */
export const FORBIDDEN_MODULES = [
  'fs',
  'net',
  'dns',
  'child_process',
  'dgram',
  'tls',
  'worker_threads',
  'cluster',
  'https',
  'http2',
  'inspector',
  'module',
] as const;

const HTTP_CLIENT_NAMES = new Set(['request', 'get', 'Agent', 'globalAgent']);
const CRYPTO_RANDOM_NAMES = new Set([
  'randomBytes',
  'randomFillSync',
  'randomFill',
  'randomInt',
  'randomUUID',
  'getRandomValues',
  'generateKeyPair',
  'generateKeyPairSync',
]);
const PROCESS_AMBIENT = new Set(['env', 'argv', 'execArgv', 'binding', 'dlopen', 'chdir', 'cwd']);

function moduleBase(specifier: string): string {
  const bare = specifier.startsWith('node:') ? specifier.slice(5) : specifier;
  return bare.split('/')[0]!;
}

function isForbiddenModule(specifier: string): boolean {
  return (FORBIDDEN_MODULES as readonly string[]).includes(moduleBase(specifier));
}

/** True for files the rule does not apply to: host code, the launcher, declaration files. */
export function isExempt(relPath: string): boolean {
  const p = relPath.split(sep).join('/');
  return (
    p.startsWith('apps/node/') ||
    p.includes('/src/host/') ||
    p.endsWith('.d.ts') ||
    !/^(packages|apps)\/[^/]+\/src\//.test(p)
  );
}

/** Checks one module's text; `file` is only used in the returned violations. */
export function checkSource(file: string, text: string): Violation[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const out: Violation[] = [];
  const at = (node: ts.Node, what: string) => {
    const { line } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
    out.push({ file, line: line + 1, what });
  };
  // Local names bound to `node:crypto` / `node:http` namespaces or their named exports.
  const cryptoNamespaces = new Set<string>(['crypto']);
  const httpNamespaces = new Set<string>();

  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const spec = node.moduleSpecifier.text;
      const clause = node.importClause;
      const typeOnly = clause?.isTypeOnly === true;
      if (!typeOnly && isForbiddenModule(spec)) {
        const named = clause?.namedBindings;
        const allTypes =
          named !== undefined &&
          ts.isNamedImports(named) &&
          clause?.name === undefined &&
          named.elements.length > 0 &&
          named.elements.every((e) => e.isTypeOnly);
        if (!allTypes) at(node, `imports '${spec}'`);
      }
      if (!typeOnly && (moduleBase(spec) === 'crypto' || moduleBase(spec) === 'http')) {
        const isHttp = moduleBase(spec) === 'http';
        if (clause?.name) (isHttp ? httpNamespaces : cryptoNamespaces).add(clause.name.text);
        const named = clause?.namedBindings;
        if (named && ts.isNamespaceImport(named)) {
          (isHttp ? httpNamespaces : cryptoNamespaces).add(named.name.text);
        } else if (named && ts.isNamedImports(named)) {
          for (const e of named.elements) {
            const imported = (e.propertyName ?? e.name).text;
            if (e.isTypeOnly) continue;
            if (!isHttp && CRYPTO_RANDOM_NAMES.has(imported)) {
              at(e, `imports ${imported} from '${spec}'`);
            }
            if (isHttp && HTTP_CLIENT_NAMES.has(imported)) {
              at(e, `imports ${imported} from '${spec}' (an outbound HTTP client)`);
            }
          }
        }
      }
    } else if (
      ts.isExportDeclaration(node) &&
      !node.isTypeOnly &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier) &&
      isForbiddenModule(node.moduleSpecifier.text)
    ) {
      at(node, `re-exports '${node.moduleSpecifier.text}'`);
    } else if (ts.isImportEqualsDeclaration(node) && !node.isTypeOnly) {
      const ref = node.moduleReference;
      if (
        ts.isExternalModuleReference(ref) &&
        ts.isStringLiteral(ref.expression) &&
        isForbiddenModule(ref.expression.text)
      ) {
        at(node, `imports '${ref.expression.text}'`);
      }
    } else if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const arg0 = node.arguments[0];
      const isImportCall = callee.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = ts.isIdentifier(callee) && callee.text === 'require';
      if ((isImportCall || isRequire) && arg0 !== undefined) {
        if (ts.isStringLiteralLike(arg0)) {
          if (isForbiddenModule(arg0.text)) at(node, `loads '${arg0.text}'`);
        } else {
          at(node, `loads a module by a computed name`);
        }
      }
      if (ts.isIdentifier(callee) && callee.text === 'fetch') at(node, 'calls fetch()');
      if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'listen') {
        at(node, 'calls .listen() (binds a port; take a Listener instead)');
      }
    } else if (ts.isNewExpression(node)) {
      if (ts.isIdentifier(node.expression) && node.expression.text === 'Date') {
        if (node.arguments === undefined || node.arguments.length === 0) {
          at(node, 'new Date() without arguments (take a Clock)');
        }
      }
      if (ts.isIdentifier(node.expression) && node.expression.text === 'WebSocket') {
        at(node, 'new WebSocket()');
      }
    } else if (ts.isPropertyAccessExpression(node)) {
      const obj = node.expression;
      const name = node.name.text;
      const objName = ts.isIdentifier(obj)
        ? obj.text
        : ts.isPropertyAccessExpression(obj) &&
            ts.isIdentifier(obj.expression) &&
            obj.expression.text === 'globalThis'
          ? obj.name.text
          : undefined;
      if (objName === 'Math' && name === 'random') at(node, 'Math.random (take a Random)');
      if (objName === 'Date' && name === 'now') at(node, 'Date.now (take a Clock)');
      if (objName === 'performance' && name === 'now') at(node, 'performance.now (take a Clock)');
      if (objName === 'process' && PROCESS_AMBIENT.has(name)) at(node, `process.${name}`);
      if (objName !== undefined && cryptoNamespaces.has(objName) && CRYPTO_RANDOM_NAMES.has(name)) {
        at(node, `${objName}.${name} (take a Random)`);
      }
      if (objName !== undefined && httpNamespaces.has(objName) && HTTP_CLIENT_NAMES.has(name)) {
        at(node, `${objName}.${name} (an outbound HTTP client)`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

function* sourceFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir).sort()) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* sourceFiles(path);
    else if (/\.(ts|mts|cts|js|mjs|cjs)$/.test(name)) yield path;
  }
}

/** Checks `packages/*\/src` and `apps/*\/src` under `root`; returns every violation found. */
export function checkTree(root: string): Violation[] {
  const out: Violation[] = [];
  for (const top of ['packages', 'apps']) {
    let entries: string[];
    try {
      entries = readdirSync(join(root, top)).sort();
    } catch {
      continue;
    }
    for (const pkg of entries) {
      const src = join(root, top, pkg, 'src');
      try {
        if (!statSync(src).isDirectory()) continue;
      } catch {
        continue;
      }
      for (const path of sourceFiles(src)) {
        const rel = relative(root, path).split(sep).join('/');
        if (isExempt(rel)) continue;
        out.push(...checkSource(rel, readFileSync(path, 'utf8')));
      }
    }
  }
  return out;
}

export function formatViolations(violations: readonly Violation[]): string {
  return violations.map((v) => `${v.file}:${v.line}: ${v.what}`).join('\n');
}
