// Versioned binary form of a MerkleTree (for snapshots and signature transactions); see
// docs/receipts.md "Tree serialisation". Only what cannot be recomputed is stored: the retained
// leaves and, per level, the at most one retained node whose children were compacted away.
import { assert } from '../ds/assert.js';
import { FormatError } from '../ds/errors.js';
import { HASH_BYTES, hashChildren } from './hashing.js';
import { MerkleTree, retainedFloor } from './merkle-tree.js';

/** TREE_FORMAT_VERSION is the version byte written first. */
export const TREE_FORMAT_VERSION = 1;
const HEADER_BYTES = 1 + 8 + 8;

/** boundaryRange is [first, end) of the stored (not recomputable) nodes at `level` >= 1. */
function boundaryRange(size: number, floor: number, level: number): [number, number] {
  const first = retainedFloor(floor, level);
  const recomputableFrom = retainedFloor(floor, level - 1) / 2;
  const end = Math.min(Math.floor(size / 2 ** level), recomputableFrom);
  return [first, Math.max(first, end)];
}

function heightOf(size: number): number {
  let levels = 0;
  while (2 ** levels <= size) levels += 1;
  return levels; // levels 0 .. levels-1 hold at least one complete node
}

function storedNodeCount(size: number, floor: number): number {
  let count = size - retainedFloor(floor, 0);
  for (let level = 1; level < heightOf(size); level++) {
    const [first, end] = boundaryRange(size, floor, level);
    count += end - first;
  }
  return count;
}

/**
 * encodeTree writes: version (u8 = 1) ‖ size (u64 BE) ‖ floor (u64 BE) ‖ boundary nodes (levels
 * 1.. ascending, indices ascending) ‖ retained leaves (from retainedFloor(floor, 0) to size).
 */
export function encodeTree(tree: MerkleTree): Uint8Array {
  return encodeShape(tree, tree.size, tree.floor);
}

/**
 * encodeTreeAt returns exactly encodeTree of a copy of `tree` truncated to `size` leaves and
 * compacted to `size` (floor = size), without making the copy: every node that encoding stores
 * is a complete node of the first `size` leaves at or after the tree's retained floor, so it is
 * read from `tree` as is. Requires tree.floor <= size <= tree.size.
 */
export function encodeTreeAt(tree: MerkleTree, size: number): Uint8Array {
  assert(Number.isSafeInteger(size), 'encodeTreeAt: integer size');
  assert(tree.floor <= size && size <= tree.size, 'encodeTreeAt: floor <= size <= tree size');
  return encodeShape(tree, size, size);
}

/** encodeShape encodes the first `size` leaves of `tree` as if compacted to `floor`. */
function encodeShape(tree: MerkleTree, size: number, floor: number): Uint8Array {
  const out = new Uint8Array(HEADER_BYTES + storedNodeCount(size, floor) * HASH_BYTES);
  const view = new DataView(out.buffer);
  view.setUint8(0, TREE_FORMAT_VERSION);
  view.setBigUint64(1, BigInt(size));
  view.setBigUint64(9, BigInt(floor));
  let offset = HEADER_BYTES;
  for (let level = 1; level < heightOf(size); level++) {
    const [first, end] = boundaryRange(size, floor, level);
    for (let i = first; i < end; i++, offset += HASH_BYTES) out.set(tree.node(level, i), offset);
  }
  for (let i = retainedFloor(floor, 0); i < size; i++, offset += HASH_BYTES) {
    out.set(tree.node(0, i), offset);
  }
  assert(offset === out.length, 'encodeTree: wrote every node');
  return out;
}

function readU64(view: DataView, offset: number, what: string): number {
  const value = view.getBigUint64(offset);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new FormatError(`${what} too large`, offset);
  return Number(value);
}

/**
 * decodeTree rebuilds a tree from encodeTree's output, recomputing every inner node from the
 * stored ones (O(n) hashes). Total: throws FormatError (with the byte offset) on a wrong version,
 * inconsistent header or wrong length; it allocates nothing before the length is checked.
 */
export function decodeTree(bytes: Uint8Array): MerkleTree {
  if (bytes.length < HEADER_BYTES) throw new FormatError('tree header truncated', bytes.length);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint8(0);
  if (version !== TREE_FORMAT_VERSION) throw new FormatError(`unknown tree version ${version}`, 0);
  const size = readU64(view, 1, 'tree size');
  const floor = readU64(view, 9, 'tree floor');
  if (floor > size) throw new FormatError(`floor ${floor} > size ${size}`, 9);
  const expectedBytes = HEADER_BYTES + storedNodeCount(size, floor) * HASH_BYTES;
  if (bytes.length !== expectedBytes) {
    throw new FormatError(`tree needs ${expectedBytes} bytes, got ${bytes.length}`, Math.min(bytes.length, expectedBytes));
  }
  const tree = new MerkleTree();
  tree.restoreShape(size, floor);
  const height = heightOf(size);
  let offset = HEADER_BYTES;
  const boundaries: Array<[number, number, number]> = [];
  for (let level = 1; level < height; level++) {
    const [first, end] = boundaryRange(size, floor, level);
    boundaries.push([level, first, offset]);
    offset += (end - first) * HASH_BYTES;
  }
  for (let i = retainedFloor(floor, 0); i < size; i++, offset += HASH_BYTES) {
    tree.restoreNode(0, i, bytes.subarray(offset, offset + HASH_BYTES));
  }
  for (const [level, first, boundaryOffset] of boundaries) {
    rebuildLevel(tree, { size, floor, level, first, bytes, boundaryOffset });
  }
  return tree;
}

function rebuildLevel(
  tree: MerkleTree,
  p: {
    size: number;
    floor: number;
    level: number;
    first: number;
    bytes: Uint8Array;
    boundaryOffset: number;
  },
): void {
  const [, end] = boundaryRange(p.size, p.floor, p.level);
  let offset = p.boundaryOffset;
  for (let i = p.first; i < end; i++, offset += HASH_BYTES) {
    tree.restoreNode(p.level, i, p.bytes.subarray(offset, offset + HASH_BYTES));
  }
  const count = Math.floor(p.size / 2 ** p.level);
  for (let i = Math.max(end, p.first); i < count; i++) {
    const left = tree.node(p.level - 1, 2 * i);
    const right = tree.node(p.level - 1, 2 * i + 1);
    tree.restoreNode(p.level, i, hashChildren(left, right));
  }
}
