// MerkleTree: append-only, left-balanced (RFC 9162 §2.1) tree with CCF hashing. Every complete
// node is stored once per level (about 2n hashes), so appends are O(1) amortised / O(log n) worst,
// and roots and proofs for any size between the compaction point and the current size are O(log² n)
// at worst, all iterative.
import { assert } from '../ds/assert.js';
import { MerkleRangeError } from './errors.js';
import { childrenPreimage, HASH_BYTES, hashChildren, largestPowerOfTwoBelow } from './hashing.js';
import { NodeLevel } from './node-level.js';
import type { InclusionProofStep } from './proof.js';

const LEAF_CHUNK_NODES = 1024;
const CHUNK_NODES_MIN = 32;
/** LEVELS_MAX bounds the height: sizes stay below 2^53 (safe integers). */
const LEVELS_MAX = 54;

/**
 * retainedFloor is the first node index kept at `level` after compacting below leaf `floor`: the
 * sibling pair holding the ancestor of leaf floor-1. Everything that proofs of leaves >= floor,
 * roots of sizes >= floor and consistency proofs from sizes >= floor need is at or after it.
 */
export function retainedFloor(floor: number, level: number): number {
  if (floor === 0) return 0;
  const ancestor = Math.floor((floor - 1) / 2 ** level);
  return ancestor - (ancestor % 2);
}

/** MerkleTree is the ledger's incremental tree over 32-byte leaf digests. */
export class MerkleTree {
  private levels: NodeLevel[] = [];
  private sizeLeaves = 0;
  private floorLeaves = 0;

  /** size is the number of leaves appended (and not truncated). */
  get size(): number {
    return this.sizeLeaves;
  }

  /** floor is the compaction point: leaves below it are forgotten (0 = nothing forgotten). */
  get floor(): number {
    return this.floorLeaves;
  }

  /** append adds a 32-byte leaf digest; O(1) amortised, O(log n) hashes at worst. */
  append(leaf: Uint8Array): void {
    assert(leaf.length === HASH_BYTES, 'append: leaf is a 32-byte digest');
    assert(this.sizeLeaves < Number.MAX_SAFE_INTEGER, 'append: size stays a safe integer');
    let index = this.sizeLeaves;
    let node = leaf;
    let level = 0;
    this.level(0).set(index, node);
    while (index % 2 === 1) {
      node = hashChildren(this.level(level).get(index - 1), node);
      index = (index - 1) / 2;
      level += 1;
      this.level(level).set(index, node);
    }
    this.sizeLeaves += 1;
  }

  /** leaf returns a copy of leaf `index`; throws MerkleRangeError unless floor <= index < size. */
  leaf(index: number): Uint8Array {
    this.checkIndex(index, this.sizeLeaves);
    return this.level(0).get(index).slice();
  }

  /** root returns the root of the first `size` leaves (floor <= size, 1 <= size <= this.size). */
  root(size: number = this.sizeLeaves): Uint8Array {
    this.checkSize(size);
    return this.rangeHash(0, size).slice();
  }

  /**
   * rootPreimage returns the bytes whose SHA-256 is root(size): the last left ‖ right, which is what
   * an ECDSA signature over the root is computed on (DESIGN §11). Null for a one-leaf tree: its
   * root is the leaf, whose preimage (the leaf components) the tree does not hold.
   */
  rootPreimage(size: number = this.sizeLeaves): Uint8Array | null {
    this.checkSize(size);
    return this.rangePreimage(0, size);
  }

  /**
   * inclusionProof returns the path for leaf `index` in the tree of the first `size` leaves, from
   * the leaf upwards (CCF receipt order). Requires floor <= index < size <= this.size.
   */
  inclusionProof(index: number, size: number = this.sizeLeaves): InclusionProofStep[] {
    this.checkSize(size);
    this.checkIndex(index, size);
    const topDown: InclusionProofStep[] = [];
    let low = 0;
    let count = size;
    let position = index;
    while (count > 1) {
      const k = largestPowerOfTwoBelow(count);
      if (position < k) {
        topDown.push({ right: this.rangeHash(low + k, low + count).slice() });
        count = k;
      } else {
        topDown.push({ left: this.rangeHash(low, low + k).slice() });
        low += k;
        position -= k;
        count -= k;
      }
    }
    return topDown.reverse();
  }

  /**
   * consistencyProof proves that the first `oldSize` leaves are a prefix of the first `newSize`
   * (RFC 9162 §2.1.4.1, iterative). Requires floor <= oldSize, 1 <= oldSize <= newSize <= size.
   */
  consistencyProof(oldSize: number, newSize: number = this.sizeLeaves): Uint8Array[] {
    this.checkSize(newSize);
    this.checkSize(oldSize);
    if (oldSize > newSize) throw new MerkleRangeError(`oldSize ${oldSize} > newSize ${newSize}`);
    const topDown: Uint8Array[] = [];
    let low = 0;
    let m = oldSize;
    let n = newSize;
    let complete = true;
    while (m !== n) {
      const k = largestPowerOfTwoBelow(n);
      if (m <= k) {
        topDown.push(this.rangeHash(low + k, low + n).slice());
        n = k;
      } else {
        topDown.push(this.rangeHash(low, low + k).slice());
        low += k;
        m -= k;
        n -= k;
        complete = false;
      }
    }
    if (!complete) topDown.push(this.rangeHash(low, low + m).slice());
    return topDown.reverse();
  }

  /**
   * truncate rolls back to the first `size` leaves (uncommitted suffix after an election or a
   * conflicting append). Rolling back below the compaction point is a bug (committed history).
   */
  truncate(size: number): void {
    assert(Number.isSafeInteger(size), 'truncate: integer size');
    assert(size >= this.floorLeaves, 'truncate: not below the compaction point');
    assert(size <= this.sizeLeaves, 'truncate: not beyond the size');
    this.sizeLeaves = size;
    for (let level = 0; level < this.levels.length; level++) {
      this.levels[level]!.truncateChunks(Math.floor(size / 2 ** level));
    }
  }

  /**
   * compact forgets leaves below `floor` (a committed point) and every node that no proof of a
   * leaf >= floor, root of a size >= floor or consistency proof from a size >= floor needs.
   * A floor at or below the current one is a no-op.
   */
  compact(floor: number): void {
    assert(Number.isSafeInteger(floor), 'compact: integer floor');
    assert(floor <= this.sizeLeaves, 'compact: floor <= size');
    if (floor <= this.floorLeaves) return;
    this.floorLeaves = floor;
    for (let level = 0; level < this.levels.length; level++) {
      this.levels[level]!.dropBelow(retainedFloor(floor, level));
    }
  }

  /** node returns a view of the complete node `index` at `level` (for the codec). */
  node(level: number, index: number): Uint8Array {
    assert(index >= retainedFloor(this.floorLeaves, level), 'node: retained');
    assert((index + 1) * 2 ** level <= this.sizeLeaves, 'node: complete');
    return this.level(level).get(index);
  }

  /**
   * restoreNode writes a complete node while rebuilding from the codec; `setFloor` first.
   * Nodes must be written per level in increasing index order.
   */
  restoreNode(level: number, index: number, hash: Uint8Array): void {
    this.level(level).set(index, hash);
  }

  /** restoreShape sets size and floor of an empty tree before restoreNode calls (codec only). */
  restoreShape(size: number, floor: number): void {
    assert(this.sizeLeaves === 0 && this.levels.length === 0, 'restoreShape: empty tree');
    assert(0 <= floor && floor <= size, 'restoreShape: floor <= size');
    this.sizeLeaves = size;
    this.floorLeaves = floor;
    for (let level = 0; 2 ** level <= size; level++) {
      const first = retainedFloor(floor, level);
      this.level(level).dropBelow(first);
    }
  }

  private level(level: number): NodeLevel {
    assert(level < LEVELS_MAX, 'level < LEVELS_MAX');
    while (this.levels.length <= level) {
      const chunkNodes = Math.max(CHUNK_NODES_MIN, LEAF_CHUNK_NODES / 2 ** this.levels.length);
      this.levels.push(new NodeLevel(chunkNodes));
    }
    return this.levels[level]!;
  }

  /**
   * rangeBlocks splits a range that the RFC recursion produces (start aligned to its largest block)
   * into complete nodes, largest first. The nodes are VIEWS.
   */
  private rangeBlocks(start: number, end: number): Uint8Array[] {
    assert(start < end, 'rangeBlocks: non-empty range');
    const blocks: Uint8Array[] = [];
    let offset = start;
    let blockLevel = 0;
    while (2 ** (blockLevel + 1) <= end - start) blockLevel += 1;
    for (let level = blockLevel; level >= 0; level--) {
      if (offset + 2 ** level > end) continue;
      assert(offset % 2 ** level === 0, 'rangeBlocks: aligned block');
      blocks.push(this.node(level, offset / 2 ** level));
      offset += 2 ** level;
    }
    assert(offset === end, 'rangeBlocks: blocks cover the range');
    return blocks;
  }

  /** rangeHash is MTH(D[start:end]): the blocks folded from the right. May return a VIEW. */
  private rangeHash(start: number, end: number): Uint8Array {
    const blocks = this.rangeBlocks(start, end);
    let hash = blocks[blocks.length - 1]!;
    for (let i = blocks.length - 2; i >= 0; i--) hash = hashChildren(blocks[i]!, hash);
    return hash;
  }

  /** rangePreimage is the left ‖ right whose SHA-256 is rangeHash(start, end); null for one leaf. */
  private rangePreimage(start: number, end: number): Uint8Array | null {
    if (end - start === 1) return null;
    const k = largestPowerOfTwoBelow(end - start);
    return childrenPreimage(this.rangeHash(start, start + k), this.rangeHash(start + k, end));
  }

  private checkSize(size: number): void {
    if (!Number.isSafeInteger(size) || size < 1 || size > this.sizeLeaves) {
      throw new MerkleRangeError(`tree size ${size} not in [1, ${this.sizeLeaves}]`);
    }
    if (size < this.floorLeaves) {
      throw new MerkleRangeError(`tree size ${size} is below the compaction point ${this.floorLeaves}`);
    }
  }

  private checkIndex(index: number, size: number): void {
    if (!Number.isSafeInteger(index) || index < 0 || index >= size) {
      throw new MerkleRangeError(`leaf index ${index} not in [0, ${size})`);
    }
    if (index < this.floorLeaves) {
      throw new MerkleRangeError(`leaf ${index} is below the compaction point ${this.floorLeaves}`);
    }
  }
}
