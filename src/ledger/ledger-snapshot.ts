// Ledger snapshot format v1 (docs/formats.md "Ledger snapshot"): the consensus Snapshot.data of a
// node — the Merkle tree compacted at the snapshot seqno (what later receipts and appends need,
// pitfall 8) and the KV store's snapshot at that seqno.
import { ByteReader } from '../codec/byte-reader.js';
import { ByteWriter } from '../codec/byte-writer.js';
import { assert } from '../ds/assert.js';
import { FormatError } from '../ds/errors.js';
import type { Store } from '../kv/store.js';
import type { MerkleTree } from '../merkle/merkle-tree.js';
import { decodeTree, encodeTree, encodeTreeAt } from '../merkle/tree-codec.js';

export const LEDGER_SNAPSHOT_VERSION = 1;
/** Tree state is O(log n) + retained leaves; 256 MiB bounds a corrupt length before allocating. */
const TREE_BYTES_MAX = 256 * 1024 * 1024;

export interface DecodedLedgerSnapshot {
  readonly tree: MerkleTree;
  readonly storeBytes: Uint8Array;
}

/** treeAt returns a copy of `tree` cut back and compacted to exactly `size` leaves. */
export function treeAt(tree: MerkleTree, size: number): MerkleTree {
  const copy = decodeTree(encodeTree(tree));
  copy.truncate(size);
  copy.compact(size);
  return copy;
}

/**
 * encodeLedgerSnapshot: version (u8) ‖ tree length (u32) ‖ tree ‖ store snapshot (rest). The tree
 * part is encodeTree(treeAt(tree, seqno)), written straight from `tree` (no copy, no rehashing).
 */
export function encodeLedgerSnapshot(tree: MerkleTree, store: Store, seqno: number): Uint8Array {
  const treeBytes = encodeTreeAt(tree, seqno);
  const storeBytes = store.snapshot(seqno);
  const w = new ByteWriter(5 + treeBytes.length + storeBytes.length);
  w.u8(LEDGER_SNAPSHOT_VERSION);
  w.u32(treeBytes.length);
  w.raw(treeBytes);
  w.raw(storeBytes);
  return w.finish();
}

/** decodeLedgerSnapshot parses and rebuilds the tree (store bytes are left to Store.restore). */
export function decodeLedgerSnapshot(bytes: Uint8Array): DecodedLedgerSnapshot {
  const r = new ByteReader(bytes);
  const version = r.u8('snapshot version');
  if (version !== LEDGER_SNAPSHOT_VERSION) throw new FormatError(`unknown snapshot version ${version}`, 0);
  const treeLength = r.u32('tree length');
  if (treeLength > TREE_BYTES_MAX) throw new FormatError('tree state too large', 1);
  const tree = decodeTree(r.raw(treeLength, 'tree'));
  const storeBytes = r.raw(r.remainingBytes, 'store snapshot');
  assert(tree.floor <= tree.size, 'decoded tree floor within size');
  return { tree, storeBytes };
}
