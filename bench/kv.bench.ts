// KV benchmark (issue 3 §2.4): restore of a 1M-key snapshot (32-byte keys, 32–256-byte values)
// measured in a child process (time and peak RSS via process.resourceUsage().maxRSS), snapshot
// creation, transaction commit rate with 256-byte values, and write-set serialise/deserialise
// rates. Prints a table and writes bench/results/kv-<date>.json.
//
// Usage: npm run bench:kv [-- --keys=1000000]
// (internally re-runs itself as `--restore-child=<file>` for the restore measurement)
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SeededRng } from '../src/ds/rng.js';
import { Store } from '../src/kv/store.js';
import { deserializeWriteSet, serializeWriteSet, type WriteSet } from '../src/kv/write-set.js';

function option(name: string): string | undefined {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg?.slice(name.length + 3);
}

/** randomFill fills `out` from an xorshift32 stream seeded by `rng` (fast, deterministic). */
function randomFill(rng: SeededRng, out: Uint8Array): Uint8Array {
  let x = rng.int(1, 0xffff_ffff);
  for (let i = 0; i < out.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** restoreChild runs in the child: restore the snapshot file, report time and peak RSS. */
function restoreChild(path: string): void {
  const baselineRssBytes = process.resourceUsage().maxRSS * 1024;
  const started = performance.now();
  const bytes = readFileSync(path);
  const readMs = performance.now() - started;
  const store = Store.restore(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  const restoreMs = performance.now() - started - readMs;
  const keyCount = store.mapNames().reduce((n, name) => n + store.keyCount(name), 0);
  const maxRssBytes = process.resourceUsage().maxRSS * 1024;
  const heapUsedBytes = process.memoryUsage().heapUsed;
  process.stdout.write(JSON.stringify({ readMs, restoreMs, keyCount, baselineRssBytes, maxRssBytes, heapUsedBytes }));
}

interface RestoreResult {
  readMs: number;
  restoreMs: number;
  keyCount: number;
  baselineRssBytes: number;
  maxRssBytes: number;
  heapUsedBytes: number;
}

function benchSnapshot(keyCount: number): Record<string, number> {
  const rng = new SeededRng(1);
  const store = new Store();
  const perTx = 1000;
  let started = performance.now();
  for (let seqno = 1; seqno * perTx <= keyCount; seqno++) {
    const tx = store.begin();
    const map = tx.map(seqno % 2 === 0 ? 'public:bench' : 'bench');
    for (let i = 0; i < perTx; i++) {
      // Random keys, made unique by a counter in their last 4 bytes.
      const key = randomFill(rng, new Uint8Array(32));
      new DataView(key.buffer).setUint32(28, (seqno - 1) * perTx + i);
      map.set(key, randomFill(rng, new Uint8Array(rng.int(32, 256))));
    }
    store.commit(tx, seqno);
  }
  const loadMs = performance.now() - started;
  started = performance.now();
  const snapshot = store.snapshot(store.seqno);
  const snapshotMs = performance.now() - started;
  const path = join(tmpdir(), `consort-kv-bench-${process.pid}.snapshot`);
  writeFileSync(path, snapshot);
  const child = spawnSync(
    process.execPath,
    ['--import', 'tsx', new URL(import.meta.url).pathname, `--restore-child=${path}`],
    { encoding: 'utf8', maxBuffer: 1 << 20 },
  );
  rmSync(path, { force: true });
  if (child.status !== 0) throw new Error(`restore child failed: ${child.stderr}`);
  const restore = JSON.parse(child.stdout) as RestoreResult;
  if (restore.keyCount !== keyCount) throw new Error(`restored ${restore.keyCount} keys`);
  return {
    keyCount,
    snapshotBytes: snapshot.length,
    buildThroughTxMs: loadMs,
    snapshotMs,
    restoreReadFileMs: restore.readMs,
    restoreMs: restore.restoreMs,
    restoreChildBaselineRssMiB: restore.baselineRssBytes / 2 ** 20,
    restorePeakRssMiB: restore.maxRssBytes / 2 ** 20,
    restoreHeapUsedMiB: restore.heapUsedBytes / 2 ** 20,
  };
}

function benchCommit(txCount: number): Record<string, number> {
  const rng = new SeededRng(2);
  const store = new Store();
  const keys = Array.from({ length: 10_000 }, () => randomFill(rng, new Uint8Array(32)));
  const value = randomFill(rng, new Uint8Array(256));
  const started = performance.now();
  for (let seqno = 1; seqno <= txCount; seqno++) {
    const tx = store.begin();
    const map = tx.map('public:records');
    const key = keys[seqno % keys.length]!;
    map.get(key);
    map.set(key, value);
    store.commit(tx, seqno);
    if (seqno % 1000 === 0) store.compact(seqno - 500);
  }
  const elapsedMs = performance.now() - started;
  return { txCount, commitTxPerSec: txCount / (elapsedMs / 1000), commitUsPerTx: (elapsedMs * 1000) / txCount };
}

function benchWriteSets(writeSetCount: number, writesPerSet: number): Record<string, number> {
  const rng = new SeededRng(3);
  const store = new Store();
  const sets: WriteSet[] = [];
  for (let seqno = 1; seqno <= 200; seqno++) {
    const tx = store.begin();
    for (let i = 0; i < writesPerSet; i++) {
      const map = tx.map(i % 2 === 0 ? 'public:records' : 'records');
      map.set(randomFill(rng, new Uint8Array(32)), randomFill(rng, new Uint8Array(256)));
    }
    sets.push(store.commit(tx, seqno));
  }
  let bytes = 0;
  let started = performance.now();
  const encoded = [];
  for (let i = 0; i < writeSetCount; i++) {
    const domains = serializeWriteSet(sets[i % sets.length]!);
    bytes += domains.publicBytes.length + domains.privateBytes.length;
    if (i < sets.length) encoded.push(domains);
  }
  const serializeMs = performance.now() - started;
  started = performance.now();
  for (let i = 0; i < writeSetCount; i++) deserializeWriteSet(encoded[i % encoded.length]!);
  const deserializeMs = performance.now() - started;
  const entries = writeSetCount * writesPerSet;
  return {
    writeSetCount,
    writesPerSet,
    serializeWriteSetsPerSec: writeSetCount / (serializeMs / 1000),
    serializeEntriesPerSec: entries / (serializeMs / 1000),
    serializeMiBPerSec: bytes / 2 ** 20 / (serializeMs / 1000),
    deserializeWriteSetsPerSec: writeSetCount / (deserializeMs / 1000),
    deserializeEntriesPerSec: entries / (deserializeMs / 1000),
    deserializeMiBPerSec: bytes / 2 ** 20 / (deserializeMs / 1000),
  };
}

function main(): void {
  const childPath = option('restore-child');
  if (childPath !== undefined) {
    restoreChild(childPath);
    return;
  }
  const keyCount = Number(option('keys') ?? 1_000_000);
  const results = {
    snapshot: benchSnapshot(keyCount),
    commit: benchCommit(200_000),
    writeSet: benchWriteSets(50_000, 10),
  };
  const rows: Array<[string, string]> = [];
  for (const [group, values] of Object.entries(results)) {
    for (const [name, value] of Object.entries(values)) {
      rows.push([`${group}.${name}`, Number.isInteger(value) ? String(value) : value.toFixed(1)]);
    }
  }
  const width = Math.max(...rows.map(([name]) => name.length));
  for (const [name, value] of rows) console.log(`${name.padEnd(width)}  ${value.padStart(14)}`);
  const date = new Date().toISOString().slice(0, 10);
  const dir = new URL('./results/', import.meta.url).pathname;
  mkdirSync(dir, { recursive: true });
  const meta = { date, node: process.version, platform: `${process.platform}-${process.arch}` };
  writeFileSync(join(dir, `kv-${date}.json`), `${JSON.stringify({ ...meta, ...results }, null, 2)}\n`);
  console.log(`wrote bench/results/kv-${date}.json`);
}

main();
