// Merkle tree benchmark: append rate and memory for 1M leaves (targets: >= 300,000 leaves/s,
// < 100 MB), plus root, inclusion/consistency proof rates and codec times. Prints a table and
// writes bench/results/merkle-<date>.json. Run: npm run bench:merkle (node --expose-gc).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256 } from '../src/crypto/sha256.js';
import { SeededRng } from '../src/ds/rng.js';
import { MerkleTree } from '../src/merkle/merkle-tree.js';
import { decodeTree, encodeTree } from '../src/merkle/tree-codec.js';

const LEAF_COUNT = 1_000_000;
const gc = (globalThis as { gc?: () => void }).gc;

function usedBytes(): number {
  gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** makeLeaves returns all leaves in one block (no per-leaf objects to distort memory figures). */
function makeLeaves(count: number): Uint8Array {
  const block = new Uint8Array(count * 32);
  const seed = new Uint8Array(8);
  for (let i = 0; i < count; i++) {
    new DataView(seed.buffer).setUint32(0, i);
    block.set(sha256(seed), i * 32);
  }
  return block;
}

function timeOps(count: number, op: (i: number) => void): number {
  const start = performance.now();
  for (let i = 0; i < count; i++) op(i);
  return count / ((performance.now() - start) / 1000);
}

function main(): void {
  if (gc === undefined) console.warn('note: run with --expose-gc for exact memory figures');
  const leaves = makeLeaves(LEAF_COUNT);
  const before = usedBytes();
  const tree = new MerkleTree();
  const start = performance.now();
  for (let i = 0; i < LEAF_COUNT; i++) tree.append(leaves.subarray(i * 32, i * 32 + 32));
  const appendSeconds = (performance.now() - start) / 1000;
  const treeBytes = usedBytes() - before;
  if (leaves.length !== LEAF_COUNT * 32) throw new Error('leaves kept alive until measured');
  // Context for the append rate: an append costs about one SHA-256 of 64 bytes on average.
  const pair = new Uint8Array(64);
  const sha256PerSecond = timeOps(1_000_000, () => sha256(pair));
  const rng = new SeededRng(1);
  const rootsPerSecond = timeOps(20_000, (i) => tree.root(LEAF_COUNT - (i % 1000)));
  const proofsPerSecond = timeOps(20_000, () => tree.inclusionProof(rng.int(0, LEAF_COUNT - 1)));
  const consistencyPerSecond = timeOps(20_000, () => tree.consistencyProof(rng.int(1, LEAF_COUNT)));
  let t = performance.now();
  const encoded = encodeTree(tree);
  const encodeMs = performance.now() - t;
  t = performance.now();
  decodeTree(encoded);
  const decodeMs = performance.now() - t;

  const results = {
    leafCount: LEAF_COUNT,
    appendLeavesPerSecond: Math.round(LEAF_COUNT / appendSeconds),
    appendTargetLeavesPerSecond: 300_000,
    rawSha256Of64BytesPerSecond: Math.round(sha256PerSecond),
    treeMemoryMB: Number((treeBytes / 2 ** 20).toFixed(1)),
    treeMemoryTargetMB: 100,
    rootPerSecond: Math.round(rootsPerSecond),
    inclusionProofPerSecond: Math.round(proofsPerSecond),
    consistencyProofPerSecond: Math.round(consistencyPerSecond),
    encodedMB: Number((encoded.length / 2 ** 20).toFixed(1)),
    encodeMs: Math.round(encodeMs),
    decodeMs: Math.round(decodeMs),
  };
  console.table(results);
  const date = new Date().toISOString().slice(0, 10);
  const dir = new URL('./results/', import.meta.url).pathname;
  mkdirSync(dir, { recursive: true });
  const meta = { date, node: process.version, platform: `${process.platform}-${process.arch}`, gc: gc !== undefined };
  writeFileSync(join(dir, `merkle-${date}.json`), `${JSON.stringify({ ...meta, ...results }, null, 2)}\n`);
  console.log(`wrote bench/results/merkle-${date}.json`);
}

main();
