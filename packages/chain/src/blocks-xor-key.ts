/**
 * The key the blk/rev files are obfuscated with (Core 28+'s InitBlocksdirXorKey): kept in
 * `xor.dat` in the block files' folder. On the very first start (the folder holds nothing but
 * hidden files) with `-blocksxor` on (the default) the key is 8 fresh bytes from the Random
 * capability; a folder that already holds block files but no xor.dat was written plain, so it
 * gets a zero key and stays readable. An existing xor.dat always wins. `-blocksxor=0` with a
 * non-zero stored key is refused, as Core refuses it.
 */
import { randomBytesFrom, type Random } from '@bitcoind-lite/entropy';
import type { Logger } from '@bitcoind-lite/runtime';
import { BLOCKS_XOR_KEY_BYTES, isZeroXorKey, type Dir } from '@bitcoind-lite/storage';

export const XOR_KEY_FILE = 'xor.dat';

export class BlocksXorKeyError extends Error {
  override readonly name = 'BlocksXorKeyError';
}

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

export async function initBlocksDirXorKey(
  blocksDir: Dir,
  o: { random: Random; useXor: boolean; logger?: Logger | undefined },
): Promise<Uint8Array> {
  if (o.random === undefined) throw new TypeError('initBlocksDirXorKey: random is required');
  const firstRun = (await blocksDir.list()).every((name) => name.startsWith('.'));
  let key: Uint8Array = new Uint8Array(BLOCKS_XOR_KEY_BYTES);
  if (o.useXor && firstRun) key = randomBytesFrom(o.random, BLOCKS_XOR_KEY_BYTES);

  if (await blocksDir.exists(XOR_KEY_FILE)) {
    const stored = await blocksDir.readFile(XOR_KEY_FILE);
    if (stored.length < BLOCKS_XOR_KEY_BYTES) {
      throw new BlocksXorKeyError(
        `${blocksDir.description}/${XOR_KEY_FILE}: ${stored.length} bytes, expected ${BLOCKS_XOR_KEY_BYTES}`,
      );
    }
    key = stored.slice(0, BLOCKS_XOR_KEY_BYTES);
  } else {
    await blocksDir.writeFileAtomic(XOR_KEY_FILE, key);
  }
  if (!o.useXor && !isZeroXorKey(key)) {
    throw new BlocksXorKeyError(
      `The blocksdir XOR-key can not be disabled when a random key was already stored! Stored key: '${hex(key)}', stored path: '${blocksDir.description}/${XOR_KEY_FILE}'.`,
    );
  }
  o.logger?.info(
    `Using obfuscation key for blocksdir *.dat files (${blocksDir.description}): '${hex(key)}'`,
  );
  return key;
}
