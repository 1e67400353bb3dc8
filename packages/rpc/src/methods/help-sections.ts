/**
 * "Result:" and "Examples:" help sections, laid out as Core's RPCHelpMan prints them, for methods
 * registered without them (blockchain.ts, network.ts and control.ts predate the sections). Filled
 * in only where a method has none, so a file that adds its own wins.
 */
import { exampleCli, exampleRpc, type RpcTable } from '../registry.js';

const HASH = '"00000000c937983704a73af28acdec37b049d214adbda81d7e2a3dd146f6ed09"';

const both = (method: string, cli = '', rpc = cli): string =>
  exampleCli(method, cli) + exampleRpc(method, rpc);

const SECTIONS: Record<string, { result: string; examples?: string }> = {
  getblockchaininfo: {
    result: `{                                         (json object)
  "chain" : "str",                        (string) current network name (main, test, testnet4, signet, regtest)
  "blocks" : n,                           (numeric) height of the most-work fully-validated chain
  "headers" : n,                          (numeric) the current number of headers validated
  "bestblockhash" : "str",                (string) hash of the tip
  "bits" : "hex",                         (string) nBits of the tip
  "target" : "hex",                       (string) the tip's target
  "difficulty" : n,                       (numeric) the current difficulty
  "time" : xxx,                           (numeric) the tip's block time, UNIX epoch seconds
  "mediantime" : xxx,                     (numeric) the tip's median time past
  "verificationprogress" : n,             (numeric) estimate of verification progress [0..1]
  "initialblockdownload" : true|false,    (boolean) whether the node is in initial block download
  "chainwork" : "hex",                    (string) total work in the active chain, hex
  "size_on_disk" : n,                     (numeric) bytes of the block and undo files
  "pruned" : true|false,                  (boolean) whether blocks are pruned
  "signet_challenge" : "hex",             (string, optional) the block challenge (signet only)
  "warnings" : [                          (json array) network and blockchain warnings
    "str",                                (string) warning
    ...
  ]
}`,
    examples: both('getblockchaininfo'),
  },
  getblockcount: {
    result: 'n    (numeric) The current block count',
    examples: both('getblockcount'),
  },
  getbestblockhash: {
    result: '"hex"    (string) the block hash, hex-encoded',
    examples: both('getbestblockhash'),
  },
  getblockhash: {
    result: '"hex"    (string) The block hash',
    examples: both('getblockhash', '1000'),
  },
  getblockheader: {
    result: `Result (for verbose = true):
{                                 (json object)
  "hash" : "hex",                 (string) the block hash (same as provided)
  "confirmations" : n,            (numeric) confirmations, or -1 if not on the main chain
  "height" : n,                   (numeric) The block height or index
  "version" : n,                  (numeric) The block version
  "versionHex" : "hex",           (string) The block version in hexadecimal
  "merkleroot" : "hex",           (string) The merkle root
  "time" : xxx,                   (numeric) The block time, UNIX epoch seconds
  "mediantime" : xxx,             (numeric) The median block time, UNIX epoch seconds
  "nonce" : n,                    (numeric) The nonce
  "bits" : "hex",                 (string) nBits: compact form of the target
  "target" : "hex",               (string) The difficulty target
  "difficulty" : n,               (numeric) The difficulty
  "chainwork" : "hex",            (string) Expected hashes to produce the chain up to this block (hex)
  "nTx" : n,                      (numeric) The number of transactions in the block
  "previousblockhash" : "hex",    (string, optional) The hash of the previous block (if available)
  "nextblockhash" : "hex"         (string, optional) The hash of the next block (if available)
}

Result (for verbose=false):
"hex"    (string) the serialized, hex-encoded header`,
    examples: both('getblockheader', HASH),
  },
  getblock: {
    result: `Result (for verbosity = 0):
"hex"    (string) the serialized, hex-encoded block

Result (for verbosity = 1):
{                                 (json object)
  ...,                            The getblockheader fields, then:
  "strippedsize" : n,             (numeric) The block size excluding witness data
  "size" : n,                     (numeric) The block size
  "weight" : n,                   (numeric) The block weight (BIP 141)
  "tx" : [                        (json array) The transaction ids
    "hex",                        (string) The transaction id
    ...
  ]
}

Result (for verbosity = 2):
{                   (json object)
  ...,              As verbosity = 1, with each "tx" entry decoded as getrawtransaction does
}

Result (for verbosity = 3):
{                   (json object)
  ...,              As verbosity = 2, with a "prevout" object on each input when undo data exists
}`,
    examples: both('getblock', HASH),
  },
  getdifficulty: {
    result: 'n    (numeric) the proof-of-work difficulty as a multiple of the minimum difficulty.',
    examples: both('getdifficulty'),
  },
  getchaintips: {
    result: `[                        (json array)
  {                      (json object)
    "height" : n,        (numeric) height of the chain tip
    "hash" : "hex",      (string) block hash of the tip
    "branchlen" : n,     (numeric) zero for the main chain, else the length of the branch to it
    "status" : "str"     (string) "active", "valid-fork", "valid-headers", "headers-only" or "invalid"
  },
  ...
]`,
    examples: both('getchaintips'),
  },
  getnetworkinfo: {
    result: `{                                                    (json object)
  "version" : n,                                     (numeric) the server version
  "subversion" : "str",                              (string) the server subversion string
  "protocolversion" : n,                             (numeric) the protocol version
  "localservices" : "hex",                           (string) the services we offer to the network
  "localservicesnames" : [ "str", ... ],             (json array) the same, by name
  "localrelay" : true|false,                         (boolean) whether transaction relay is requested from peers
  "timeoffset" : n,                                  (numeric) the time offset
  "networkactive" : true|false,                      (boolean) whether p2p networking is enabled
  "connections" : n,                                 (numeric) the total number of connections
  "connections_in" : n,                              (numeric) the number of inbound connections
  "connections_out" : n,                             (numeric) the number of outbound connections
  "networks" : [                                     (json array) per network: name, limited, reachable, proxy, proxy_randomize_credentials
    ...
  ],
  "relayfee" : n,                                    (numeric) minimum relay fee rate in BTC/kvB
  "incrementalfee" : n,                              (numeric) minimum fee rate increment in BTC/kvB
  "localaddresses" : [ ... ],                        (json array) local addresses
  "warnings" : [ "str", ... ]                        (json array) network and blockchain warnings
}`,
    examples: both('getnetworkinfo'),
  },
  getpeerinfo: {
    result: `[                                         (json array)
  {                                       (json object) one connected peer, keys in Core 29's order:
    ...                                   id, addr, addrbind, addrlocal, network, services, servicesnames,
                                          relaytxes, last_inv_sequence, inv_to_send, lastsend, lastrecv,
                                          last_transaction, last_block, bytessent, bytesrecv, conntime,
                                          timeoffset, pingtime, minping, pingwait, version, subver, inbound,
                                          bip152_hb_to, bip152_hb_from, presynced_headers, synced_headers,
                                          synced_blocks, inflight, addr_relay_enabled, addr_processed,
                                          addr_rate_limited, permissions, minfeefilter, bytessent_per_msg,
                                          bytesrecv_per_msg, connection_type, transport_protocol_type, session_id
    "network" : "str",                    (string) Network (ipv4, ipv6, onion, i2p, cjdns, not_publicly_routable)
  },
  ...
]`,
    examples: both('getpeerinfo'),
  },
  getconnectioncount: {
    result: 'n    (numeric) The connection count',
    examples: both('getconnectioncount'),
  },
  addnode: {
    result: 'null    (json null)',
    examples:
      exampleCli('addnode', '"192.168.0.6:8333" "onetry" true') +
      exampleRpc('addnode', '"192.168.0.6:8333", "onetry" true'),
  },
  uptime: {
    result: 'n    (numeric) The number of seconds that the server has been running',
    examples: both('uptime'),
  },
  // Core gives help and stop a result but no examples.
  help: { result: '"str"    (string) The help text' },
  stop: { result: '"str"    (string) A string with the content \'Bitcoin Core stopping\'' },
};

/** Adds the sections to every listed method the table has and that lacks its own. */
export function addHelpSections(table: RpcTable): void {
  for (const [name, s] of Object.entries(SECTIONS)) {
    const m = table.get(name);
    if (m === undefined) continue;
    m.result ??= s.result;
    if (s.examples !== undefined) m.examples ??= s.examples;
  }
}
