/**
 * parseManifest: YAML text -> Manifest, or one ManifestError at the first problem. Pure: the
 * launcher reads the file and passes its text, name and folder; nothing here touches the host.
 *
 * The `yaml` package does the parsing with the manifest's tags registered as custom tags, in
 * strict mode with unique keys. It reports unknown tags only as warnings; here every warning is
 * an error, because an ignored tag would make the manifest grant something other than it says.
 */
import { isAbsolute, normalize, resolve } from 'node:path';
import {
  LineCounter,
  YAMLMap,
  YAMLSeq,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  parseDocument,
  type CollectionTag,
  type Node,
  type ScalarTag,
  type YAMLError,
} from 'yaml';
import { BITCOIND_ARGS, REFUSED_ARGS, type ArgValue } from './bitcoind-args.js';
import { isHostName, ipVersion, parseHostPort, type HostKind, type HostPort } from './host-port.js';
import { ManifestError, type SourceLocation } from './manifest-error.js';
import {
  NETWORKS,
  type ClockGrant,
  type Confine,
  type ConsoleGrant,
  type DirGrant,
  type EntropyGrant,
  type FileGrant,
  type Manifest,
  type Network,
  type OutboundGrant,
  type SocketGrant,
  type ZmqGrants,
  ZMQ_TOPICS,
} from './manifest.js';

/** The CloudABI `cloudabi-run` tag prefix (`%TAG ! tag:nuxi.nl,2015:cloudabi/`). */
export const CLOUDABI_TAG_PREFIX = 'tag:nuxi.nl,2015:cloudabi/';

const TAG_NAMES = ['dir', 'file', 'fd', 'socket', 'direct', 'socks5', 'random', 'mock'] as const;
const TAG_LIST = TAG_NAMES.map((t) => `!${t}`).join(', ');

const TOP_KEYS = [
  'network',
  'datadir',
  'console',
  'rpc',
  'p2p',
  'outbound',
  'entropy',
  'clock',
  'loadblock',
  'wallets',
  'blocksdir',
  'chainstatedir',
  'zmq',
  'args',
  'confine',
] as const;
type TopKey = (typeof TOP_KEYS)[number];

const CONFINE_MODES: readonly Confine[] = ['required', 'best-effort', 'off'];

/** Largest mock start time: block times are 32-bit (Core's nTime is uint32). */
const MAX_MOCK_TIME_SECONDS = 0xffffffff;
const MAX_SEED_BYTES = 64;

/**
 * Every manifest tag, in both spellings, as scalar, map and sequence: resolution keeps the node
 * as it is (with its tag), and the walker below decides which tag and shape each key accepts.
 * Registering all three shapes means a known tag on the wrong shape is reported by the walker
 * ("expected a map") rather than by yaml as an unresolved tag.
 */
function manifestTags(): (ScalarTag | CollectionTag)[] {
  const tags: (ScalarTag | CollectionTag)[] = [];
  for (const name of TAG_NAMES) {
    for (const tag of [`!${name}`, `${CLOUDABI_TAG_PREFIX}${name}`]) {
      tags.push({ tag, resolve: (s: string) => s });
      tags.push({ tag, collection: 'map', nodeClass: YAMLMap, resolve: (m) => m });
      tags.push({ tag, collection: 'seq', nodeClass: YAMLSeq, resolve: (s) => s });
    }
  }
  return tags;
}

const CUSTOM_TAGS = manifestTags();

type AnyNode = Node;

class Walker {
  constructor(
    private readonly text: string,
    private readonly file: string,
    private readonly baseDir: string,
    private readonly lines: LineCounter,
  ) {}

  at(offset: number): SourceLocation {
    const { line, col } = this.lines.linePos(offset);
    return { file: this.file, line, col };
  }

  nodeAt(node: AnyNode | null | undefined, fallback: SourceLocation): SourceLocation {
    const offset = node?.range?.[0];
    return offset === undefined ? fallback : this.at(offset);
  }

  fail(at: SourceLocation, problem: string, expected: string): never {
    throw new ManifestError(at, problem, expected);
  }

  /** yaml's own errors and warnings, each with its position turned into file:line:col. */
  fromYaml(e: YAMLError): never {
    const at = this.at(e.pos[0]);
    const rest = this.text.slice(e.pos[0]);
    const spot = rest.slice(0, Math.max(e.pos[1] - e.pos[0], 1)).split('\n')[0];
    if (e.code === 'DUPLICATE_KEY') {
      const key = /^[^:\n]*/.exec(rest)?.[0].trim() ?? spot;
      this.fail(at, `duplicate key "${key}"`, 'each key at most once');
    }
    if (
      e.code === 'TAG_RESOLVE_FAILED' &&
      /^(Unresolved tag|Could not resolve tag)/.test(e.message)
    ) {
      const tag = /!\S*/.exec(spot ?? '')?.[0] ?? spot;
      this.fail(at, `unknown tag ${tag}`, `one of ${TAG_LIST}`);
    }
    const what = e.message.split('\n')[0]?.replace(/\.$/, '') ?? e.code;
    this.fail(at, `invalid YAML: ${what}`, 'well-formed YAML (a map of manifest keys)');
  }

  /** The tag in its short form: CloudABI's long tags become `!name`. */
  tagOf(node: AnyNode): string | undefined {
    const tag = node.tag;
    if (tag === undefined) return undefined;
    return tag.startsWith(CLOUDABI_TAG_PREFIX) ? `!${tag.slice(CLOUDABI_TAG_PREFIX.length)}` : tag;
  }

  isPlain(node: AnyNode): boolean {
    const tag = node.tag;
    return tag === undefined || tag.startsWith('tag:yaml.org,2002:');
  }

  noAlias(node: unknown, key: string, keyAt: SourceLocation): asserts node is AnyNode {
    if (isAlias(node))
      this.fail(keyAt, `${key}: aliases are not supported`, 'the value written out');
    if (node === null || node === undefined) this.fail(keyAt, `${key}: no value`, 'a value');
  }

  /** A plain (untagged) scalar's text; `source` keeps what was written (`1234`, not 1234). */
  plainText(node: unknown, key: string, keyAt: SourceLocation, expected: string): string {
    this.noAlias(node, key, keyAt);
    if (!this.isPlain(node)) {
      this.fail(keyAt, `${key}: unexpected tag ${this.tagOf(node)}`, expected);
    }
    if (!isScalar(node) || node.value === null || typeof node.value === 'object') {
      this.fail(this.nodeAt(node, keyAt), `${key}: not a single value`, expected);
    }
    return String(node.source ?? node.value);
  }

  /** Checks the tag is one of `allowed`; returns the short tag. */
  requireTag(
    node: unknown,
    key: string,
    keyAt: SourceLocation,
    allowed: string[],
    expected: string,
  ) {
    this.noAlias(node, key, keyAt);
    const tag = this.tagOf(node);
    if (tag === undefined || !allowed.includes(tag)) {
      const found = tag === undefined ? 'no tag' : `tag ${tag}`;
      this.fail(keyAt, `${key}: wrong tag (${found})`, expected);
    }
    return tag;
  }

  /** The pairs of a map with only `allowed` keys, as name -> [value node, key location]. */
  fields(
    node: AnyNode,
    key: string,
    keyAt: SourceLocation,
    allowed: readonly string[],
    expected: string,
  ): Map<string, { value: unknown; at: SourceLocation }> {
    if (!isMap(node)) this.fail(this.nodeAt(node, keyAt), `${key}: not a map`, expected);
    const out = new Map<string, { value: unknown; at: SourceLocation }>();
    for (const pair of node.items) {
      const k = pair.key as AnyNode | null;
      const kAt = this.nodeAt(k, keyAt);
      if (!isScalar(k) || typeof k.value !== 'string') {
        this.fail(kAt, `${key}: a key that is not a name`, expected);
      }
      if (!allowed.includes(k.value)) {
        this.fail(kAt, `${key}: unknown key "${k.value}"`, allowed.join(' or '));
      }
      out.set(k.value, { value: pair.value, at: kAt });
    }
    return out;
  }

  path(node: unknown, key: string, keyAt: SourceLocation): string {
    const expected = 'a file system path (relative to the manifest folder, or absolute)';
    const text = this.plainText(node, key, keyAt, expected);
    const at = this.nodeAt(node as AnyNode, keyAt);
    if (text.length === 0) this.fail(at, `${key}: empty path`, expected);
    if (text.includes('\0')) this.fail(at, `${key}: NUL in path`, expected);
    if (!isAbsolute(text)) {
      // A relative path is a path below the manifest's folder; climbing out of it is written
      // as an absolute path, so a copied manifest cannot silently reach a sibling tree.
      const n = normalize(text);
      if (n === '..' || n.startsWith('../')) {
        this.fail(at, `${key}: relative path "${text}" escapes the manifest's folder`, expected);
      }
    }
    return resolve(this.baseDir, text);
  }

  hostPort(node: unknown, key: string, keyAt: SourceLocation, kind: HostKind | 'bind'): HostPort {
    const expected =
      kind === 'bind'
        ? 'IP:PORT (an IPv4 address or [IPv6], port 1..65535 or 0 for any free port; no names: ' +
          'the launcher does not resolve)'
        : kind === 'ip'
          ? 'IP:PORT (an IPv4 address or [IPv6], port 1..65535; no names: the launcher does not resolve)'
          : 'HOST:PORT (an IP address, [IPv6] or a host name, port 1..65535)';
    const text = this.plainText(node, key, keyAt, expected);
    const hp =
      kind === 'bind' ? parseHostPort(text, 'ip', { anyPort: true }) : parseHostPort(text, kind);
    if (typeof hp === 'string')
      this.fail(this.nodeAt(node as AnyNode, keyAt), `${key}: ${hp}`, expected);
    return hp;
  }

  integer(node: unknown, key: string, keyAt: SourceLocation, min: number, max: number): number {
    const expected = `an integer in ${min}..${max}`;
    const text = this.plainText(node, key, keyAt, expected);
    if (!/^-?[0-9]+$/.test(text)) {
      this.fail(
        this.nodeAt(node as AnyNode, keyAt),
        `${key}: "${text}" is not an integer`,
        expected,
      );
    }
    const n = Number(text);
    if (n < min || n > max) {
      this.fail(this.nodeAt(node as AnyNode, keyAt), `${key}: ${text} is out of range`, expected);
    }
    return n;
  }

  // ---- top-level keys ----

  network(node: unknown, keyAt: SourceLocation): Network {
    const expected = NETWORKS.join(' | ');
    const text = this.plainText(node, 'network', keyAt, expected);
    if (!(NETWORKS as readonly string[]).includes(text)) {
      this.fail(
        this.nodeAt(node as AnyNode, keyAt),
        `network: unknown network "${text}"`,
        expected,
      );
    }
    return text as Network;
  }

  dir(node: unknown, key: string, keyAt: SourceLocation): DirGrant {
    const expected = `!dir {path: PATH}`;
    this.requireTag(node, key, keyAt, ['!dir', '!file'], expected);
    const f = this.fields(node as AnyNode, key, keyAt, ['path'], expected);
    const p = f.get('path');
    if (p === undefined) this.fail(keyAt, `${key}: no path`, expected);
    return { at: keyAt, path: this.path(p.value, `${key}.path`, p.at) };
  }

  fileGrant(node: unknown, key: string, keyAt: SourceLocation): FileGrant {
    const expected = `!file {path: PATH}`;
    this.requireTag(node, key, keyAt, ['!file'], expected);
    const f = this.fields(node as AnyNode, key, keyAt, ['path'], expected);
    const p = f.get('path');
    if (p === undefined) this.fail(keyAt, `${key}: no path`, expected);
    return { at: keyAt, path: this.path(p.value, `${key}.path`, p.at) };
  }

  console(node: unknown, keyAt: SourceLocation): ConsoleGrant {
    const expected = '!fd stdout or !fd stderr';
    this.requireTag(node, 'console', keyAt, ['!fd'], expected);
    if (!isScalar(node) || (node.source !== 'stdout' && node.source !== 'stderr')) {
      this.fail(this.nodeAt(node as AnyNode, keyAt), 'console: not stdout or stderr', expected);
    }
    return { at: keyAt, fd: node.source };
  }

  socket(node: unknown, key: string, keyAt: SourceLocation): SocketGrant {
    const expected = '!socket {bind: IP:PORT} or !socket {fd: N}';
    this.requireTag(node, key, keyAt, ['!socket'], expected);
    const f = this.fields(node as AnyNode, key, keyAt, ['bind', 'fd', 'type'], expected);
    const type = f.get('type');
    if (type !== undefined) {
      // cloudabi-run socket entries may say `type: stream`; only TCP streams exist here.
      const t = this.plainText(type.value, `${key}.type`, type.at, 'stream');
      if (t !== 'stream') this.fail(type.at, `${key}.type: "${t}" is not supported`, 'stream');
    }
    const bind = f.get('bind');
    const fd = f.get('fd');
    if ((bind === undefined) === (fd === undefined)) {
      this.fail(keyAt, `${key}: ${bind ? 'both bind and fd' : 'neither bind nor fd'}`, expected);
    }
    if (bind !== undefined) {
      return {
        at: keyAt,
        kind: 'bind',
        bind: this.hostPort(bind.value, `${key}.bind`, bind.at, 'bind'),
      };
    }
    // 0..2 are stdio; systemd socket activation hands sockets from fd 3 (SD_LISTEN_FDS_START).
    return { at: keyAt, kind: 'fd', fd: this.integer(fd!.value, `${key}.fd`, fd!.at, 3, 65535) };
  }

  /** `zmq: {hashblock: !socket {...}, rawtx: ..., ...}`: at least one topic. */
  zmq(node: unknown, keyAt: SourceLocation): ZmqGrants {
    const expected = `a map of ${ZMQ_TOPICS.join(', ')} to !socket {bind: IP:PORT} or {fd: N}`;
    this.noAlias(node, 'zmq', keyAt);
    if (!this.isPlain(node)) this.fail(keyAt, `zmq: unexpected tag ${this.tagOf(node)}`, expected);
    const f = this.fields(node, 'zmq', keyAt, ZMQ_TOPICS, expected);
    if (f.size === 0) this.fail(keyAt, 'zmq: no topic', expected);
    const out: Partial<Record<(typeof ZMQ_TOPICS)[number], SocketGrant>> = {};
    for (const [topic, entry] of f) {
      out[topic as (typeof ZMQ_TOPICS)[number]] = this.socket(
        entry.value,
        `zmq.${topic}`,
        entry.at,
      );
    }
    return out;
  }

  outbound(node: unknown, keyAt: SourceLocation): OutboundGrant {
    const expected =
      '!direct, !direct {allow: [HOST:PORT, ...]} or !socks5 {proxy: IP:PORT, unroutable: direct}';
    const tag = this.requireTag(node, 'outbound', keyAt, ['!direct', '!socks5'], expected);
    if (tag === '!direct') {
      if (isScalar(node) && (node.value === '' || node.value === null)) {
        return { at: keyAt, kind: 'direct' };
      }
      const f = this.fields(node as AnyNode, 'outbound', keyAt, ['allow'], expected);
      const allow = f.get('allow');
      if (allow === undefined) return { at: keyAt, kind: 'direct' };
      const list = allow.value;
      if (!isSeq(list)) {
        this.fail(allow.at, 'outbound.allow: not a list', 'a list of HOST:PORT');
      }
      const entries = list.items.map((item) =>
        this.hostPort(item, 'outbound.allow', this.nodeAt(item as AnyNode, allow.at), 'ip-or-name'),
      );
      return { at: keyAt, kind: 'direct', allow: entries };
    }
    const f = this.fields(node as AnyNode, 'outbound', keyAt, ['proxy', 'unroutable'], expected);
    const proxy = f.get('proxy');
    if (proxy === undefined) this.fail(keyAt, 'outbound: !socks5 without proxy', expected);
    const unroutable = f.get('unroutable');
    if (
      unroutable !== undefined &&
      !(isScalar(unroutable.value) && unroutable.value.value === 'direct')
    ) {
      this.fail(unroutable.at, 'outbound.unroutable: not "direct"', 'unroutable: direct');
    }
    return {
      at: keyAt,
      kind: 'socks5',
      proxy: this.hostPort(proxy.value, 'outbound.proxy', proxy.at, 'ip'),
      ...(unroutable !== undefined && { unroutableDirect: true }),
    };
  }

  entropy(node: unknown, keyAt: SourceLocation, network: Network | undefined): EntropyGrant {
    const expected = `!random os or !random {seed: HEX} (1..${MAX_SEED_BYTES} bytes)`;
    this.requireTag(node, 'entropy', keyAt, ['!random'], expected);
    if (isScalar(node)) {
      if (node.source !== 'os') this.fail(this.nodeAt(node, keyAt), 'entropy: not "os"', expected);
      return { at: keyAt, kind: 'os' };
    }
    const f = this.fields(node as AnyNode, 'entropy', keyAt, ['seed'], expected);
    const seed = f.get('seed');
    if (seed === undefined) this.fail(keyAt, 'entropy: no seed', expected);
    const hex = this.plainText(seed.value, 'entropy.seed', seed.at, expected);
    const hexAt = this.nodeAt(seed.value as AnyNode, seed.at);
    if (!/^([0-9a-fA-F]{2})+$/.test(hex) || hex.length > MAX_SEED_BYTES * 2) {
      this.fail(hexAt, `entropy.seed: "${hex}" is not an even number of hex digits`, expected);
    }
    if (network === 'main') {
      // Keys drawn from a known seed are known keys; a reproducible node is for test chains.
      this.fail(keyAt, 'entropy: a seeded Random on the main network', '!random os on main');
    }
    return { at: keyAt, kind: 'seed', seed: Uint8Array.from(Buffer.from(hex, 'hex')) };
  }

  clock(node: unknown, keyAt: SourceLocation): ClockGrant {
    const expected = '!mock {time: UNIX_SECONDS}';
    this.requireTag(node, 'clock', keyAt, ['!mock'], expected);
    const f = this.fields(node as AnyNode, 'clock', keyAt, ['time'], expected);
    const time = f.get('time');
    if (time === undefined) this.fail(keyAt, 'clock: no time', expected);
    const timeSeconds = this.integer(time.value, 'clock.time', time.at, 1, MAX_MOCK_TIME_SECONDS);
    return { at: keyAt, kind: 'mock', timeSeconds };
  }

  loadblock(node: unknown, keyAt: SourceLocation): FileGrant[] {
    this.noAlias(node, 'loadblock', keyAt);
    if (isSeq(node) && this.isPlain(node)) {
      return node.items.map((item, i) =>
        this.fileGrant(item, `loadblock[${i}]`, this.nodeAt(item as AnyNode, keyAt)),
      );
    }
    return [this.fileGrant(node, 'loadblock', keyAt)];
  }

  confine(node: unknown, keyAt: SourceLocation): Confine {
    const expected = CONFINE_MODES.join(' | ');
    const text = this.plainText(node, 'confine', keyAt, expected);
    if (!(CONFINE_MODES as readonly string[]).includes(text)) {
      this.fail(this.nodeAt(node as AnyNode, keyAt), `confine: unknown mode "${text}"`, expected);
    }
    return text as Confine;
  }

  args(
    node: unknown,
    keyAt: SourceLocation,
  ): { args: Record<string, ArgValue>; argsAt: Record<string, SourceLocation> } {
    const expected = 'a map of bitcoind options (name: value)';
    this.noAlias(node, 'args', keyAt);
    if (!this.isPlain(node)) this.fail(keyAt, `args: unexpected tag ${this.tagOf(node)}`, expected);
    const args: Record<string, ArgValue> = {};
    const argsAt: Record<string, SourceLocation> = {};
    if (isScalar(node) && node.value === null) return { args, argsAt };
    if (!isMap(node)) this.fail(this.nodeAt(node, keyAt), 'args: not a map', expected);
    for (const pair of node.items) {
      const k = pair.key as AnyNode | null;
      const kAt = this.nodeAt(k, keyAt);
      if (!isScalar(k) || typeof k.value !== 'string') {
        this.fail(kAt, 'args: an option name that is not text', expected);
      }
      const name = k.value;
      const refused = REFUSED_ARGS[name];
      if (refused !== undefined) {
        this.fail(kAt, `args.${name}: not accepted: ${refused}`, `no "${name}" in args`);
      }
      const kind = BITCOIND_ARGS[name];
      if (kind === undefined) {
        this.fail(
          kAt,
          `args: unknown option "${name}"`,
          'a bitcoind option listed in the manifest README',
        );
      }
      args[name] = this.argValue(pair.value, `args.${name}`, kAt, kind);
      argsAt[name] = kAt;
    }
    return { args, argsAt };
  }

  argValue(node: unknown, key: string, keyAt: SourceLocation, kind: string): ArgValue {
    switch (kind) {
      case 'flag': {
        const expected = 'true, false, 1 or 0';
        const text = this.plainText(node, key, keyAt, expected);
        if (text === 'true' || text === '1') return true;
        if (text === 'false' || text === '0') return false;
        return this.fail(
          this.nodeAt(node as AnyNode, keyAt),
          `${key}: "${text}" is not a boolean`,
          expected,
        );
      }
      case 'int':
        return this.integer(node, key, keyAt, -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
      case 'amount': {
        const expected = 'an amount in BTC with at most 8 decimals (e.g. 0.00001)';
        const text = this.plainText(node, key, keyAt, expected);
        if (!/^[0-9]+(\.[0-9]{1,8})?$/.test(text)) {
          this.fail(
            this.nodeAt(node as AnyNode, keyAt),
            `${key}: "${text}" is not an amount`,
            expected,
          );
        }
        return text;
      }
      case 'string':
        return this.plainText(node, key, keyAt, 'one text value');
      default: {
        const expected = 'one value or a list of values';
        this.noAlias(node, key, keyAt);
        const items = isSeq(node) && this.isPlain(node) ? node.items : [node];
        const values = items.map((item) =>
          this.plainText(item, key, this.nodeAt(item as AnyNode, keyAt), expected),
        );
        if (key === 'args.connect' || key === 'args.addnode' || key === 'args.seednode') {
          items.forEach((item, i) =>
            this.peerAddress(values[i]!, key, this.nodeAt(item as AnyNode, keyAt)),
          );
        }
        return values;
      }
    }
  }

  /** `-connect`/`-addnode`/`-seednode` take HOST or HOST:PORT; `connect: 0` disables. */
  peerAddress(text: string, key: string, at: SourceLocation): void {
    const expected = 'HOST or HOST:PORT (an IP address, [IPv6] or a host name)';
    if (key === 'args.connect' && (text === '0' || text === 'false')) return;
    const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
    if (ipVersion(bare) !== 0 || isHostName(bare)) return;
    const hp = parseHostPort(text, 'ip-or-name');
    if (typeof hp === 'string') this.fail(at, `${key}: ${hp}`, expected);
  }
}

/**
 * Parses a manifest. `fileName` is used in messages only; `baseDir` (absolute) is the folder
 * relative paths resolve against, normally the manifest's own folder.
 */
export function parseManifest(sourceText: string, fileName: string, baseDir: string): Manifest {
  if (typeof sourceText !== 'string') throw new TypeError('parseManifest: sourceText is required');
  if (typeof fileName !== 'string') throw new TypeError('parseManifest: fileName is required');
  if (typeof baseDir !== 'string' || !isAbsolute(baseDir)) {
    throw new TypeError(`parseManifest: baseDir must be an absolute path, got ${String(baseDir)}`);
  }
  const lines = new LineCounter();
  const w: Walker = new Walker(sourceText, fileName, baseDir, lines);
  const doc = parseDocument(sourceText, {
    customTags: CUSTOM_TAGS,
    lineCounter: lines,
    prettyErrors: false,
    strict: true,
    uniqueKeys: true,
  });
  const first = doc.errors[0] ?? doc.warnings[0];
  if (first !== undefined) w.fromYaml(first);

  const start: SourceLocation = { file: fileName, line: 1, col: 1 };
  const top = `a map with ${TOP_KEYS.join(', ')}`;
  const root = doc.contents as AnyNode | null;
  if (root === null || (isScalar(root) && root.value === null)) {
    w.fail(start, 'the manifest is empty', top);
  }
  if (!isMap(root) || !w.isPlain(root))
    w.fail(w.nodeAt(root, start), 'the manifest is not a map', top);
  const rootAt = w.nodeAt(root, start);

  const seen = new Map<TopKey, { value: unknown; at: SourceLocation }>();
  for (const pair of root.items) {
    const k = pair.key as AnyNode | null;
    const kAt = w.nodeAt(k, rootAt);
    if (!isScalar(k) || typeof k.value !== 'string') w.fail(kAt, 'a key that is not a name', top);
    if (!(TOP_KEYS as readonly string[]).includes(k.value)) {
      w.fail(kAt, `unknown key "${k.value}"`, `one of ${TOP_KEYS.join(', ')}`);
    }
    seen.set(k.value as TopKey, { value: pair.value, at: kAt });
  }

  const need = (key: TopKey, expected: string): { value: unknown; at: SourceLocation } => {
    const e = seen.get(key);
    if (e === undefined) w.fail(rootAt, `missing ${key}`, `${key}: ${expected}`);
    return e;
  };
  const n = need('network', NETWORKS.join(' | '));
  const network = w.network(n.value, n.at);
  const d = need('datadir', '!dir {path: PATH}');
  const r = need('rpc', '!socket {bind: IP:PORT} or !socket {fd: N}');
  const e = need('entropy', '!random os or !random {seed: HEX}');

  const opt = <T>(key: TopKey, f: (v: unknown, at: SourceLocation) => T): T | undefined => {
    const entry = seen.get(key);
    return entry === undefined ? undefined : f(entry.value, entry.at);
  };
  const argsEntry = opt('args', (v, at) => w.args(v, at));
  const confineEntry = seen.get('confine');
  const manifest: Manifest = {
    fileName,
    network,
    datadir: w.dir(d.value, 'datadir', d.at),
    rpc: w.socket(r.value, 'rpc', r.at),
    entropy: w.entropy(e.value, e.at, network),
    loadblock: opt('loadblock', (v, at) => w.loadblock(v, at)) ?? [],
    args: argsEntry?.args ?? {},
    argsAt: argsEntry?.argsAt ?? {},
    confine: confineEntry ? w.confine(confineEntry.value, confineEntry.at) : 'off',
  };
  const optional = {
    console: opt('console', (v, at) => w.console(v, at)),
    p2p: opt('p2p', (v, at) => w.socket(v, 'p2p', at)),
    outbound: opt('outbound', (v, at) => w.outbound(v, at)),
    clock: opt('clock', (v, at) => w.clock(v, at)),
    wallets: opt('wallets', (v, at) => w.dir(v, 'wallets', at)),
    blocksdir: opt('blocksdir', (v, at) => w.dir(v, 'blocksdir', at)),
    chainstatedir: opt('chainstatedir', (v, at) => w.dir(v, 'chainstatedir', at)),
    zmq: opt('zmq', (v, at) => w.zmq(v, at)),
    confineAt: confineEntry?.at,
  };
  for (const [k, v] of Object.entries(optional)) {
    if (v !== undefined) (manifest as unknown as Record<string, unknown>)[k] = v;
  }
  return manifest;
}
