// Ledger benchmark (issue 3 §6): Merkle append rate and memory for 1M leaves; single-node durable
// append through NodeMachine + real ledger files (256-byte values, fdatasync per batch); receipt
// verification rate vs raw ECDSA P-256 verify of the same (preimage, signature) pairs (2000
// receipts, each from its own signature transaction, so every signature is distinct); audit MB/s
// over a generated ledger (--audit-gb, default 1); snapshot restore of 1M keys from a snapshot file in a child process (time, peak RSS).
// Prints a table and writes bench/results/ledger-<date>.json.
//
// The append part snapshots every --snapshot-interval committed entries (default 100000, as the
// runtime does; 0 = never, the whole log stays in memory), and says so in its output.
//
// Usage: npm run bench:ledger [-- --tx=200000 --snapshot-interval=100000 --audit-gb=1 --keys=1000000 --only=merkle,append,audit,restore]
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { testService } from '../test/support/identities.js';
import { auditDirectory } from '../src/cli/commands/audit.js';
import type { TxId } from '../src/consensus/types.js';
import { verifySha256 } from '../src/crypto/ecdsa.js';
import { sha256 } from '../src/crypto/sha256.js';
import { base64ToBytes, hexToBytes, utf8 } from '../src/crypto/encoding.js';
import { open, tempDir } from '../src/io/ledger-files.test-helper.js';
import { becomePrimary, singleNode, writeMany } from '../src/io/ledger-single-node.test-helper.js';
import { encodeSnapshotFile } from '../src/io/ledger-snapshot-file.js';
import { Store } from '../src/kv/store.js';
import { encodeLedgerSnapshot } from '../src/ledger/ledger-snapshot.js';
import { LedgerSecret } from '../src/ledger/ledger-secret.js';
import { LedgerState } from '../src/ledger/ledger-state.js';
import { leafDigest, leafPreimage } from '../src/merkle/leaf.js';
import { MerkleTree } from '../src/merkle/merkle-tree.js';
import { walkInclusionProof } from '../src/merkle/proof.js';
import type { Receipt } from '../src/receipt/receipt.js';
import { ReceiptVerifier } from '../src/receipt/verify-receipt.js';

function option(name: string, fallback: number): number {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg === undefined ? fallback : Number(arg.slice(name.length + 3));
}

const secret = new LedgerSecret(new Uint8Array(32).fill(1));
const MiB = 2 ** 20;
const yieldIo = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function benchMerkle(leafCount: number): Record<string, number> {
  const leaves = Array.from({ length: 1024 }, (_, i) => sha256(new Uint8Array([i & 255, i >> 8])));
  global.gc?.();
  const used = (): number => process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
  const heapBefore = used();
  const tree = new MerkleTree();
  const started = performance.now();
  for (let i = 0; i < leafCount; i++) tree.append(leaves[i & 1023]!);
  const ms = performance.now() - started;
  const heapMiB = (used() - heapBefore) / MiB;
  return { leafCount, appendLeavesPerSec: leafCount / (ms / 1000), memoryMiB: heapMiB, rootFirstByte: tree.root()[0]! };
}

/**
 * benchAppend: the node snapshots (and compacts its in-memory log) every `snapshotIntervalTxCount`
 * committed entries, as the runtime does (100,000 by default); 0 keeps the whole log in memory.
 */
async function benchAppend(txCount: number, snapshotIntervalTxCount: number) {
  const service = await testService();
  const { dir, cleanup } = tempDir('bench-append');
  try {
    const files = await open(dir);
    const m = singleNode(files, service.nodes[0]!, secret, { snapshotIntervalTxCount });
    let snapshotCount = 0;
    m.addListener((event) => {
      if (event.type === 'snapshot') snapshotCount++;
    });
    await becomePrimary(m);
    const syncsBefore = files.stats.datasyncCount;
    const persistsBefore = files.stats.persistCount;
    const started = performance.now();
    await writeMany(m, { count: txCount, value: new Uint8Array(256).fill(7) });
    const ms = performance.now() - started;
    const snapshotsTaken = snapshotCount;
    const syncs = files.stats.datasyncCount - syncsBefore;
    const receipts = await benchReceipts(m, service, 2000);
    m.stop();
    await files.close();
    return {
      append: {
        txCount,
        snapshotIntervalTxCount,
        snapshotCount: snapshotsTaken,
        durableTxPerSec: txCount / (ms / 1000),
        fdatasyncCount: syncs,
        persistCount: files.stats.persistCount - persistsBefore,
        txPerFdatasync: txCount / Math.max(1, syncs),
        bytesAppended: files.stats.bytesAppended,
      },
      receipts,
    };
  } finally {
    cleanup();
  }
}

/**
 * signOneByOne writes `count` transactions, each followed by its own signature transaction (ticks
 * until the primary signs), so every receipt below carries a DISTINCT signature, as receipts from
 * many signature transactions do; returns their tx ids once all are committed.
 */
async function signOneByOne(m: ReturnType<typeof singleNode>, count: number): Promise<TxId[]> {
  const txIds: TxId[] = [];
  const value = new Uint8Array(256).fill(5);
  for (let i = 0; i < count; i++) {
    const r = m.execute((tx) => tx.map('public:receipted').set(utf8(`r-${i}`), value));
    if (!('txId' in r)) throw new Error('a write has a tx id');
    txIds.push(r.txId);
    for (let t = 0; t < 100 && m.core.lastSignature().seqno < r.txId.seqno; t++) m.tick();
    if (m.core.lastSignature().seqno !== r.txId.seqno + 1) throw new Error('each write is signed on its own');
    if (i % 64 === 63) await yieldIo();
  }
  const last = txIds[txIds.length - 1]!.seqno + 1;
  for (let i = 0; i < 100_000 && m.core.commitSeqno < last; i++) {
    m.tick();
    await yieldIo();
  }
  if (m.core.commitSeqno < last) throw new Error('receipted writes did not commit');
  return txIds;
}

async function benchReceipts(m: ReturnType<typeof singleNode>, service: Awaited<ReturnType<typeof testService>>, count: number) {
  const txIds = await signOneByOne(m, count);
  const receipts: unknown[] = [];
  const pairs: Array<{ preimage: Uint8Array; signature: Uint8Array }> = [];
  for (const txId of txIds) {
    const r = m.receipt(txId);
    if (!r.ok) throw new Error(`no receipt for ${txId.view}.${txId.seqno}: ${r.message}`);
    const json = JSON.parse(JSON.stringify(r.receipt)) as Receipt;
    receipts.push(json);
    // The raw baseline verifies the same (preimage, signature) pairs, computed outside the timing.
    const c = json.leafComponents;
    const components = { writeSetDigest: hexToBytes(c.writeSetDigest), commitEvidence: c.commitEvidence, claimsDigest: hexToBytes(c.claimsDigest) };
    const steps = json.proof.map((s) => ('left' in s ? { left: hexToBytes(s.left) } : { right: hexToBytes(s.right) }));
    const walk = walkInclusionProof(leafDigest(components), steps);
    pairs.push({ preimage: walk.rootPreimage ?? leafPreimage(components), signature: base64ToBytes(json.signature) });
  }
  const distinct = new Set(receipts.map((r) => (r as Receipt).signature)).size;
  if (distinct !== receipts.length) throw new Error(`${distinct} distinct signatures for ${receipts.length} receipts`);
  const verifier = new ReceiptVerifier(service.serviceCertPem);
  const publicKey = service.nodes[0]!.privateKey.publicKey();
  // Interleave raw and receipt verifications item by item (3 rounds), timing each, so machine
  // load affects both rates alike.
  let receiptMs = 0;
  let rawMs = 0;
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < receipts.length; i++) {
      const t0 = performance.now();
      if (!verifySha256(publicKey, pairs[i]!.preimage, pairs[i]!.signature)) throw new Error('verify');
      const t1 = performance.now();
      if (!verifier.verify(receipts[i]).ok) throw new Error('receipt did not verify');
      rawMs += t1 - t0;
      receiptMs += performance.now() - t1;
    }
  }
  const receiptsPerSec = (3 * receipts.length) / (receiptMs / 1000);
  const rawVerifiesPerSec = (3 * pairs.length) / (rawMs / 1000);
  return {
    count: receipts.length,
    distinctSignatures: distinct,
    proofSteps: (receipts[0] as Receipt).proof.length,
    receiptsPerSec,
    rawVerifiesPerSec,
    ratio: receiptsPerSec / rawVerifiesPerSec,
  };
}

async function benchAudit(auditGb: number) {
  const service = await testService();
  const { dir, cleanup } = tempDir('bench-audit');
  try {
    mkdirSync(`${dir}/certs`);
    writeFileSync(`${dir}/certs/node.pem`, service.nodes[0]!.certPem);
    const files = await open(`${dir}/ledger`);
    const m = singleNode(files, service.nodes[0]!, secret);
    await becomePrimary(m);
    const valueBytes = 4096;
    const txCount = Math.ceil((auditGb * 1e9) / (valueBytes + 120));
    const started = performance.now();
    await writeMany(m, { count: txCount, value: new Uint8Array(valueBytes).fill(3), privateEvery: 10 });
    const generateSec = (performance.now() - started) / 1000;
    m.stop();
    await files.close();
    const out: Record<string, number> = { txCount, valueBytes, generateSec };
    for (const withSecret of [false, true]) {
      const run = await auditDirectory({
        dir: `${dir}/ledger`,
        serviceCertPem: service.serviceCertPem,
        nodeCertsDir: `${dir}/certs`,
        secret: withSecret ? secret : null,
        progress: false,
      });
      if (run.auditor.failure !== null) throw new Error(`audit failed: ${JSON.stringify(run.auditor.failure)}`);
      const label = withSecret ? 'withSecret' : 'noSecret';
      out[`${label}MBPerSec`] = run.bytes / 1e6 / run.seconds;
      out[`${label}EntriesPerSec`] = run.auditor.stats.entries / run.seconds;
      out.ledgerBytes = run.bytes;
    }
    return out;
  } finally {
    cleanup();
  }
}

/** restoreChild runs in the child: load the ledger dir (snapshot file) and rebuild the state. */
async function restoreChild(dir: string): Promise<void> {
  const started = performance.now();
  const files = await open(dir);
  const loaded = files.load();
  const loadMs = performance.now() - started;
  const state = new LedgerState({ secret, signer: { nodeId: 'x', sign: () => new Uint8Array(0) } });
  state.reset(loaded.snapshot!);
  const totalMs = performance.now() - started;
  const keys = state.store.mapNames().reduce((n, name) => n + state.store.keyCount(name), 0);
  process.stdout.write(JSON.stringify({ loadMs, totalMs, keys, maxRssMiB: peakRssMiB() }));
}

/**
 * peakRssMiB is this process's peak resident set (VmHWM). Not `resourceUsage().maxRSS`: on Linux
 * ru_maxrss survives fork+exec, so a child spawned by a big parent reports the parent's peak.
 */
function peakRssMiB(): number {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const kib = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
    if (kib !== undefined) return (Number(kib) * 1024) / MiB;
  } catch {
    // Not Linux: fall back below.
  }
  return (process.resourceUsage().maxRSS * 1024) / MiB;
}

function benchRestore(keyCount: number): Record<string, number> {
  const { dir, cleanup } = tempDir('bench-restore');
  try {
    const store = new Store();
    const tree = new MerkleTree();
    const perTx = 1000;
    const value = new Uint8Array(100).fill(5);
    let seqno = 0;
    for (let done = 0; done < keyCount; done += perTx) {
      seqno++;
      const tx = store.begin();
      const map = tx.map(seqno % 2 === 0 ? 'public:bench' : 'bench');
      for (let i = 0; i < perTx; i++) map.set(utf8(`key-${(done + i).toString().padStart(12, '0')}`), value);
      store.commit(tx, seqno);
      tree.append(sha256(utf8(String(seqno))));
    }
    const data = encodeLedgerSnapshot(tree, store, seqno);
    const file = encodeSnapshotFile({ seqno, view: 1, configs: [{ seqno: 0, config: { voters: ['x'], learners: [] } }], data });
    writeFileSync(`${dir}/snapshot_${seqno}.committed`, file);
    const child = spawnSync(process.execPath, ['--import', 'tsx', new URL(import.meta.url).pathname, `--restore-child=${dir}`], {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    });
    if (child.status !== 0) throw new Error(`restore child failed: ${child.stderr}`);
    const r = JSON.parse(child.stdout) as Record<string, number>;
    if (r.keys !== keyCount) throw new Error(`restored ${r.keys} keys`);
    return { keyCount, snapshotFileMiB: file.length / MiB, ...r };
  } finally {
    cleanup();
  }
}

/** selected tells whether a part runs: all by default, or those named in --only=a,b. */
function selected(part: string): boolean {
  const arg = process.argv.find((a) => a.startsWith('--only='));
  return arg === undefined || arg.slice('--only='.length).split(',').includes(part);
}

async function main(): Promise<void> {
  const results: Record<string, unknown> = { date: new Date().toISOString(), node: process.version };
  if (selected('merkle')) {
    results.merkle = benchMerkle(1_000_000);
    console.log('merkle', results.merkle);
  }
  if (selected('append')) {
    results.durable = await benchAppend(option('tx', 200_000), option('snapshot-interval', 100_000));
    console.log('durable append + receipts', results.durable);
  }
  if (selected('audit')) {
    results.audit = await benchAudit(option('audit-gb', 1));
    console.log('audit', results.audit);
  }
  if (selected('restore')) {
    results.restore = benchRestore(option('keys', 1_000_000));
    console.log('snapshot restore', results.restore);
  }
  printTable(results);
  mkdirSync(new URL('results/', import.meta.url), { recursive: true });
  const only = process.argv.find((a) => a.startsWith('--only='));
  const suffix = only === undefined ? '' : `-${only.slice('--only='.length).replaceAll(',', '-')}`;
  const path = new URL(`results/ledger-${new Date().toISOString().slice(0, 10)}${suffix}.json`, import.meta.url);
  writeFileSync(path, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`wrote ${path.pathname}`);
}

/** printTable prints the targets beside the measured values (markdown). */
function printTable(results: Record<string, unknown>): void {
  const n = (v: unknown, digits = 0): string =>
    typeof v === 'number' ? v.toLocaleString('en-US', { maximumFractionDigits: digits }) : '–';
  const get = (path: string): unknown =>
    path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], results);
  const rows: [string, string, string][] = [
    ['Merkle append', '>= 300,000 leaves/s', `${n(get('merkle.appendLeavesPerSec'))} leaves/s`],
    ['Merkle memory, 1M leaves', '< 100 MB', `${n(get('merkle.memoryMiB'), 1)} MiB`],
    ['durable append, 256 B, fdatasync per batch', '>= 50,000 tx/s', `${n(get('durable.append.durableTxPerSec'))} tx/s`],
    ['receipt verify ÷ raw ECDSA verify', '>= 0.8', n(get('durable.receipts.ratio'), 2)],
    ['audit without / with ledger secret', '>= 100 MB/s', `${n(get('audit.noSecretMBPerSec'))} / ${n(get('audit.withSecretMBPerSec'))} MB/s`],
    ['snapshot restore, 1M keys', '< 10 s, < 1 GiB', `${n(get('restore.totalMs'))} ms, ${n(get('restore.maxRssMiB'))} MiB`],
  ];
  console.log('\n| what | target | measured |\n|---|---|---|');
  for (const [what, target, measured] of rows) console.log(`| ${what} | ${target} | ${measured} |`);
}

const child = process.argv.find((a) => a.startsWith('--restore-child='));
if (child !== undefined) await restoreChild(child.slice('--restore-child='.length));
else await main();
