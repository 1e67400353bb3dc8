/**
 * Core's start-up refusal of a chainstate whose tip is more than two hours ahead of the clock
 * (VerifyLoadedChainstate): a real node mines under a clock 3 hours ahead, is restarted under
 * the real one and exits 1 with Core's text, printed without the "Error: " caption as Core's
 * non-interactive answer to its "rebuild the databases?" question is; 2 hours ahead still starts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TestNode, runLauncher } from './framework/test-node.js';

const ADDR = 'bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080';

describe('feature_future_tip', () => {
  it('refuses a tip from more than 2 hours in the future, accepts one 2 hours ahead', async () => {
    const now = Math.floor(Date.now() / 1000);
    const ahead = now + 3 * 3600;
    const node = await TestNode.start({
      noP2P: true,
      outbound: false,
      extraManifest: `clock: !mock\n  time: ${ahead}\n`,
    });
    await node.rpc('generatetoaddress', 1, ADDR);
    await node.stop();
    const manifest = readFileSync(node.manifestPath, 'utf8');

    // The tip is about 3 h after `now`: more than MAX_FUTURE_BLOCK_TIME ahead.
    writeFileSync(node.manifestPath, manifest.replace(`time: ${ahead}`, `time: ${now}`));
    const { code, output } = await runLauncher(node.manifestPath);
    expect(code, output).toBe(1);
    expect(output).toContain(
      "The block database contains a block which appears to be from the future. This may be due to your computer's date and time being set incorrectly. Only rebuild the block database if you are sure that your computer's date and time are correct.\nPlease restart with -reindex or -reindex-chainstate to recover.",
    );
    expect(output).not.toContain('Error: The block database');

    writeFileSync(
      node.manifestPath,
      manifest.replace(`time: ${ahead}`, `time: ${ahead - 7200 + 60}`),
    );
    await node.launch();
    expect(await node.rpc<number>('getblockcount')).toBe(1);
    await node.stop();
  }, 90_000);
});
