// LedgerState: the consensus History of a node (src/consensus/types.ts) backed by the real ledger
// machinery: every appended entry becomes a CCF Merkle leaf and its write set is applied to the KV
// store; truncation rolls both back; signatures sign the tree root with the node key.
import type { History, LogEntry, Snapshot, TxId } from '../consensus/types.js';
import { assert } from '../ds/assert.js';
import { bytesToBase64, bytesToHex, concatBytes, utf8 } from '../crypto/encoding.js';
import { sha256 } from '../crypto/sha256.js';
import { Store } from '../kv/store.js';
import { deserializeWriteSet } from '../kv/write-set.js';
import { MerkleTree } from '../merkle/merkle-tree.js';
import { decodeLedgerSnapshot } from './ledger-snapshot.js';
import { decodeLedgerEntry, encodeLedgerEntry, openPrivate, readLedgerEntryHeader } from './ledger-entry.js';
import type { LedgerSecret } from './ledger-secret.js';
import { decodeSignaturePublicDomain, encodeSignaturePublicDomain } from './signature-tx.js';

export const ZERO_CLAIMS = new Uint8Array(32);

/** NodeSigner signs with the node key: ECDSA P-256 over SHA-256(preimage) (DESIGN §11). */
export interface NodeSigner {
  readonly nodeId: string;
  sign(preimage: Uint8Array): Uint8Array;
}

/** leafPreimageOf is writeSetDigest ‖ SHA-256(commitEvidence) ‖ claimsDigest for one entry. */
export function leafPreimageOf(
  entryBytes: Uint8Array,
  commitEvidence: string,
  claimsDigest: Uint8Array,
): Uint8Array {
  return concatBytes(sha256(entryBytes), sha256(utf8(commitEvidence)), claimsDigest);
}

/** frontierOf returns the peak hashes (left to right) of the first `size` leaves of `tree`. */
export function frontierOf(tree: MerkleTree, size: number): Uint8Array[] {
  const peaks: Uint8Array[] = [];
  let consumed = 0;
  for (let level = 53; level >= 0; level--) {
    const width = 2 ** level;
    if (size - consumed >= width) {
      peaks.push(tree.node(level, consumed / width).slice());
      consumed += width;
    }
  }
  assert(consumed === size, 'frontier covers the tree');
  return peaks;
}

/**
 * LedgerState implements History. The KV store always reflects every entry in the log (CCF
 * applies on append), so a backup that becomes primary executes on the latest state; undo
 * information above the commit point lets truncation roll the store back (pitfall 2).
 */
export class LedgerState implements History {
  private treeValue = new MerkleTree();
  private storeValue: Store;
  /** Preimage of leaf 0, needed to sign a one-leaf tree (its root is the leaf itself). */
  private firstLeafPreimage: Uint8Array | null = null;
  private readonly secret: LedgerSecret;
  private readonly signer: NodeSigner;
  /** The leaf preimage of the entry being appended (copied where it must outlive append). */
  private readonly leafScratch = new Uint8Array(96);
  /** commitSeqnoHint is what the next signature records as its commit seqno. */
  commitSeqnoHint = 0;

  constructor(deps: { readonly secret: LedgerSecret; readonly signer: NodeSigner }, store = new Store()) {
    this.secret = deps.secret;
    this.signer = deps.signer;
    this.storeValue = store;
  }

  get tree(): MerkleTree {
    return this.treeValue;
  }
  get store(): Store {
    return this.storeValue;
  }

  append(entry: LogEntry): void {
    assert(this.treeValue.size === entry.seqno - 1, 'leaves follow seqnos');
    // The primary executed (and encoded) this transaction itself: its header is all we need.
    const decoded = this.storeValue.seqno >= entry.seqno ? null : decodeLedgerEntry(entry.data);
    const header = decoded ?? readLedgerEntryHeader(entry.data);
    assert(header.seqno === entry.seqno && header.view === entry.view, 'entry header matches');
    const preimage = this.leafScratch;
    this.secret.leafPreimageInto(entry.data, entry.view, entry.seqno, header.claimsDigest ?? ZERO_CLAIMS, preimage);
    if (entry.seqno === 1) this.firstLeafPreimage = preimage.slice();
    if (header.kind === 1) {
      // Every node checks a signature's root against its own tree: the logs matched up to here.
      const sig = decodeSignaturePublicDomain(decodeLedgerEntry(entry.data).publicBytes);
      assert(sig.root === bytesToHex(this.rootAt(entry.seqno - 1)), 'signed root matches our tree');
    }
    this.treeValue.append(sha256(preimage));
    if (decoded === null) {
      assert(this.storeValue.seqno === entry.seqno, 'store is not ahead of the log');
      return;
    }
    const privateBytes = openPrivate(decoded, this.secret);
    const ws = deserializeWriteSet({ publicBytes: decoded.publicBytes, privateBytes });
    this.storeValue.apply(ws, entry.seqno);
  }

  truncate(fromSeqno: number): void {
    this.treeValue.truncate(fromSeqno - 1);
    if (this.storeValue.seqno >= fromSeqno) this.storeValue.rollback(fromSeqno - 1);
  }

  reset(snapshot: Snapshot): void {
    const decoded = decodeLedgerSnapshot(snapshot.data);
    assert(decoded.tree.size === snapshot.seqno, 'snapshot tree size is its seqno');
    this.treeValue = decoded.tree;
    this.storeValue = Store.restore(decoded.storeBytes);
    assert(this.storeValue.seqno === snapshot.seqno, 'snapshot store is at its seqno');
  }

  sign(txId: TxId): Uint8Array {
    const size = txId.seqno - 1;
    assert(this.treeValue.size === size, 'a signature covers every entry before it');
    const root = this.rootAt(size);
    const signature = this.signer.sign(this.rootPreimageAt(size));
    const publicBytes = encodeSignaturePublicDomain({
      view: txId.view,
      seqno: txId.seqno,
      root: bytesToHex(root),
      nodeId: this.signer.nodeId,
      signature: bytesToBase64(signature),
      commitSeqno: this.commitSeqnoHint,
      frontier: frontierOf(this.treeValue, size),
    });
    return encodeLedgerEntry(
      { view: txId.view, seqno: txId.seqno, kind: 1, publicBytes, privateBytes: new Uint8Array(0) },
      this.secret,
    );
  }

  /** rootAt is the root of the first `size` leaves; the empty tree's root is SHA-256 of nothing. */
  rootAt(size: number): Uint8Array {
    return size === 0 ? sha256(new Uint8Array(0)) : this.treeValue.root(size);
  }

  /** rootPreimageAt is what SHA-256 turns into rootAt(size) (signed as a digest, DESIGN §11). */
  rootPreimageAt(size: number): Uint8Array {
    if (size === 0) return new Uint8Array(0);
    if (size === 1) {
      assert(this.firstLeafPreimage !== null, 'preimage of the first leaf is known');
      return this.firstLeafPreimage;
    }
    const preimage = this.treeValue.rootPreimage(size);
    assert(preimage !== null, 'a tree of two or more leaves has a root preimage');
    return preimage;
  }
}
