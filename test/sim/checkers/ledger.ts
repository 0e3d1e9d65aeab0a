// LedgerChecker: the full-stack properties, checked as nodes commit.
// (b) Ledger bytes: the durable record bytes (the simulated ledger file) of every committed seqno
//     are identical on every node that commits it (the first committer's bytes are the reference).
// (c) KV state: at every committed signature seqno a node applies, the digest of its KV store
//     snapshot at that seqno plus its Merkle root there agrees with every other node's.
// (a) Receipts: for every committed signature s >= 2, a random live node that has committed s
//     builds the receipt of the transaction at s - 1 (so every signature is covered), plus
//     receipts for a sample of committed workload writes; each is JSON round-tripped and must verify
//     with ReceiptVerifier against the service certificate, prove the committed entry's write set,
//     and verify to the root recorded in the committed signature.
// Also: every committed signature entry decodes, names its own tx id and a known node identity.
// Nothing here feeds the trace or a decision: the values compared depend on ECDSA randomness, only
// whether they agree does.
import type { LogEntry, TxId } from '../../../src/consensus/types.js';
import { concatBytes } from '../../../src/crypto/encoding.js';
import { sha256, sha256Hex } from '../../../src/crypto/sha256.js';
import type { SeededRng } from '../../../src/ds/rng.js';
import { decodeLedgerEntry } from '../../../src/ledger/ledger-entry.js';
import { scanRecords } from '../../../src/ledger/log-record.js';
import { decodeSignaturePublicDomain } from '../../../src/ledger/signature-tx.js';
import { ReceiptVerifier } from '../../../src/receipt/verify-receipt.js';
import type { SimNode } from '../sim-node.js';
import type { ViolationSink } from './violation.js';

/** LedgerStats are the counters of one run. */
export interface LedgerStats {
  receiptsVerified: number;
  receiptsUnavailable: number;
  kvDigests: number;
  recordsCompared: number;
}

interface ReceiptRequest {
  readonly txId: TxId;
  readonly why: string;
}

const verifiers = new Map<string, ReceiptVerifier>();

/** verifierFor shares one ReceiptVerifier (and its certificate caches) per service per process. */
function verifierFor(serviceCertPem: string): ReceiptVerifier {
  let v = verifiers.get(serviceCertPem);
  if (v === undefined) {
    v = new ReceiptVerifier(serviceCertPem);
    verifiers.set(serviceCertPem, v);
  }
  return v;
}

/** LedgerChecker is one run's ledger, KV and receipt oracle. */
export class LedgerChecker {
  readonly stats: LedgerStats = { receiptsVerified: 0, receiptsUnavailable: 0, kvDigests: 0, recordsCompared: 0 };
  private readonly sink: ViolationSink;
  private readonly rng: SeededRng;
  private readonly verifier: ReceiptVerifier;
  private readonly certOf: (nodeId: string) => string | null;
  /** seqno -> the committed record bytes, from the first node that committed it. */
  private readonly records: (Uint8Array | undefined)[] = [];
  private readonly recordFrom: (string | undefined)[] = [];
  /** seqno -> KV+root digest at that committed signature, from the first node that applied it. */
  private readonly kvDigests = new Map<number, { digest: string; node: string }>();
  private queue: ReceiptRequest[] = [];

  constructor(sink: ViolationSink, rng: SeededRng, service: { serviceCertPem: string; certOf(id: string): string | null }) {
    this.sink = sink;
    this.rng = rng;
    this.verifier = verifierFor(service.serviceCertPem);
    this.certOf = (id) => service.certOf(id);
  }

  /**
   * onCommitted checks `entries`, which `node` just applied as committed, then serves the receipt
   * requests at once (before the node's snapshot compaction that may follow drops the entries).
   */
  onCommitted(node: SimNode, entries: readonly LogEntry[], nodes: readonly SimNode[]): void {
    for (const entry of entries) this.checkRecord(node, entry);
    const last = entries[entries.length - 1];
    if (last !== undefined && last.kind === 'signature') this.checkKvState(node, last.seqno);
    this.serveReceipts(nodes);
  }

  /** requestReceipt asks for the receipt of a committed workload write. */
  requestReceipt(txId: TxId): void {
    this.queue.push({ txId, why: 'committed write' });
  }

  /** serveReceipts serves queued receipt requests at random live nodes that committed them. */
  serveReceipts(nodes: readonly SimNode[]): void {
    if (this.queue.length === 0) return;
    const waiting: ReceiptRequest[] = [];
    for (const request of this.queue) {
      const candidates = nodes.filter((n) => n.machine !== null && n.machine.committedSeqno > request.txId.seqno);
      if (candidates.length === 0) {
        waiting.push(request);
        continue;
      }
      const start = this.rng.int(0, candidates.length - 1);
      let served = false;
      for (let i = 0; i < candidates.length && !served; i++) {
        served = this.checkReceipt(candidates[(start + i) % candidates.length]!, request);
      }
      if (!served) this.stats.receiptsUnavailable++;
    }
    this.queue = waiting;
  }

  private checkRecord(node: SimNode, entry: LogEntry): void {
    const seqno = entry.seqno;
    const record = node.storage.recordAt(seqno);
    if (record === undefined) {
      this.sink.report('ledger-bytes', `${node.id} committed ${seqno} but its ledger file has no record of it`);
      return;
    }
    const known = this.records[seqno];
    if (known !== undefined) {
      this.stats.recordsCompared++;
      if (!Buffer.from(known).equals(record)) {
        this.sink.report(
          'ledger-bytes',
          `${node.id}'s ledger record of committed seqno ${seqno} differs from ${this.recordFrom[seqno]}'s`,
        );
      }
      return;
    }
    this.records[seqno] = record.slice();
    this.recordFrom[seqno] = node.id;
    if (entry.kind !== 'signature') return;
    try {
      const sig = decodeSignaturePublicDomain(decodeLedgerEntry(entry.data).publicBytes);
      if (sig.seqno !== seqno || sig.view !== entry.view || this.certOf(sig.nodeId) === null) {
        this.sink.report('signature-payload', `committed signature ${entry.view}.${seqno} names ${sig.view}.${sig.seqno} by ${sig.nodeId.slice(0, 8)}`);
      }
    } catch (error) {
      this.sink.report('signature-payload', `committed signature ${entry.view}.${seqno} does not decode: ${String(error)}`);
    }
    const before = this.entryAt(seqno - 1);
    if (seqno >= 2 && before !== undefined) {
      this.queue.push({ txId: { view: before.view, seqno: seqno - 1 }, why: `signature ${seqno}` });
    }
  }

  private checkKvState(node: SimNode, seqno: number): void {
    const machine = node.machine;
    if (machine === null) return;
    const ledger = machine.ledger;
    const digest = sha256Hex(concatBytes(sha256(ledger.store.snapshot(seqno)), ledger.rootAt(seqno)));
    this.stats.kvDigests++;
    const known = this.kvDigests.get(seqno);
    if (known === undefined) this.kvDigests.set(seqno, { digest, node: node.id });
    else if (known.digest !== digest) {
      this.sink.report('kv-state', `${node.id}'s KV state / Merkle root at committed signature ${seqno} differs from ${known.node}'s`);
    }
  }

  /** entryAt decodes the committed record of `seqno` (undefined if no node committed it yet). */
  private entryAt(seqno: number): LogEntry | undefined {
    const record = this.records[seqno];
    return record === undefined ? undefined : scanRecords(record).entries[0];
  }

  /** checkReceipt: false when `node` cannot build it (its tree or log no longer holds the tx). */
  private checkReceipt(node: SimNode, request: ReceiptRequest): boolean {
    const machine = node.machine!;
    const { txId } = request;
    const result = machine.receipt(txId);
    const what = `receipt of ${txId.view}.${txId.seqno} (${request.why}) from ${node.id}`;
    if (!result.ok) {
      if (result.code === 'ReceiptUnavailable' || result.code === 'TransactionNotFound') return false;
      this.sink.report('receipt', `${what}: ${result.code}: ${result.message}`);
      return true;
    }
    const verified = this.verifier.verify(JSON.parse(JSON.stringify(result.receipt)));
    if (!verified.ok) {
      this.sink.report('receipt', `${what} does not verify: ${verified.reason.code}: ${verified.reason.message}`);
      return true;
    }
    this.stats.receiptsVerified++;
    const entry = this.entryAt(txId.seqno);
    if (entry !== undefined && (entry.view !== txId.view || verified.receipt.leafComponents.writeSetDigest !== sha256Hex(entry.data))) {
      this.sink.report('receipt', `${what} proves another entry than the committed one`);
      return true;
    }
    let s = txId.seqno + 1;
    let signature = this.entryAt(s);
    while (signature !== undefined && signature.kind !== 'signature') signature = this.entryAt(++s);
    if (signature !== undefined) {
      const root = decodeSignaturePublicDomain(decodeLedgerEntry(signature.data).publicBytes).root;
      if (root !== verified.rootHex) this.sink.report('receipt', `${what} verifies to another root than committed signature ${s}`);
    }
    return true;
  }
}
