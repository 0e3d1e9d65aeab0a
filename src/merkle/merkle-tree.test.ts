// Goal: MerkleTree matches RFC 9162 §2.1 with CCF hashing for every operation. Method: property
// tests against a naive recursive recomputation (naive.test-helper.ts) for all sizes up to 70 and
// seeded random sizes up to 10,000 (sampled indices and prefix sizes, to keep the run short), plus
// truncate/compact/codec cases and the verifiers' rejection of altered proofs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sha256 } from '../crypto/sha256.js';
import { SeededRng } from '../ds/rng.js';
import { MerkleRangeError } from './errors.js';
import { MerkleTree } from './merkle-tree.js';
import { naiveConsistency, naivePath, naiveRoot, testLeaf } from './naive.test-helper.js';
import { siblingOf, verifyConsistencyProof, verifyInclusionProof, walkInclusionProof } from './proof.js';

function buildTree(count: number, salt = 0): { tree: MerkleTree; leaves: Uint8Array[] } {
  const tree = new MerkleTree();
  const leaves: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    leaves.push(testLeaf(i, salt));
    tree.append(leaves[i]!);
  }
  return { tree, leaves };
}

/** checkProofs compares roots, inclusion and consistency proofs for one (size, index, old) triple. */
function checkTriple(tree: MerkleTree, leaves: Uint8Array[], size: number, index: number, old: number): void {
  const prefix = leaves.slice(0, size);
  const root = naiveRoot(prefix);
  assert.deepEqual(tree.root(size), root, `root(${size})`);
  const preimage = tree.rootPreimage(size);
  if (size === 1) assert.equal(preimage, null);
  else assert.deepEqual(sha256(preimage!), root, `rootPreimage(${size})`);
  const proof = tree.inclusionProof(index, size);
  assert.deepEqual(proof, naivePath(index, prefix), `path(${index}, ${size})`);
  assert.ok(verifyInclusionProof({ leaf: leaves[index]!, index, size, proof, root }));
  const walk = walkInclusionProof(leaves[index]!, proof);
  assert.deepEqual(walk.root, root);
  if (size > 1) assert.deepEqual(walk.rootPreimage, preimage);
  const consistency = tree.consistencyProof(old, size);
  assert.deepEqual(consistency, naiveConsistency(old, prefix), `consistency(${old}, ${size})`);
  const oldRoot = naiveRoot(leaves.slice(0, old));
  assert.ok(verifyConsistencyProof({ oldSize: old, newSize: size, oldRoot, newRoot: root, proof: consistency }));
}

describe('MerkleTree against the naive reference', () => {
  it('agrees on every size, index and old size up to 70 (exhaustive in index)', () => {
    const { tree, leaves } = buildTree(70);
    for (let size = 1; size <= 70; size++) {
      for (let index = 0; index < size; index++) checkTriple(tree, leaves, size, index, 1 + (index % size));
    }
  });

  it('agrees for seeded random sizes up to 10,000', () => {
    const rng = new SeededRng(9162);
    const { tree, leaves } = buildTree(10_000);
    for (let round = 0; round < 12; round++) {
      const size = rng.int(1, 10_000);
      for (let q = 0; q < 4; q++) checkTriple(tree, leaves, size, rng.int(0, size - 1), rng.int(1, size));
    }
    checkTriple(tree, leaves, 10_000, 9_999, 8_192);
    checkTriple(tree, leaves, 8_192, 0, 4_096);
  });

  it('truncate rolls back and re-append gives the tree of the new sequence', () => {
    const rng = new SeededRng(7);
    for (let round = 0; round < 20; round++) {
      const first = rng.int(1, 600);
      const { tree, leaves } = buildTree(first);
      const keep = rng.int(0, first);
      tree.truncate(keep);
      assert.equal(tree.size, keep);
      const next = leaves.slice(0, keep);
      const extra = rng.int(1, 300);
      for (let i = 0; i < extra; i++) {
        next.push(testLeaf(i, round + 1));
        tree.append(next[next.length - 1]!);
      }
      const size = next.length;
      checkTriple(tree, next, size, rng.int(0, size - 1), rng.int(1, size));
    }
  });

  it('compact keeps everything later proofs and roots need, and refuses what it forgot', () => {
    const rng = new SeededRng(11);
    for (let round = 0; round < 25; round++) {
      const { tree, leaves } = buildTree(rng.int(1, 3000));
      const floor = rng.int(0, tree.size);
      tree.compact(floor);
      const more = rng.int(0, 200);
      for (let i = 0; i < more; i++) {
        leaves.push(testLeaf(leaves.length));
        tree.append(leaves[leaves.length - 1]!);
      }
      for (let q = 0; q < 4; q++) {
        const size = rng.int(Math.max(floor, 1), tree.size);
        const index = rng.int(Math.min(floor, size - 1), size - 1);
        if (index < floor) continue;
        checkTriple(tree, leaves, size, index, rng.int(Math.max(floor, 1), size));
      }
      if (floor > 0) assert.throws(() => tree.inclusionProof(floor - 1), MerkleRangeError);
      if (floor > 1) assert.throws(() => tree.root(floor - 1), MerkleRangeError);
    }
  });

  it('compact then truncate to the floor and regrow', () => {
    const { tree, leaves } = buildTree(1000);
    tree.compact(777);
    tree.truncate(777);
    const next = leaves.slice(0, 777);
    for (let i = 0; i < 500; i++) {
      next.push(testLeaf(i, 99));
      tree.append(next[next.length - 1]!);
    }
    checkTriple(tree, next, next.length, 1000, 777);
    checkTriple(tree, next, 900, 777, 800);
  });

  it('rejects out-of-range requests with MerkleRangeError', () => {
    const { tree } = buildTree(10);
    assert.throws(() => tree.root(0), MerkleRangeError);
    assert.throws(() => tree.root(11), MerkleRangeError);
    assert.throws(() => tree.inclusionProof(10), MerkleRangeError);
    assert.throws(() => tree.inclusionProof(5, 5), MerkleRangeError);
    assert.throws(() => tree.inclusionProof(-1), MerkleRangeError);
    assert.throws(() => tree.consistencyProof(6, 5), MerkleRangeError);
    assert.throws(() => new MerkleTree().root(), MerkleRangeError);
  });
});

describe('proof verifiers reject altered proofs', () => {
  const { tree, leaves } = buildTree(300);
  const root = tree.root();

  it('inclusion: wrong index, size, leaf, side, dropped, extra or altered step', () => {
    const index = 123;
    const proof = tree.inclusionProof(index);
    const leaf = leaves[index]!;
    const ok = (p: typeof proof, i = index, size = 300, l = leaf) =>
      verifyInclusionProof({ leaf: l, index: i, size, proof: p, root });
    assert.ok(ok(proof));
    assert.ok(!ok(proof, 122));
    // A size with the same path shape (e.g. 299) is indistinguishable by design; this one is not.
    assert.ok(!ok(proof, index, 100));
    assert.ok(!ok(proof, index, 300, leaves[0]!));
    for (let s = 0; s < proof.length; s++) {
      const step = proof[s]!;
      const swapped = 'left' in step ? { right: step.left } : { left: step.right };
      assert.ok(!ok(proof.map((x, j) => (j === s ? swapped : x))), `side swap ${s}`);
      const altered = siblingOf(step).slice();
      altered[0] = altered[0]! ^ 1;
      const alteredStep = 'left' in step ? { left: altered } : { right: altered };
      assert.ok(!ok(proof.map((x, j) => (j === s ? alteredStep : x))), `alter ${s}`);
      assert.ok(!ok(proof.filter((_, j) => j !== s)), `drop ${s}`);
    }
    assert.ok(!ok([...proof, { left: leaf }]));
  });
  it('consistency: wrong sizes, roots, or altered elements', () => {
    const oldRoot = tree.root(100);
    const proof = tree.consistencyProof(100);
    const ok = (p: Uint8Array[], oldSize = 100, newSize = 300, o = oldRoot, r = root) =>
      verifyConsistencyProof({ oldSize, newSize, oldRoot: o, newRoot: r, proof: p });
    assert.ok(ok(proof));
    assert.ok(!ok(proof, 99));
    assert.ok(!ok(proof, 100, 100));
    assert.ok(!ok(proof, 100, 300, root));
    assert.ok(!ok(proof, 100, 300, oldRoot, oldRoot));
    assert.ok(!ok([]));
    for (let s = 0; s < proof.length; s++) {
      const altered = proof.map((h) => h.slice());
      altered[s]![31] = altered[s]![31]! ^ 0x80;
      assert.ok(!ok(altered), `alter ${s}`);
      assert.ok(!ok(proof.filter((_, j) => j !== s)), `drop ${s}`);
    }
    assert.ok(ok([], 300, 300, root, root));
    assert.ok(!ok([], 0, 300));
  });
});
