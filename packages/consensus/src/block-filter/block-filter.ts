/**
 * BIP158 block filters: the "basic" filter type, its element set, and the filter hash and filter
 * header chain that BIP157 peers commit to (Core's blockfilter.{h,cpp}).
 */
import { Block } from '../block.js';
import { sha256d } from '../hash.js';
import { OP } from '../script/opcodes.js';
import { GcsFilter, type GcsParams } from './gcs-filter.js';

/** Filter types by their BIP157 wire number. Only basic (0) is defined. */
export const BlockFilterType = { BASIC: 0 } as const;
export type BlockFilterType = (typeof BlockFilterType)[keyof typeof BlockFilterType];

/** BIP158 basic filter parameters: P = 19, M = 784931 (close to the optimal M for P = 19). */
export const BASIC_FILTER_P = 19;
export const BASIC_FILTER_M = 784931;

/** Core's names for filter types, as `getblockfilter` and `-blockfilterindex` spell them. */
export function blockFilterTypeName(type: BlockFilterType): string {
  if (type === BlockFilterType.BASIC) return 'basic';
  throw new RangeError(`unknown block filter type ${String(type)}`);
}

export function blockFilterTypeByName(name: string): BlockFilterType | undefined {
  return name === 'basic' ? BlockFilterType.BASIC : undefined;
}

/** The GCS parameters of a block's filter: the key is the block hash's first 16 bytes. */
export function blockFilterParams(type: BlockFilterType, blockHash: Uint8Array): GcsParams {
  if (type !== BlockFilterType.BASIC) {
    throw new RangeError(`unknown block filter type ${String(type)}`);
  }
  if (blockHash.length !== 32) throw new RangeError('block hash must be 32 bytes');
  return { siphashKey: blockHash.subarray(0, 16), p: BASIC_FILTER_P, m: BASIC_FILTER_M };
}

/**
 * The basic filter's items (BIP158 "Contents"): every output script of the block except empty
 * ones and those starting with OP_RETURN, and the script of every output the block spends
 * (`spentScripts`, from the block's undo data), except empty ones. Duplicates are removed.
 * Spent scripts are not filtered for OP_RETURN: Core does not, and such outputs are unspendable.
 */
export function basicFilterElements(
  block: Block,
  spentScripts: Iterable<Uint8Array>,
): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const tx of block.txs) {
    for (const o of tx.vout) {
      const s = o.scriptPubKey;
      if (s.length === 0 || s[0] === OP.RETURN) continue;
      out.push(s);
    }
  }
  for (const s of spentScripts) if (s.length > 0) out.push(s);
  return out;
}

/** The filter hash: double SHA-256 of the serialized filter (internal byte order). */
export function blockFilterHash(encodedFilter: Uint8Array): Uint8Array {
  return sha256d(encodedFilter);
}

/**
 * The filter header (BIP157): double SHA-256 of the filter hash followed by the previous block's
 * filter header. The genesis block's previous header is 32 zero bytes.
 */
export function computeFilterHeader(filterHash: Uint8Array, prevHeader: Uint8Array): Uint8Array {
  if (filterHash.length !== 32 || prevHeader.length !== 32) {
    throw new RangeError('filter hash and previous filter header must be 32 bytes');
  }
  const buf = new Uint8Array(64);
  buf.set(filterHash, 0);
  buf.set(prevHeader, 32);
  return sha256d(buf);
}

/** A block's filter of one type (Core's BlockFilter). */
export class BlockFilter {
  constructor(
    readonly type: BlockFilterType,
    readonly blockHash: Uint8Array,
    readonly filter: GcsFilter,
  ) {}

  /** Builds the basic filter of `block` from its outputs and the scripts it spends. */
  static basic(block: Block, spentScripts: Iterable<Uint8Array>): BlockFilter {
    const hash = block.hash();
    const params = blockFilterParams(BlockFilterType.BASIC, hash);
    return new BlockFilter(
      BlockFilterType.BASIC,
      hash,
      GcsFilter.fromElements(params, basicFilterElements(block, spentScripts)),
    );
  }

  /** Parses a serialized filter for the block with hash `blockHash` (internal byte order). */
  static decode(type: BlockFilterType, blockHash: Uint8Array, encoded: Uint8Array): BlockFilter {
    const params = blockFilterParams(type, blockHash);
    return new BlockFilter(type, blockHash, GcsFilter.decode(params, encoded));
  }

  get encoded(): Uint8Array {
    return this.filter.encoded;
  }

  hash(): Uint8Array {
    return blockFilterHash(this.filter.encoded);
  }

  computeHeader(prevHeader: Uint8Array): Uint8Array {
    return computeFilterHeader(this.hash(), prevHeader);
  }

  match(element: Uint8Array): boolean {
    return this.filter.match(element);
  }

  matchAny(elements: Iterable<Uint8Array>): boolean {
    return this.filter.matchAny(elements);
  }
}
