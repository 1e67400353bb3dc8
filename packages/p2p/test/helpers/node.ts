/** A PeerManager over real 127.0.0.1 sockets with an in-memory chain, for tests. */
import { getChainParams } from '@bitcoind-lite/consensus';
import { NO_OUTBOUND } from '../../src/connector.js';
import { PeerManager } from '../../src/net-processing.js';
import { MemChain } from './mem-chain.js';
import {
  osRandom,
  realClock,
  tcpConnector,
  tcpListener,
  testLogger,
  type MemorySink,
} from './net.js';

export interface TestNode {
  chain: MemChain;
  pm: PeerManager;
  port: number;
  sink: MemorySink;
  stop(): Promise<void>;
}

export async function startNode(
  opts: { connect?: string[]; addnode?: string[]; outbound?: boolean } = {},
): Promise<TestNode> {
  const params = getChainParams('regtest');
  const chain = new MemChain(params);
  const listener = await tcpListener();
  const { logger, sink } = testLogger();
  const pm = new PeerManager({
    chain,
    magic: params.messageStart,
    defaultPort: params.defaultPort,
    connector: opts.outbound === false ? NO_OUTBOUND : tcpConnector,
    listener,
    clock: realClock,
    random: osRandom,
    logger,
    connect: opts.connect ?? [],
    addnode: opts.addnode ?? [],
    tickMs: 100,
  });
  pm.start();
  return {
    chain,
    pm,
    port: listener.port,
    sink,
    async stop() {
      await pm.stop();
      await listener.close();
    },
  };
}
