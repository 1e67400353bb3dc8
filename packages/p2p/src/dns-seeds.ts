/**
 * DNS seed host names per network (Core's chainparams vSeeds). The node never resolves them:
 * they are contacted as addr-fetch connections through the Connector, so a `!socks5` proxy
 * resolves the name (Core does the same when a name proxy is set); with `!direct` they are
 * refused unless the manifest lists them, and with no outbound at all they are refused with a
 * log line. Regtest has none.
 */
const SEEDS: Record<string, string[]> = {
  main: [
    'seed.bitcoin.sipa.be.',
    'dnsseed.bluematt.me.',
    'seed.bitcoin.jonasschnelli.ch.',
    'seed.btc.petertodd.net.',
    'seed.bitcoin.sprovoost.nl.',
    'dnsseed.emzy.de.',
    'seed.bitcoin.wiz.biz.',
    'seed.mainnet.achownodes.xyz.',
  ],
  test: [
    'testnet-seed.bitcoin.jonasschnelli.ch.',
    'seed.tbtc.petertodd.net.',
    'seed.testnet.bitcoin.sprovoost.nl.',
    'testnet-seed.bluematt.me.',
  ],
  signet: ['seed.signet.bitcoin.sprovoost.nl.', 'seed.signet.achownodes.xyz.'],
  regtest: [],
};

export function dnsSeedsFor(network: string): string[] {
  return [...(SEEDS[network] ?? [])];
}
