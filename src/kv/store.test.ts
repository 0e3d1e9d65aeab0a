// Goal: Store keeps its state consistent across commit, apply, rollback, compact, snapshot and
// restore. Method: a seeded model-based test — random commits (with seqno gaps), rollbacks,
// compactions and snapshots at past seqnos, each checked against a fresh store that replays the
// surviving write sets, and against a plain model of the contents read back through forEach.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bytesToLatin1 } from '../codec/latin1.js';
import { SeededRng } from '../ds/rng.js';
import { fillRandomTx, randomWriteSet } from '../../test/fuzz/kv-fixtures.js';
import { Store } from './store.js';
import { stringToBytes as b } from './values.js';
import type { WriteSet } from './write-set.js';

type Logged = { seqno: number; ws: WriteSet };

function replay(log: readonly Logged[], toSeqno: number): Store {
  const store = new Store();
  for (const { seqno, ws } of log) if (seqno <= toSeqno) store.apply(ws, seqno);
  // Seqnos between write sets leave the state unchanged: an empty write set reaches toSeqno.
  if (store.seqno < toSeqno) store.apply({ maps: [] }, toSeqno);
  return store;
}

/** contents reads every map through transactions: name → latin1 key → latin1 value. */
function contents(store: Store): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  const tx = store.begin();
  for (const name of store.mapNames()) {
    const m = new Map<string, string>();
    tx.map(name).forEach((value, key) => {
      m.set(bytesToLatin1(key), bytesToLatin1(value));
    });
    out.set(name, m);
  }
  return out;
}

function modelOf(log: readonly Logged[]): Map<string, Map<string, string>> {
  const model = new Map<string, Map<string, string>>();
  for (const { ws } of log) {
    for (const { name, writes } of ws.maps) {
      const m = model.get(name) ?? new Map<string, string>();
      model.set(name, m);
      for (const { key, value } of writes) {
        if (value === null) m.delete(bytesToLatin1(key));
        else m.set(bytesToLatin1(key), bytesToLatin1(value));
      }
    }
  }
  for (const [name, m] of model) if (m.size === 0) model.delete(name);
  return model;
}

function step(rng: SeededRng, store: Store, log: Logged[]): void {
  const choice = rng.int(0, 9);
  if (choice <= 5) {
    const tx = store.begin();
    fillRandomTx(rng, tx, rng.int(0, 12));
    const seqno = store.seqno + rng.int(1, 3);
    log.push({ seqno, ws: store.commit(tx, seqno) });
  } else if (choice <= 7) {
    const to = rng.int(store.compactedSeqno, store.seqno);
    store.rollback(to);
    while (log.length > 0 && log[log.length - 1]!.seqno > to) log.pop();
  } else if (choice === 8) {
    store.compact(rng.int(store.compactedSeqno, store.seqno));
  } else {
    const at = rng.int(store.compactedSeqno, store.seqno);
    const snapshot = store.snapshot(at);
    assert.deepEqual(snapshot, replay(log, at).snapshot(at), `snapshot at ${at}`);
    const restored = Store.restore(snapshot);
    assert.deepEqual(restored.snapshot(at), snapshot);
    assert.deepEqual(contents(restored), modelOf(log.filter((l) => l.seqno <= at)));
  }
}

describe('Store (model-based)', () => {
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    it(`stays consistent over random operations, seed ${seed}`, () => {
      const rng = new SeededRng(seed);
      const store = new Store();
      const log: Logged[] = [];
      for (let i = 0; i < 300; i++) {
        step(rng, store, log);
        assert.deepEqual(contents(store), modelOf(log), `step ${i}`);
      }
      assert.deepEqual(store.snapshot(store.seqno), replay(log, store.seqno).snapshot(store.seqno));
    });
  }
});

describe('Store undo information', () => {
  it('keeps undo records only above the compacted seqno', () => {
    const store = new Store();
    for (let seqno = 1; seqno <= 10; seqno++) {
      const tx = store.begin();
      tx.map('m').set(b('k'), b(String(seqno)));
      store.commit(tx, seqno);
    }
    assert.equal(store.undoRecordCount, 10);
    store.compact(7);
    assert.equal(store.undoRecordCount, 3);
    assert.equal(store.compactedSeqno, 7);
    store.rollback(7);
    assert.equal(store.seqno, 7);
    assert.equal(store.undoRecordCount, 0);
    const value = store.begin().map('m').get(b('k'));
    assert.deepEqual(value, b('7'));
    assert.throws(() => store.rollback(6), /rollback stays at or above the compacted seqno/);
  });

  it('streams the same bytes in chunks as in one piece', () => {
    const rng = new SeededRng(9);
    const store = new Store();
    for (let i = 0; i < 200; i++) randomWriteSet(rng, store, 30);
    const whole = store.snapshot(store.seqno);
    const chunks = Array.from(store.snapshotChunks(store.seqno, 64));
    assert.ok(chunks.length > 10);
    assert.deepEqual(Buffer.concat(chunks), Buffer.from(whole));
  });
});
