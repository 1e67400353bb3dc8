/**
 * Every option name `bin/bitcoind` understands, and what becomes of it. Core's `bitcoind` knows
 * roughly 200 options; bitcoind-lite starts from a capability manifest instead, so each option
 * lands in exactly one of these places:
 *
 * - `args`: the manifest's `args:` map accepts it (`BITCOIND_ARGS` in @bitcoind-lite/manifest);
 *   it is passed through unchanged and the manifest parser checks its value.
 * - `FRONT_END_OPTIONS`: read here and turned into a grant (datadir, sockets, outbound, clock,
 *   log sink) or into the choice of chain; the manifest refuses most of them inside `args`.
 * - `IGNORED_OPTIONS`: Core options with no observable effect on this node (log decoration, UI,
 *   NAT traversal, debug self-checks). Accepted silently so that
 *   Core's test framework, which always passes them, works unchanged.
 * - `UNSUPPORTED_OPTIONS`: Core options this node cannot honour; refused with a message that says
 *   so, rather than ignored, because a silently dropped option makes the node lie.
 * Anything else is not a Core option at all: Core's "Invalid parameter" error.
 */

/** Options read by the front end itself (see settings-to-manifest.ts for each). */
export const FRONT_END_OPTIONS: ReadonlySet<string> = new Set([
  'datadir', // the `datadir: !dir` grant; Core's default is ~/.bitcoin
  'conf', // which bitcoin.conf to read (relative to the datadir, as Core)
  'includeconf', // further config files, config file only (as Core)
  'chain', // `network:`; main | test | signet | regtest
  'regtest',
  'testnet',
  'testnet4', // known to Core; refused: no testnet4 chain parameters here
  'signet',
  'rpcport', // with `rpcbind`: the `rpc: !socket` grant
  'rpcbind',
  'port', // with `bind`/`listen`: the `p2p: !socket` grant
  'bind',
  'proxy', // the `outbound: !socks5` grant
  'printtoconsole', // log lines to stdout as well as debug.log (Core's default unless -daemon)
  'debuglogfile', // -nodebuglogfile only: no debug.log; another path is refused
  'mocktime', // the `clock: !mock` grant (frozen there, as Core's)
  'loadblock', // the `loadblock: !file` grant
  'walletdir', // the `wallets: !dir` grant (default <datadir>/<chain>/wallets, as Core)
  'blocksdir', // the `blocksdir: !dir` grant (blk/rev files in <blocksdir>/<chain>/blocks)
  'version', // print the version line and exit
  'help', // print usage and exit
  'help-debug',
  'h',
  '?',
  'confine', // not Core's: the manifest's `confine:` (required | best-effort | off)
]);

/**
 * Core options accepted and ignored. Each has no effect worth emulating on this node, or is
 * always on/off here already. Core's test framework passes most of these on every start.
 */
export const IGNORED_OPTIONS: Readonly<Record<string, string>> = {
  logtimemicros: 'log timestamps are whole seconds; the framework only greps the text',
  logratelimit: 'no log rate limiting to turn off (framework passes -nologratelimit)',
  loglevelalways: 'log level names are not printed per line',
  upnp: 'the node never maps ports on a router (Core removed UPnP; framework sets upnp=0)',
  natpmp: 'the node never maps ports on a router',
  rpcdoccheck: 'RPC help is not self-checked at run time',
  rpccookieperms: 'the cookie is always written 0600',
  unsafesqlitesync: 'no SQLite wallet database here (the wallet keeps its own files)',
  prevoutfetchthreads: 'inputs are fetched on the event loop, no worker threads',
  dbbatchsize: 'LevelDB batch size is managed by the storage package',
  persistmempoolv1: 'mempool.dat is written in the version the node reads back',
  printpriority: 'block assembly does not log per-transaction priority',
  checkaddrman: 'addrman consistency checks are a Core debug aid',
  checkblockindex: 'block index consistency checks are a Core debug aid',
  checkmempool: 'mempool consistency checks are a Core debug aid',
  capturemessages: 'no message capture files (would need a grant of its own)',
  allowignoredconf: 'a datadir bitcoin.conf next to -conf is never an error here',
  cjdnsreachable: 'no CJDNS network',
  i2pacceptincoming: 'no I2P (no i2psam)',
  proxyrandomize: 'SOCKS5 credentials are not randomised per connection',
  txreconciliation: 'no Erlay (BIP330)',
  pid: 'the launcher owns the process; no bitcoind.pid is written',
  // Wallet options the node reads (-disablewallet, -fallbackfee, -mintxfee, -maxtxfee, -txconfirmtarget,
  // -walletrbf, -keypool, -addresstype, -changetype, ...) are passed through as `args`; see
  // apps/node/src/wallet-setup.ts. Only this one (and -unsafesqlitesync above) has no effect:
  paytxfee: 'removed from Core; accepted for old configs, the wallet never reads it',
};

/** Core options this node cannot honour: refused by name. */
export const UNSUPPORTED_OPTIONS: Readonly<Record<string, string>> = {
  daemon: 'the launcher does not fork into the background',
  daemonwait: 'the launcher does not fork into the background',
  settings: 'no settings.json; the configuration is read-only',
  rpccookiefile: 'the cookie is written to <datadir>/<chain>/.cookie',
  onion: 'use -proxy (the outbound grant) for all connections',
  i2psam: 'no I2P',
  torcontrol: 'no Tor control port',
  torpassword: 'no Tor control port',
  whitebind: 'one P2P socket only (-bind)',
  externalip: 'no local address advertisement',
  dns: 'the node does no DNS lookups of its own',
  asmap: 'no asmap file grant',
  alertnotify: 'the node starts no processes',
  blocknotify: 'the node starts no processes',
  startupnotify: 'the node starts no processes',
  shutdownnotify: 'the node starts no processes',
  walletnotify: 'the node starts no processes',
  signer: 'the node starts no processes',
  signetchallenge: 'only the default signet',
  signetseednode: 'only the default signet',
  testactivationheight: 'regtest activation heights are fixed',
  fastprune: 'no fast-prune block files',
  blockversion: 'block version for mining is fixed',
  blockreservedweight: 'block assembly reserves Core default weight',
  stopatheight: 'not implemented',
  stopafterblockimport: 'not implemented',
  maxtipage: 'not implemented',
  acceptstalefeeestimates: 'no fee estimator',
  limitclustercount: 'no cluster mempool limits',
  limitclustersize: 'no cluster mempool limits',
  txospenderindex: 'no spender index',
  privatebroadcast: 'not implemented',
  whitelistrelay: 'not implemented',
  whitelistforcerelay: 'not implemented',
  ipcbind: 'no multiprocess IPC',
};

/**
 * Core's NETWORK_ONLY options: in bitcoin.conf outside a `[section]` they apply to mainnet only
 * (Core ignores them there for other chains, with a warning).
 */
export const NETWORK_ONLY_OPTIONS: ReadonlySet<string> = new Set([
  'bind',
  'port',
  'rpcbind',
  'rpcport',
  'wallet',
  'walletdir',
]);
