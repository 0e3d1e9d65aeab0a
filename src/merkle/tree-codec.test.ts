// Goal: encodeTree/decodeTree round-trip every tree shape (compacted or not) and decodeTree is total.
// Method: seeded random sizes and floors compared by roots, proofs and re-encoding; then every
// truncation, an extra byte, bad versions and inconsistent headers must throw FormatError.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FormatError } from '../ds/errors.js';
import { SeededRng } from '../ds/rng.js';
import { leafDigest, leafPreimage } from './leaf.js';
import { MerkleTree } from './merkle-tree.js';
import { naiveRoot, testLeaf } from './naive.test-helper.js';
import { decodeTree, encodeTree, encodeTreeAt, TREE_FORMAT_VERSION } from './tree-codec.js';
import { sha256 } from '../crypto/sha256.js';

function build(count: number): { tree: MerkleTree; leaves: Uint8Array[] } {
  const tree = new MerkleTree();
  const leaves: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    leaves.push(testLeaf(i));
    tree.append(leaves[i]!);
  }
  return { tree, leaves };
}

describe('tree codec', () => {
  it('round-trips seeded random trees, compacted or not, and keeps working after decode', () => {
    const rng = new SeededRng(3);
    for (let round = 0; round < 60; round++) {
      const { tree, leaves } = build(rng.int(0, 2500));
      const floor = rng.chance(0.3) ? 0 : rng.int(0, tree.size);
      tree.compact(floor);
      const bytes = encodeTree(tree);
      assert.equal(bytes[0], TREE_FORMAT_VERSION);
      const copy = decodeTree(bytes);
      assert.equal(copy.size, tree.size);
      assert.equal(copy.floor, tree.floor);
      assert.deepEqual(encodeTree(copy), bytes);
      if (tree.size === 0) continue;
      assert.deepEqual(copy.root(), tree.root());
      const index = rng.int(floor === tree.size ? floor - 1 : floor, tree.size - 1);
      if (index >= floor) assert.deepEqual(copy.inclusionProof(index), tree.inclusionProof(index));
      leaves.push(testLeaf(leaves.length));
      copy.append(leaves[leaves.length - 1]!);
      assert.deepEqual(copy.root(), naiveRoot(leaves));
    }
  });

  it('encodeTreeAt equals encoding a truncated, compacted copy, and leaves the tree alone', () => {
    const rng = new SeededRng(11);
    for (let round = 0; round < 80; round++) {
      const { tree } = build(rng.int(0, 1500));
      tree.compact(rng.chance(0.3) ? 0 : rng.int(0, tree.size));
      const before = encodeTree(tree);
      const size = rng.int(tree.floor, tree.size);
      const copy = decodeTree(before);
      copy.truncate(size);
      copy.compact(size);
      assert.deepEqual(encodeTreeAt(tree, size), encodeTree(copy), `round ${round}`);
      assert.deepEqual(encodeTree(tree), before);
    }
  });

  it('stores about 32 bytes per retained leaf', () => {
    const { tree } = build(4096);
    assert.equal(encodeTree(tree).length, 17 + 4096 * 32);
    tree.compact(4000);
    assert.ok(encodeTree(tree).length < 17 + 200 * 32);
  });

  it('rejects every truncation, an extra byte, bad versions and bad headers', () => {
    const { tree } = build(37);
    tree.compact(9);
    const bytes = encodeTree(tree);
    for (let cut = 0; cut < bytes.length; cut++) {
      assert.throws(() => decodeTree(bytes.subarray(0, cut)), FormatError, `cut ${cut}`);
    }
    const longer = new Uint8Array(bytes.length + 1);
    longer.set(bytes);
    assert.throws(() => decodeTree(longer), FormatError);
    const badVersion = bytes.slice();
    badVersion[0] = 2;
    assert.throws(() => decodeTree(badVersion), (e) => e instanceof FormatError && e.offset === 0);
    const badFloor = bytes.slice();
    new DataView(badFloor.buffer).setBigUint64(9, 38n);
    assert.throws(() => decodeTree(badFloor), (e) => e instanceof FormatError && e.offset === 9);
    const huge = bytes.slice();
    new DataView(huge.buffer).setBigUint64(1, 2n ** 60n);
    assert.throws(() => decodeTree(huge), (e) => e instanceof FormatError && e.offset === 1);
    const bigButSafe = bytes.slice();
    new DataView(bigButSafe.buffer).setBigUint64(1, 2n ** 40n);
    assert.throws(() => decodeTree(bigButSafe), FormatError);
  });
});

describe('CCF leaf', () => {
  it('hashes writeSetDigest ‖ SHA-256(commitEvidence) ‖ claimsDigest', () => {
    const components = {
      writeSetDigest: new Uint8Array(32).fill(1),
      commitEvidence: 'ce:2.35:' + 'ab'.repeat(32),
      claimsDigest: new Uint8Array(32),
    };
    const preimage = leafPreimage(components);
    assert.equal(preimage.length, 96);
    assert.deepEqual(preimage.subarray(32, 64), sha256(new TextEncoder().encode(components.commitEvidence)));
    assert.deepEqual(leafDigest(components), sha256(preimage));
  });
});
