// NodeLevel stores the complete nodes of one tree level (32 bytes each) in fixed-size chunks, so a
// million-leaf tree is a few thousand arrays rather than millions of small ones, and dropping
// compacted history frees whole chunks.
import { assert } from '../ds/assert.js';
import { HASH_BYTES } from './hashing.js';

/** NodeLevel is an append/overwrite array of 32-byte hashes indexed by absolute node index. */
export class NodeLevel {
  private readonly chunkNodes: number;
  private chunks: Uint8Array[] = [];
  /** chunkBase is the absolute chunk number of chunks[0] (chunks below were dropped). */
  private chunkBase = 0;

  /** `chunkNodes` is the number of nodes per chunk (a power of two keeps division cheap). */
  constructor(chunkNodes: number) {
    assert(Number.isInteger(chunkNodes) && chunkNodes > 0, 'chunkNodes > 0');
    this.chunkNodes = chunkNodes;
  }

  /**
   * get returns a VIEW of node `index` (valid until the next set/drop at that index). The caller
   * guarantees that the node was written and not dropped.
   */
  get(index: number): Uint8Array {
    const chunk = Math.floor(index / this.chunkNodes) - this.chunkBase;
    const bytes = this.chunks[chunk];
    // The message is built only on failure (a template literal per call showed in profiles).
    if (bytes === undefined) assert(false, `NodeLevel.get: node ${index} is held`);
    const offset = (index % this.chunkNodes) * HASH_BYTES;
    return bytes.subarray(offset, offset + HASH_BYTES);
  }

  /** set writes node `index`; at most one chunk past the last is allocated (sequential growth). */
  set(index: number, hash: Uint8Array): void {
    assert(hash.length === HASH_BYTES, 'NodeLevel.set: 32-byte hash');
    const chunk = Math.floor(index / this.chunkNodes) - this.chunkBase;
    if (chunk < 0) assert(false, `NodeLevel.set: node ${index} was dropped`);
    if (chunk === this.chunks.length) this.chunks.push(new Uint8Array(this.chunkNodes * HASH_BYTES));
    const bytes = this.chunks[chunk];
    assert(bytes !== undefined, 'NodeLevel.set: writes are sequential');
    bytes.set(hash, (index % this.chunkNodes) * HASH_BYTES);
  }

  /**
   * dropBelow frees the chunks that hold only nodes with index < `index`. On an emptied level the
   * next write must be in the chunk holding `index` (true for the tree: floors never pass the size).
   */
  dropBelow(index: number): void {
    const firstKept = Math.floor(index / this.chunkNodes);
    if (firstKept <= this.chunkBase) return;
    const drop = Math.min(firstKept - this.chunkBase, this.chunks.length);
    this.chunks.splice(0, drop);
    this.chunkBase = this.chunks.length === 0 ? firstKept : this.chunkBase + drop;
  }

  /** truncateChunks frees chunks holding only nodes with index >= `count` (after a rollback). */
  truncateChunks(count: number): void {
    const keep = Math.max(0, Math.ceil(count / this.chunkNodes) - this.chunkBase);
    if (keep < this.chunks.length) this.chunks.length = keep;
  }
}
