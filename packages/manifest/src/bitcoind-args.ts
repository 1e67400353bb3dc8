/**
 * The `args:` map: Bitcoin Core's command-line options by their usual names, so that existing
 * bitcoind.conf knowledge carries over. Only the options below are accepted; anything else is an
 * error naming the option, because a silently ignored option makes the manifest lie.
 *
 * Options that would give the node a path, a port or a proxy of its own are refused with a
 * pointer to the manifest key that grants that capability instead (the node holds no ambient
 * authority: DESIGN.md "The one rule").
 */

/**
 * How a value is read:
 * - `flag`: a boolean; `true`/`false` or Core's `1`/`0`.
 * - `int`: an integer.
 * - `amount`: a BTC amount as Core parses it (`0.00001`); kept as the decimal text written, so
 *   no binary floating point touches it.
 * - `string`: one text value (numbers are taken as their text: `rpcpassword: 1234`).
 * - `list`: repeatable (`debug: [net, rpc]` or one value); always a list of strings.
 */
export type ArgKind = 'flag' | 'int' | 'amount' | 'string' | 'list';

export type ArgValue = boolean | number | string | string[];

export const BITCOIND_ARGS: Readonly<Record<string, ArgKind>> = {
  // Connections and peers (outbound goes through the `outbound` grant).
  connect: 'list',
  addnode: 'list',
  seednode: 'list',
  onlynet: 'list',
  dnsseed: 'flag',
  forcednsseed: 'flag',
  fixedseeds: 'flag',
  listen: 'flag',
  listenonion: 'flag',
  discover: 'flag',
  maxconnections: 'int',
  timeout: 'int',
  peertimeout: 'int',
  maxreceivebuffer: 'int',
  maxsendbuffer: 'int',
  maxuploadtarget: 'string',
  bantime: 'int',
  whitelist: 'list',
  blocksonly: 'flag',
  peerbloomfilters: 'flag',
  peerblockfilters: 'flag',
  v2transport: 'flag',
  networkactive: 'flag',
  uacomment: 'list',
  // JSON-RPC (the listening socket comes from the `rpc` grant).
  server: 'flag',
  rest: 'flag',
  rpcuser: 'string',
  rpcpassword: 'string',
  rpcauth: 'list',
  rpcallowip: 'list',
  rpcwhitelist: 'list',
  rpcwhitelistdefault: 'flag',
  rpcthreads: 'int',
  rpcworkqueue: 'int',
  rpcservertimeout: 'int',
  deprecatedrpc: 'list',
  // Logging (the sink comes from the `console` grant or debug.log in the datadir).
  debug: 'list',
  // Not a Core option: enables the hidden, test-only `debugcapabilityprobe` RPC (issue 7).
  debugprobe: 'flag',
  debugexclude: 'list',
  loglevel: 'list',
  printtoconsole: 'flag',
  logtimestamps: 'flag',
  logips: 'flag',
  logthreadnames: 'flag',
  logsourcelocations: 'flag',
  shrinkdebugfile: 'flag',
  // Chainstate, indexes and storage.
  txindex: 'flag',
  blockfilterindex: 'string',
  coinstatsindex: 'flag',
  dbcache: 'int',
  prune: 'int',
  reindex: 'flag',
  blocksxor: 'flag',
  'reindex-chainstate': 'flag',
  assumevalid: 'string',
  minimumchainwork: 'string',
  checkblocks: 'int',
  checklevel: 'int',
  par: 'int',
  maxsigcachesize: 'int',
  // Mempool and relay policy.
  maxmempool: 'int',
  mempoolexpiry: 'int',
  persistmempool: 'flag',
  maxorphantx: 'int',
  acceptnonstdtxn: 'flag',
  minrelaytxfee: 'amount',
  incrementalrelayfee: 'amount',
  dustrelayfee: 'amount',
  blockmintxfee: 'amount',
  blockmaxweight: 'int',
  datacarrier: 'flag',
  datacarriersize: 'int',
  permitbaremultisig: 'flag',
  bytespersigop: 'int',
  limitancestorcount: 'int',
  limitancestorsize: 'int',
  limitdescendantcount: 'int',
  limitdescendantsize: 'int',
  mempoolfullrbf: 'flag',
  blockreconstructionextratxn: 'int',
  // Wallet (its files live in the `wallets` grant).
  disablewallet: 'flag',
  wallet: 'list',
  fallbackfee: 'amount',
  mintxfee: 'amount',
  paytxfee: 'amount',
  maxtxfee: 'amount',
  discardfee: 'amount',
  keypool: 'int',
  txconfirmtarget: 'int',
  consolidatefeerate: 'amount',
  // An amount, or Core's -1 (partial spend avoidance off): checked by the node.
  maxapsfee: 'string',
  addresstype: 'string',
  changetype: 'string',
  spendzeroconfchange: 'flag',
  walletrbf: 'flag',
  walletbroadcast: 'flag',
  avoidpartialspends: 'flag',
  walletrejectlongchains: 'flag',
  walletcrosschain: 'flag',
  // ZMQ send high-water marks (the sockets come from the `zmq` grant).
  zmqpubhashblockhwm: 'int',
  zmqpubhashtxhwm: 'int',
  zmqpubrawblockhwm: 'int',
  zmqpubrawtxhwm: 'int',
  zmqpubsequencehwm: 'int',
  // Regtest knobs.
  vbparams: 'list',
  test: 'list',
};

/** Options that name a path, a port or a proxy: refused, with where the grant lives instead. */
export const REFUSED_ARGS: Readonly<Record<string, string>> = {
  rpcport: 'the RPC port comes from the `rpc: !socket` grant',
  rpcbind: 'the RPC address comes from the `rpc: !socket` grant',
  port: 'the P2P port comes from the `p2p: !socket` grant',
  bind: 'the P2P address comes from the `p2p: !socket` grant',
  whitebind: 'listening addresses come from the `p2p: !socket` grant',
  proxy: 'the proxy comes from the `outbound: !socks5` grant',
  onion: 'the proxy comes from the `outbound: !socks5` grant',
  i2psam: 'outbound connections come from the `outbound` grant',
  torcontrol: 'outbound connections come from the `outbound` grant',
  upnp: 'the node opens no ports of its own; listening sockets come from the manifest',
  natpmp: 'the node opens no ports of its own; listening sockets come from the manifest',
  datadir: 'the data directory comes from the `datadir: !dir` grant',
  blocksdir: 'the blocks directory comes from the `blocksdir: !dir` grant',
  // Not a Core option, but the name an operator would try for this node's `chainstatedir` key.
  chainstatedir: 'the chainstate directory comes from the `chainstatedir: !dir` grant',
  walletdir: 'wallets live in the `wallets: !dir` grant',
  conf: 'the manifest is the configuration',
  includeconf: 'the manifest is the configuration',
  settings: 'the manifest is the configuration',
  loadblock: 'block files to import are granted by the `loadblock: !file` key',
  debuglogfile: 'the log goes to the `console` grant or debug.log in the datadir',
  rpccookiefile: 'the cookie is written to the network folder of the datadir',
  pid: 'the launcher owns the process; no pid file is written',
  daemon: 'the launcher owns the process',
  chain: 'the chain comes from the `network` key',
  regtest: 'the chain comes from the `network` key',
  testnet: 'the chain comes from the `network` key',
  signet: 'the chain comes from the `network` key',
  mocktime: 'a fixed start time comes from the `clock: !mock {time}` key',
  zmqpubhashblock: 'the socket comes from the `zmq: {hashblock: !socket {bind: IP:PORT}}` grant',
  zmqpubhashtx: 'the socket comes from the `zmq: {hashtx: !socket {bind: IP:PORT}}` grant',
  zmqpubrawblock: 'the socket comes from the `zmq: {rawblock: !socket {bind: IP:PORT}}` grant',
  zmqpubrawtx: 'the socket comes from the `zmq: {rawtx: !socket {bind: IP:PORT}}` grant',
  zmqpubsequence: 'the socket comes from the `zmq: {sequence: !socket {bind: IP:PORT}}` grant',
};
