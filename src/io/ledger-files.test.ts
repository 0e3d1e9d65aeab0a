// Goal: ledger files are a correct, durable LedgerStorage: what was persisted loads back; one
// fdatasync per persist; chunks end at signatures and are renamed once committed; truncation works
// across chunks; a torn tail is cut back to the last signature; damage in committed chunks is
// refused; snapshots are atomic and used on load; retention deletes only covered chunks.
// Method: real files in a temp dir (os.tmpdir()), synthetic entries, a sync-counting fs facade,
// byte-level damage (truncation at every offset, flipped bytes) between close and reopen.
import assert from 'node:assert/strict';
import { copyFileSync, readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import type { PersistedState, Snapshot } from '../consensus/types.js';
import type { PersistWork } from '../node/node-machine.js';
import { LedgerCorruptError } from './ledger-errors.js';
import { batch, countingFs, entry, open, persist, tempDir, work } from './ledger-files.test-helper.js';
import type { FilePersistedState, FilePersistWork, FileSnapshot } from './ledger-types.js';

// The io mirrors and the consensus/node types must stay assignable both ways.
const mirror1: (s: FilePersistedState) => PersistedState = (s) => s;
const mirror2: (s: PersistedState) => FilePersistedState = (s) => s;
const mirror3: (w: PersistWork) => FilePersistWork = (w) => w;
const mirror4: (s: Snapshot) => FileSnapshot = (s) => s;
void [mirror1, mirror2, mirror3, mirror4];

const dirs: Array<() => void> = [];
function scratch(label: string): string {
  const t = tempDir(label);
  dirs.push(t.cleanup);
  return t.dir;
}
after(() => {
  for (const cleanup of dirs) cleanup();
});

const snap = (seqno: number, fill: number): FileSnapshot => ({
  seqno,
  view: 1,
  configs: [{ seqno: 0, config: { voters: ['a', 'b'], learners: [] } }],
  data: new Uint8Array(100).fill(fill),
});

describe('ledger files', () => {
  it('round-trips entries, hard state and votes across a reopen', async () => {
    const dir = scratch('roundtrip');
    const files = await open(dir);
    assert.deepEqual(files.load().entries, []);
    await persist(files, work({ entries: batch(1, 10), hardState: { view: 1, votedFor: 'n1', commitSeqno: 0 } }));
    await persist(files, work({ entries: batch(11, 20), hardState: { view: 1, votedFor: 'n1', commitSeqno: 10 } }));
    await files.close();
    const again = await open(dir);
    const loaded = again.load();
    assert.deepEqual(loaded.entries, batch(1, 20));
    assert.deepEqual(loaded.hardState, { view: 1, votedFor: 'n1', commitSeqno: 10 });
    await persist(again, work({ entries: batch(21, 25) }));
    await again.close();
    assert.deepEqual((await open(dir)).load().entries, batch(1, 25));
  });

  it('group commit: one fdatasync per persist, whatever the batch size', async () => {
    const dir = scratch('group');
    const { fs, counts } = countingFs();
    const files = await open(dir, { fs });
    await persist(files, work({ hardState: { view: 1, votedFor: null, commitSeqno: 0 } }));
    const before = counts.datasync;
    let seqno = 1;
    for (const size of [1, 7, 100, 1000]) {
      await persist(files, work({ entries: batch(seqno, seqno + size - 1), hardState: { view: 1, votedFor: null, commitSeqno: seqno - 1 } }));
      seqno += size;
    }
    assert.equal(counts.datasync - before, 4, 'exactly one datasync per persist');
    assert.equal(files.stats.persistCount, 5);
    await files.close();
  });

  it('ends chunks at signatures once large enough and renames them when committed', async () => {
    const dir = scratch('chunks');
    const files = await open(dir, { chunkBytesMin: 400 });
    for (let s = 1; s <= 60; s += 5) await persist(files, work({ entries: batch(s, s + 4) }));
    files.committed(40);
    await files.flush();
    const names = readdirSync(dir).filter((n) => n.startsWith('ledger_')).sort((a, b) => parseInt(a.slice(7), 10) - parseInt(b.slice(7), 10));
    const committed = names.filter((n) => n.endsWith('.committed'));
    assert.ok(committed.length >= 2, names.join(' '));
    for (const n of committed) {
      const [, start, end] = /^ledger_(\d+)-(\d+)\.committed$/.exec(n)!;
      assert.equal(Number(end) % 5, 0, `${n} ends at a signature`);
      assert.ok(Number(end) <= 40, `${n} is committed`);
      assert.ok(Number(start) >= 1);
    }
    assert.ok(names.some((n) => !n.endsWith('.committed')), 'later chunks stay open');
    await files.close();
    assert.deepEqual((await open(dir)).load().entries, batch(1, 60));
  });

  it('truncates across chunks, deleting later ones, and keeps appending', async () => {
    const dir = scratch('truncate');
    const files = await open(dir, { chunkBytesMin: 300 });
    for (let s = 1; s <= 40; s += 5) await persist(files, work({ entries: batch(s, s + 4) }));
    const chunkCount = readdirSync(dir).filter((n) => n.startsWith('ledger_')).length;
    assert.ok(chunkCount >= 3);
    await persist(files, work({ truncateFromSeqno: 13, entries: batch(13, 17, 5, 2) }));
    await files.close();
    const loaded = (await open(dir)).load();
    assert.deepEqual(loaded.entries, [...batch(1, 12), ...batch(13, 17, 5, 2)]);
  });

  it('refuses to truncate a .committed chunk', async () => {
    const dir = scratch('nocommitted');
    const files = await open(dir, { chunkBytesMin: 100 });
    for (let s = 1; s <= 20; s += 5) await persist(files, work({ entries: batch(s, s + 4) }));
    files.committed(15);
    await files.flush();
    await assert.rejects(persist(files, work({ truncateFromSeqno: 3 })), /never truncates a \.committed chunk/);
  });

  it('a torn tail (cut at every byte of the last records) is cut back to the last signature', async () => {
    const dir = scratch('torn');
    const files = await open(dir);
    await persist(files, work({ entries: batch(1, 13) }));
    await files.close();
    const path = `${dir}/ledger_1`;
    const original = readFileSync(path);
    const sigEnd = recordEndOf(original, 10);
    for (let cut = sigEnd - 30; cut < original.length; cut++) {
      const copy = scratch('torn-copy');
      writeFileSync(`${copy}/ledger_1`, original.subarray(0, cut));
      const loaded = (await open(copy)).load();
      // A cut exactly between records is a clean (shorter) log; anything else is cut back.
      const boundary = [10, 11, 12].find((n) => recordEndOf(original, n) === cut);
      const expectLast = boundary ?? (cut >= sigEnd ? 10 : 5);
      assert.equal(loaded.entries.length, expectLast, `cut at ${cut}`);
    }
  });

  it('a flipped byte inside a committed chunk is refused with LedgerCorruptError', async () => {
    const dir = scratch('flip');
    const files = await open(dir, { chunkBytesMin: 200 });
    for (let s = 1; s <= 30; s += 5) await persist(files, work({ entries: batch(s, s + 4) }));
    files.committed(30);
    await files.flush();
    await files.close();
    const committed = readdirSync(dir).filter((n) => n.endsWith('.committed')).sort();
    assert.ok(committed.length >= 1);
    const victim = `${dir}/${committed[0]}`;
    const bytes = readFileSync(victim);
    bytes[bytes.length - 10]! ^= 0x40;
    writeFileSync(victim, bytes);
    await assert.rejects(open(dir), (error: unknown) => {
      assert.ok(error instanceof LedgerCorruptError);
      assert.equal(error.file, committed[0]);
      assert.ok(error.seqno >= 1 && error.offset > 0, error.message);
      return true;
    });
  });

  it('writes snapshots atomically and loads from the newest one', async () => {
    const dir = scratch('snapshot');
    const files = await open(dir);
    await persist(files, work({ entries: batch(1, 20) }));
    files.committed(15);
    files.snapshot(snap(10, 7));
    await files.flush();
    await persist(files, work({ entries: batch(21, 25) }));
    await files.close();
    writeFileSync(`${dir}/snapshot_30.committed.tmp`, 'half-written');
    const loaded = (await open(dir)).load();
    assert.equal(loaded.snapshot?.seqno, 10);
    assert.deepEqual(loaded.snapshot?.data, new Uint8Array(100).fill(7));
    assert.deepEqual(loaded.entries, batch(11, 25));
    assert.ok(loaded.hardState.commitSeqno >= 10);
    assert.ok(!readdirSync(dir).some((n) => n.endsWith('.tmp')), 'leftover temp files are removed');
  });

  it('an installed snapshot replaces the log, and appends continue after it', async () => {
    const dir = scratch('install');
    const files = await open(dir);
    await persist(files, work({ entries: batch(1, 12) }));
    await persist(files, work({ snapshot: snap(50, 3), truncateFromSeqno: 1, hardState: { view: 2, votedFor: null, commitSeqno: 50 } }));
    await persist(files, work({ entries: batch(51, 55, 5, 2) }));
    await files.close();
    const loaded = (await open(dir)).load();
    assert.equal(loaded.snapshot?.seqno, 50);
    assert.deepEqual(loaded.entries, batch(51, 55, 5, 2));
    assert.equal(loaded.hardState.view, 2);
  });

  it('retention keeps only the newest N committed chunks covered by the snapshot', async () => {
    const dir = scratch('retention');
    const files = await open(dir, { chunkBytesMin: 200, keepCommittedChunks: 1 });
    for (let s = 1; s <= 60; s += 5) await persist(files, work({ entries: batch(s, s + 4) }));
    files.committed(55);
    files.snapshot(snap(50, 1));
    await files.flush();
    const committed = readdirSync(dir).filter((n) => /^ledger_.*\.committed$/.test(n));
    const covered = committed.filter((n) => Number(/-(\d+)\./.exec(n)![1]) <= 50);
    assert.equal(covered.length, 1, committed.join(' '));
    await files.close();
    const loaded = (await open(dir)).load();
    assert.deepEqual(loaded.entries, batch(51, 60));
  });

  it('a failed fdatasync is reported to done and is sticky', async () => {
    const dir = scratch('fail');
    const { fs, failSync } = countingFs();
    const files = await open(dir, { fs });
    await persist(files, work({ entries: batch(1, 3) }));
    failSync.on = true;
    await assert.rejects(persist(files, work({ entries: batch(4, 5) })), /EIO/);
    failSync.on = false;
    await assert.rejects(persist(files, work({ entries: batch(6, 6) })), /EIO/);
  });

  it('a fresh directory and a torn first hard-state write load as empty', async () => {
    const dir = scratch('fresh');
    const files = await open(dir);
    await persist(files, work({ entries: [entry(1, 1, 'signature')], hardState: { view: 1, votedFor: 'x', commitSeqno: 0 } }));
    await files.close();
    copyFileSync(`${dir}/hardstate`, `${dir}/hs.bak`);
    truncateSync(`${dir}/hardstate`, 700);
    const loaded = (await open(dir)).load();
    assert.deepEqual(loaded.hardState, { view: 0, votedFor: null, commitSeqno: 0 });
  });
});

/** recordEndOf returns the byte offset just after record number `count` (1-based). */
function recordEndOf(bytes: Uint8Array, count: number): number {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 0;
  for (let i = 0; i < count; i++) offset += 4 + dv.getUint32(offset, true);
  return offset;
}
