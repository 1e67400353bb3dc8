/**
 * Persistence: a clean stop and start gives the same tip; `kill -9` at any moment gives a
 * datadir that restarts consistent (it may lose an unflushed tail, never corrupt the index).
 */
import { describe, expect, it } from 'vitest';
import { TestNode } from './framework/test-node.js';

const ADDR = 'bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080';

describe('feature_persistence', () => {
  it('stop and start gives the same tip and chain', async () => {
    const node = await TestNode.start({ noP2P: true, outbound: false });
    const hashes = await node.rpc<string[]>('generatetoaddress', 120, ADDR);
    await node.stop();
    expect(node.output).toContain('Shutdown: done');
    await node.launch();
    expect(await node.rpc('getblockcount')).toBe(120);
    expect(await node.rpc('getbestblockhash')).toBe(hashes[119]);
    expect(await node.rpc('getblockhash', 57)).toBe(hashes[56]);
    // The chain keeps growing from where it was.
    await node.rpc('generatetoaddress', 5, ADDR);
    expect(await node.rpc('getblockcount')).toBe(125);
    await node.stop();
  });

  it('kill -9 while mining leaves a datadir that restarts consistent', async () => {
    const node = await TestNode.start({ noP2P: true, outbound: false });
    let lastMined = 0;
    for (let round = 0; round < 4; round++) {
      // Mine in the background and kill the process while it is busy.
      const mining = node.rpc<string[]>('generatetoaddress', 400, ADDR).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 300 + round * 200));
      await node.kill();
      await mining;
      await node.launch();
      const height = await node.rpc<number>('getblockcount');
      // Never lower than what a previous run had already confirmed after a restart.
      expect(height).toBeGreaterThanOrEqual(lastMined);
      // The active chain links back to genesis and every block is readable.
      const tipHash = await node.rpc<string>('getbestblockhash');
      expect(await node.rpc('getblockhash', height)).toBe(tipHash);
      for (const h of [0, Math.floor(height / 2), height]) {
        const hash = await node.rpc<string>('getblockhash', h);
        const block = await node.rpc<{ height: number; hash: string }>('getblock', hash);
        expect(block.height).toBe(h);
      }
      const header = await node.rpc<{ previousblockhash?: string }>('getblockheader', tipHash);
      if (height > 0)
        expect(header.previousblockhash).toBe(await node.rpc('getblockhash', height - 1));
      // And the node can extend the chain it recovered.
      const [next] = await node.rpc<string[]>('generatetoaddress', 1, ADDR);
      expect(await node.rpc('getblockcount')).toBe(height + 1);
      expect(await node.rpc('getbestblockhash')).toBe(next);
      lastMined = height + 1;
    }
    await node.stop();
  });
});
