/**
 * The command line that starts the confined child: bubblewrap (Linux namespaces) around Node
 * under its permission model. Both layers grant the same things: the compiled code and
 * node_modules read-only, the granted directories read-write, the granted files read-only.
 *
 * Why both: the permission model is a seat belt (it does not restrict the network before Node 26,
 * follows symlinks already inside a granted folder, and an allowed addon such as LevelDB is not
 * checked at all); the namespaces are the wall (no network interfaces, no file outside the
 * granted ones exists, no other process is visible).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, readdirSync, readlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface Grants {
  /** Read-only: the compiled code, node_modules, the Node binary's folder. */
  codePaths: string[];
  /** Read-write directories (datadir, wallets). */
  writableDirs: string[];
  /** Read-only single files (loadblock). */
  readableFiles: string[];
}

/** The repository root: the compiled child lives under `dist/` in it. */
export function codePathsOf(repoRoot: string): string[] {
  const paths = [join(repoRoot, 'dist'), join(repoRoot, 'node_modules')];
  for (const top of ['packages', 'apps']) {
    let names: string[] = [];
    try {
      names = readdirSync(join(repoRoot, top));
    } catch {
      continue;
    }
    for (const name of names.sort()) {
      const modules = join(repoRoot, top, name, 'node_modules');
      if (existsSync(modules)) paths.push(modules);
    }
  }
  return paths;
}

/**
 * The paths not inside another of them. Node 20's permission model mis-answers nested grants:
 * with both `--allow-fs-write=/d` and `--allow-fs-write=/d/w`, `/d` itself is denied (files in it
 * are allowed), so the child's mkdir/realpath of a datadir holding the wallets folder failed
 * ("Access to this API has been restricted"). The outer grant already covers the inner one.
 */
export function outermostPaths(paths: readonly string[]): string[] {
  const trim = (p: string): string => (p.length > 1 ? p.replace(/\/+$/, '') : p);
  const all = [...new Set(paths.map(trim))];
  const inside = (p: string, q: string): boolean =>
    p !== q && p.startsWith(q === '/' ? q : `${q}/`);
  return all.filter((p) => !all.some((q) => inside(p, q)));
}

/**
 * Node's permission-model flags (Node 20: `--experimental-permission`). classic-level's loader
 * (node-gyp-build) probes /etc/alpine-release, and a denied probe throws instead of reading as
 * "absent", so that one path is granted too.
 */
export function permissionFlags(grants: Grants): string[] {
  const major = Number(process.versions.node.split('.')[0]);
  const flags = [major >= 22 ? '--permission' : '--experimental-permission'];
  const readable = [...grants.codePaths, ...grants.writableDirs, ...grants.readableFiles];
  for (const p of outermostPaths(readable)) flags.push(`--allow-fs-read=${p}`);
  flags.push('--allow-fs-read=/etc/alpine-release');
  for (const d of outermostPaths(grants.writableDirs)) flags.push(`--allow-fs-write=${d}`);
  flags.push('--allow-addons', '--no-warnings');
  return flags;
}

/** Binds a top-level system folder as the host has it: a symlink (merged /usr) or read-only. */
function systemPath(path: string): string[] {
  try {
    const st = lstatSync(path);
    if (st.isSymbolicLink()) {
      return ['--symlink', readlinkSync(path), path];
    }
    return ['--ro-bind', path, path];
  } catch {
    return [];
  }
}

/** bubblewrap's arguments before the command: every path at the same place as on the host. */
export function bwrapArgs(grants: Grants): string[] {
  const args: string[] = ['--ro-bind', '/usr', '/usr'];
  for (const p of ['/lib', '/lib64', '/bin', '/sbin']) args.push(...systemPath(p));
  const nodeDir = dirname(process.execPath);
  if (!nodeDir.startsWith('/usr/')) args.push('--ro-bind', nodeDir, nodeDir);
  for (const p of grants.codePaths) args.push('--ro-bind', p, p);
  for (const d of grants.writableDirs) args.push('--bind', d, d);
  for (const f of grants.readableFiles) args.push('--ro-bind', f, f);
  args.push(
    '--proc',
    '/proc',
    '--dev',
    '/dev',
    '--unshare-net',
    '--unshare-pid',
    '--unshare-ipc',
    '--unshare-uts',
    '--die-with-parent',
    '--new-session',
  );
  return args;
}

export const BWRAP = '/usr/bin/bwrap';

/**
 * Whether bubblewrap can make the namespaces here: tried for real (a trivial command in a new
 * network and pid namespace), since privilege, user-namespace sysctls and seccomp all decide.
 * Returns undefined when it works, else the reason in words.
 */
export function namespacesUnavailableReason(bwrap: string = BWRAP): string | undefined {
  if (process.platform !== 'linux') return `Linux namespaces do not exist on ${process.platform}`;
  if (!existsSync(bwrap)) return `${bwrap} not found (Debian package bubblewrap)`;
  const probe = spawnSync(
    bwrap,
    [
      ...bwrapArgs({ codePaths: [], writableDirs: [], readableFiles: [] }),
      process.execPath,
      '-e',
      '0',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'], timeout: 10_000, env: {} },
  );
  if (probe.error) return `cannot run ${bwrap}: ${probe.error.message}`;
  if (probe.status !== 0) {
    const why = probe.stderr.toString().trim() || `exit status ${probe.status}`;
    return `${bwrap} cannot create namespaces here: ${why}`;
  }
  return undefined;
}
