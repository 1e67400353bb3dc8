/**
 * Proof-of-work grinding for the regtest mining RPCs (Core's `GenerateBlock`): try nonces until
 * the header hash meets its target, giving up after `maxTries` as Core's `maxtries` argument.
 */
import { Block, checkProofOfWork, type ChainParams } from '@bitcoind-lite/consensus';

export interface MineResult {
  block: Block | undefined;
  triesUsed: number;
}

export function mineBlock(block: Block, params: ChainParams, maxTries: number): MineResult {
  let header = block.header;
  let tries = 0;
  for (let nonce = 0; tries < maxTries && nonce <= 0xffffffff; nonce++) {
    tries++;
    header = header.withNonce(nonce);
    if (checkProofOfWork(header.hash(), header.bits, params.powLimit)) {
      return { block: new Block(header, block.txs), triesUsed: tries };
    }
  }
  return { block: undefined, triesUsed: tries };
}
