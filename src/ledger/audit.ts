// LedgerAuditor: a pure, streaming verifier of a whole ledger (DESIGN §5). Feed it the entries of
// the chunk files in order; it keeps O(log n) state (the Merkle frontier) and stops at the first
// problem, naming its seqno. What it can check depends on what it is given (docs/formats.md
// "Auditing a ledger"):
//  - always: record framing (by the reader), entry format v1, seqnos/views in order, public write
//    sets, every signature record, root == fold(recorded frontier), frontier shape, and the ECDSA
//    signature over the root when its preimage follows from the frontier (>= 2 peaks);
//  - with node certificates (each endorsed by the service certificate): the signer is a known node;
//  - with the ledger secret: every leaf is recomputed (commit evidence needs the secret), so every
//    signed root and frontier is checked against the recomputed tree, every signature verifies,
//    and private domains are decrypted (AES-GCM authentication) and decoded.
import type { EntryKind, LogEntry } from '../consensus/types.js';
import { assert } from '../ds/assert.js';
import { ConsortError, FormatError } from '../ds/errors.js';
import type { Certificate } from '../crypto/certificate.js';
import { verifySha256 } from '../crypto/ecdsa.js';
import { base64ToBytes, bytesEqual, bytesToHex, concatBytes, hexToBytes } from '../crypto/encoding.js';
import { nodeIdOf } from '../crypto/ids.js';
import { sha256 } from '../crypto/sha256.js';
import { decodeWriteSetDomain } from '../kv/write-set.js';
import { hashChildren } from '../merkle/hashing.js';
import { MerkleTree } from '../merkle/merkle-tree.js';
import { decodeLedgerEntry, type LedgerEntry, openPrivate } from './ledger-entry.js';
import type { LedgerSecret } from './ledger-secret.js';
import { frontierOf, ZERO_CLAIMS } from './ledger-state.js';
import { decodeSignaturePublicDomain, type PrimarySignature } from './signature-tx.js';

const kindCodes: Record<EntryKind, number> = { data: 0, signature: 1, config: 2 };

/** AuditFailure is the first problem found: where, a stable code, and a message. */
export interface AuditFailure {
  readonly seqno: number;
  readonly code: string;
  readonly message: string;
}

/** AuditStats counts what was checked. */
export interface AuditStats {
  entries: number;
  signatures: number;
  /** Signatures whose ECDSA signature was verified. */
  signaturesVerified: number;
  /** Signatures that could not be verified (no node cert, or no preimage without the secret). */
  signaturesUnchecked: number;
  privateDomainsOpened: number;
  /** Last seqno whose whole prefix is covered by a checked signature. */
  lastSignedSeqno: number;
}

export interface LedgerAuditorOptions {
  /** Node certificates by node id, each already checked against the service cert (see below). */
  readonly nodeCerts: ReadonlyMap<string, Certificate> | null;
  readonly secret: LedgerSecret | null;
  /** Start after a snapshot: its tree (size = seqno) and seqno; default: from seqno 1. */
  readonly start?: { readonly seqno: number; readonly tree: MerkleTree };
}

/**
 * endorsedNodeCerts keys node certificates by node id, keeping only those the service certificate
 * signed; returns the rejected ones separately so the caller can report them.
 */
export function endorsedNodeCerts(
  serviceCert: Certificate,
  certs: readonly Certificate[],
): { readonly byNodeId: Map<string, Certificate>; readonly rejected: Certificate[] } {
  const byNodeId = new Map<string, Certificate>();
  const rejected: Certificate[] = [];
  for (const cert of certs) {
    if (cert.isSignedBy(serviceCert.publicKey)) byNodeId.set(nodeIdOf(cert.publicKey), cert);
    else rejected.push(cert);
  }
  return { byNodeId, rejected };
}

class AuditProblem extends ConsortError {
  override readonly name = 'AuditProblem';
}

/** LedgerAuditor checks entries fed in seqno order; after the first failure it ignores input. */
export class LedgerAuditor {
  readonly stats: AuditStats = {
    entries: 0,
    signatures: 0,
    signaturesVerified: 0,
    signaturesUnchecked: 0,
    privateDomainsOpened: 0,
    lastSignedSeqno: 0,
  };
  private readonly options: LedgerAuditorOptions;
  private readonly tree: MerkleTree;
  private nextSeqno: number;
  private lastView = 0;
  private firstLeafPreimage: Uint8Array | null = null;
  private failureValue: AuditFailure | null = null;
  private readonly leafScratch = new Uint8Array(96);

  constructor(options: LedgerAuditorOptions) {
    this.options = options;
    this.tree = options.start?.tree ?? new MerkleTree();
    this.nextSeqno = (options.start?.seqno ?? 0) + 1;
    assert(this.tree.size === this.nextSeqno - 1, 'the start tree covers the entries before it');
  }

  get failure(): AuditFailure | null {
    return this.failureValue;
  }

  /** expectedSeqno is the seqno the next entry must have. */
  get expectedSeqno(): number {
    return this.nextSeqno;
  }

  /** fail records an outside problem (e.g. framing, from the file reader) at `seqno`. */
  fail(seqno: number, code: string, message: string): void {
    this.failureValue ??= { seqno, code, message };
  }

  /** feed checks one entry; returns false once the ledger is known to be bad. */
  feed(entry: LogEntry): boolean {
    if (this.failureValue !== null) return false;
    try {
      this.check(entry);
    } catch (error) {
      if (error instanceof AuditProblem) this.fail(entry.seqno, error.code, error.message);
      else if (error instanceof ConsortError) this.fail(entry.seqno, 'MalformedEntry', error.message);
      else throw error;
      return false;
    }
    return true;
  }

  private check(entry: LogEntry): void {
    if (entry.seqno !== this.nextSeqno) {
      throw new AuditProblem('SeqnoGap', `expected seqno ${this.nextSeqno}, found ${entry.seqno}`);
    }
    if (entry.view < this.lastView) throw new AuditProblem('ViewDecreased', `view ${entry.view} < ${this.lastView}`);
    const decoded = decodeLedgerEntry(entry.data);
    if (decoded.seqno !== entry.seqno || decoded.view !== entry.view || decoded.kind !== kindCodes[entry.kind]) {
      throw new AuditProblem('HeaderMismatch', 'entry header differs from its record');
    }
    decodeWriteSetDomain(decoded.publicBytes, 'public');
    const secret = this.options.secret;
    if (secret !== null && decoded.privateSealed.length > 0) {
      decodeWriteSetDomain(openPrivate(decoded, secret), 'private');
      this.stats.privateDomainsOpened++;
    }
    if (decoded.kind === 1) this.checkSignature(entry, decoded);
    if (secret !== null) {
      const preimage = this.leafScratch;
      secret.leafPreimageInto(entry.data, entry.view, entry.seqno, decoded.claimsDigest ?? ZERO_CLAIMS, preimage);
      if (entry.seqno === 1) this.firstLeafPreimage = preimage.slice();
      this.tree.append(sha256(preimage));
    }
    this.lastView = entry.view;
    this.nextSeqno++;
    this.stats.entries++;
  }

  private checkSignature(entry: LogEntry, decoded: LedgerEntry): void {
    let sig: PrimarySignature;
    try {
      sig = decodeSignaturePublicDomain(decoded.publicBytes);
    } catch (error) {
      if (error instanceof FormatError) throw new AuditProblem('MalformedSignature', error.message);
      throw error;
    }
    this.stats.signatures++;
    if (sig.view !== entry.view || sig.seqno !== entry.seqno) {
      throw new AuditProblem('SignatureTxIdMismatch', `signature records ${sig.view}.${sig.seqno}`);
    }
    if (sig.commitSeqno > entry.seqno) throw new AuditProblem('MalformedSignature', 'commit seqno ahead');
    const size = entry.seqno - 1;
    const root = hexToBytes(sig.root, 32);
    const preimage = this.options.secret !== null ? this.recomputed(sig, size, root) : fromFrontier(sig, size, root);
    const certs = this.options.nodeCerts;
    const cert = certs?.get(sig.nodeId);
    if (certs !== null && cert === undefined) {
      throw new AuditProblem('UnknownNode', `signed by ${sig.nodeId}, not a node endorsed by the service`);
    }
    if (cert === undefined || preimage === null) {
      this.stats.signaturesUnchecked++;
      return;
    }
    if (!verifySha256(cert.publicKey, preimage, base64ToBytes(sig.signature))) {
      throw new AuditProblem('InvalidSignature', `signature by ${sig.nodeId} over root ${sig.root} does not verify`);
    }
    this.stats.signaturesVerified++;
    this.stats.lastSignedSeqno = entry.seqno;
  }

  /** recomputed checks root and frontier against the tree and returns the signed preimage. */
  private recomputed(sig: PrimarySignature, size: number, root: Uint8Array): Uint8Array {
    assert(this.tree.size === size, 'the tree holds every entry before the signature');
    const ours = size === 0 ? sha256(new Uint8Array(0)) : this.tree.root(size);
    if (!bytesEqual(ours, root)) {
      throw new AuditProblem('RootMismatch', `signed root ${sig.root}, recomputed ${bytesToHex(ours)}`);
    }
    const frontier = frontierOf(this.tree, size);
    const same = frontier.length === sig.frontier.length && frontier.every((h, i) => bytesEqual(h, sig.frontier[i]!));
    if (!same) throw new AuditProblem('FrontierMismatch', 'recorded tree frontier differs from the recomputed one');
    let preimage: Uint8Array | null;
    if (size === 0) preimage = new Uint8Array(0);
    else if (size === 1) preimage = this.firstLeafPreimage;
    else preimage = this.tree.rootPreimage(size);
    if (preimage === null) throw new AuditProblem('RootMismatch', 'no preimage for the first leaf (audit started late)');
    // Only what later roots need stays in memory (streaming: O(log n) hashes).
    if (size > 1) this.tree.compact(size);
    return preimage;
  }
}

/** popCount counts the peaks a tree of `size` leaves has. */
function popCount(size: number): number {
  let count = 0;
  for (let s = size; s > 0; s = Math.floor(s / 2)) count += s % 2;
  return count;
}

/**
 * fromFrontier checks root == fold(frontier) without the leaves and returns the root's preimage
 * when the frontier determines it (two or more peaks: peak0 ‖ fold(rest)); null otherwise.
 */
function fromFrontier(sig: PrimarySignature, size: number, root: Uint8Array): Uint8Array | null {
  const peaks = sig.frontier;
  if (peaks.length !== popCount(size)) {
    throw new AuditProblem('FrontierMismatch', `${peaks.length} peaks for a tree of ${size} leaves`);
  }
  if (size === 0) {
    if (!bytesEqual(root, sha256(new Uint8Array(0)))) throw new AuditProblem('RootMismatch', 'empty tree root');
    return new Uint8Array(0);
  }
  let acc = peaks[peaks.length - 1]!;
  for (let i = peaks.length - 2; i >= 1; i--) acc = hashChildren(peaks[i]!, acc);
  const preimage = peaks.length >= 2 ? concatBytes(peaks[0]!, acc) : null;
  const folded = preimage === null ? acc : sha256(preimage);
  if (!bytesEqual(folded, root)) throw new AuditProblem('RootMismatch', 'root is not the fold of its frontier');
  return preimage;
}
