// Goal: pin each claim of the Raft paper and each CCF rule the core implements.
// Method: small in-memory clusters (test/consensus/mem-cluster.ts) with perfect disks and scripted
// faults; every test is deterministic (seeded) and names the paper section it checks.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemCluster } from '../../test/consensus/mem-cluster.js';
import type { RaftCore } from './raft-core.js';
import type { LogEntry } from './types.js';

const ids = ['a', 'b', 'c'];
const dataOf = (e: LogEntry): string => new TextDecoder().decode(e.data);

describe('elections', () => {
  it('a single node elects itself and commits a signature (Raft §5.2)', () => {
    const c = new MemCluster(['solo']);
    const p = c.electPrimary();
    assert.equal(p, 'solo');
    const core = c.node('solo').core;
    assert.equal(core.entryAt(core.commitSeqno)?.kind, 'signature');
  });

  it('three nodes elect exactly one primary per view (Raft §5.2 election safety)', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const c = new MemCluster(ids, seed);
      const p = c.electPrimary();
      const view = c.node(p).core.view;
      for (const id of ids) {
        if (id !== p) assert.notEqual(c.node(id).core.role, 'primary');
        assert.equal(c.node(id).core.view, view);
      }
    }
  });

  it('a node whose last signature is older gets no vote (Raft §5.4.1, CCF signature comparison)', () => {
    const c = new MemCluster(ids, 3);
    const p = c.electPrimary();
    const lagging = ids.find((id) => id !== p)!;
    c.isolate(lagging);
    c.propose(p, 'x');
    c.tick(3);
    c.heal();
    // Force the lagging node to campaign: everyone else refuses it (it lacks the newer signature).
    const laggingCore = c.node(lagging).core;
    const others = ids.filter((id) => id !== lagging);
    c.node(p).up = false;
    for (let i = 0; i < 200; i++) {
      c.tick();
      if (c.primaries().length > 0) break;
    }
    assert.notEqual(laggingCore.role, 'primary');
    assert.ok(others.some((id) => c.node(id).core.role === 'primary'));
  });

  it('PreVote: a partitioned node does not bump the view, and rejoins without disruption', () => {
    const c = new MemCluster(ids, 5);
    const p = c.electPrimary();
    const view = c.node(p).core.view;
    const loner = ids.find((id) => id !== p)!;
    c.isolate(loner);
    c.tick(100);
    assert.equal(c.node(loner).core.view, view, 'pre-votes do not increment the view');
    c.heal();
    c.tick(10);
    assert.equal(c.node(p).core.role, 'primary');
    assert.equal(c.node(p).core.view, view);
  });

  it('CheckQuorum: a primary cut off from the majority steps down (Ongaro §6.2)', () => {
    const c = new MemCluster(ids, 7);
    const p = c.electPrimary();
    c.isolate(p);
    c.tick(40);
    assert.notEqual(c.node(p).core.role, 'primary');
    const others = ids.filter((id) => id !== p);
    assert.ok(others.some((id) => c.node(id).core.role === 'primary'));
  });
});

describe('replication and commit', () => {
  it('entries replicate and commit only at signatures (CCF commit rule, Raft §5.3)', () => {
    const c = new MemCluster(ids, 11);
    const p = c.electPrimary();
    const tx = c.propose(p, 'hello');
    c.process();
    c.tick(2);
    for (const id of ids) {
      const n = c.node(id);
      assert.ok(n.core.commitSeqno > tx.seqno, `${id} committed past the tx`);
      assert.equal(n.core.entryAt(n.core.commitSeqno)?.kind, 'signature');
      assert.ok(n.applied.some((e) => dataOf(e) === 'hello'));
    }
  });

  it('a lone write is signed when the proposal queue drains (no waiting for the interval)', () => {
    const c = new MemCluster(ids, 12);
    const p = c.electPrimary();
    const before = c.node(p).core.commitSeqno;
    const tx = c.propose(p, 'now');
    c.process();
    const core = c.node(p).core;
    assert.equal(core.entryAt(tx.seqno + 1)?.kind, 'signature');
    assert.ok(core.commitSeqno > before);
  });

  it('signatureIntervalTxCount bounds the unsigned run inside one batch', () => {
    const c = new MemCluster(ids, 13);
    const p = c.electPrimary();
    for (let i = 0; i < 250; i++) c.propose(p, `tx${i}`);
    const core = c.node(p).core;
    let unsigned = 0;
    for (let s = 1; s <= core.lastSeqno; s++) {
      unsigned = core.entryAt(s)?.kind === 'signature' ? 0 : unsigned + 1;
      assert.ok(unsigned <= 100);
    }
  });

  it('an entry is not committed without a majority (Raft §5.3)', () => {
    const c = new MemCluster(ids, 17);
    const p = c.electPrimary();
    for (const id of ids) if (id !== p) c.cutLink(p, id);
    const before = c.node(p).core.commitSeqno;
    c.propose(p, 'alone');
    c.tick(5);
    assert.equal(c.node(p).core.commitSeqno, before);
  });

  it('a new primary rolls back its unsigned tail and signs in its view (CCF)', () => {
    const c = new MemCluster(ids, 19);
    const p = c.electPrimary();
    // Replicate an unsigned entry: deliver it without letting the primary sign.
    const core = c.node(p).core;
    const r = core.propose(new TextEncoder().encode('unsigned'));
    assert.ok(r.ok);
    // Crash the primary before its Ready (with the signature) is taken.
    c.node(p).up = false;
    c.tick(60);
    const q = c.primaries();
    assert.equal(q.length, 1);
    const newCore = c.node(q[0]!).core;
    const first = newCore.entryAt(newCore.lastSignature().seqno);
    assert.equal(first?.kind, 'signature');
    for (let s = 1; s <= newCore.lastSeqno; s++) {
      assert.notEqual(dataOf(newCore.entryAt(s)!), 'unsigned');
    }
  });

  it('a restarted node keeps its vote and log (persist before send, pitfall 3)', () => {
    const c = new MemCluster(ids, 23);
    const p = c.electPrimary();
    c.propose(p, 'durable');
    c.tick(3);
    const other = ids.find((id) => id !== p)!;
    const before = c.node(other).core;
    c.node(other).up = false;
    c.restart(other, { voters: ids, learners: [] });
    const after = c.node(other).core;
    assert.equal(after.view, before.view);
    assert.equal(after.lastSeqno, before.lastSeqno);
    c.tick(5);
    assert.ok(c.node(other).applied.some((e) => dataOf(e) === 'durable'));
  });

  it('a follower far behind a compacted log catches up through a snapshot', () => {
    const c = new MemCluster(ids, 29);
    const p = c.electPrimary();
    const behind = ids.find((id) => id !== p)!;
    c.node(behind).up = false;
    for (let i = 0; i < 50; i++) c.propose(p, `e${i}`);
    c.tick(5);
    const core = c.node(p).core;
    const snap = core.makeSnapshot(core.commitSeqno, new Uint8Array([1, 2, 3]))!;
    core.compact(snap);
    for (const id of ids) {
      if (id === p || id === behind) continue;
      const cc = c.node(id).core;
      cc.compact(cc.makeSnapshot(cc.commitSeqno, new Uint8Array([1, 2, 3]))!);
    }
    c.node(behind).up = true;
    c.tick(20);
    const b = c.node(behind);
    assert.ok(b.disk.snapshot !== null, 'snapshot installed');
    assert.equal(b.core.commitSeqno, core.commitSeqno);
  });
});

describe('membership', () => {
  it('a learner replicates but does not vote; promoting it makes it a voter', () => {
    const c = new MemCluster(ids, 31);
    const p = c.electPrimary();
    c.addNode('d', null);
    const r1 = c.node(p).core.proposeConfig({ voters: ids, learners: ['d'] });
    assert.ok(r1.ok);
    c.tick(10);
    assert.equal(c.node('d').core.role, 'learner');
    assert.equal(c.node('d').core.commitSeqno, c.node(p).core.commitSeqno);
    const r2 = c.node(p).core.proposeConfig({ voters: [...ids, 'd'], learners: [] });
    assert.ok(r2.ok);
    c.tick(10);
    assert.equal(c.node('d').core.role, 'backup');
    assert.equal(c.node(p).core.configs().length, 1);
  });

  it('a primary that removes itself steps down once the removal commits', () => {
    const c = new MemCluster(ids, 37);
    const p = c.electPrimary();
    const rest = ids.filter((id) => id !== p);
    assert.ok(c.node(p).core.proposeConfig({ voters: rest, learners: [] }).ok);
    c.tick(5);
    assert.equal(c.node(p).core.role, 'retired');
    c.tick(60);
    const q = c.primaries();
    assert.equal(q.length, 1);
    assert.ok(rest.includes(q[0]!));
    c.propose(q[0]!, 'after');
    c.tick(3);
    for (const id of rest) assert.ok(c.node(id).applied.some((e) => dataOf(e) === 'after'));
  });
});

describe('untrusted input', () => {
  it('malformed messages are rejected with a reason and never throw', () => {
    const c = new MemCluster(ids, 41);
    const p = c.electPrimary();
    const core: RaftCore = c.node(ids.find((id) => id !== p)!).core;
    const bad: unknown[] = [
      null,
      42,
      'x',
      {},
      { type: 'AppendEntries' },
      { type: 'AppendEntries', view: -1, prevSeqno: 0, prevView: 0, entries: [], commitSeqno: 0, context: 0 },
      { type: 'AppendEntries', view: 1e300, prevSeqno: 0, prevView: 0, entries: [], commitSeqno: 0, context: 0 },
      { type: 'AppendEntries', view: 1, prevSeqno: 0, prevView: 0, entries: [{}], commitSeqno: 0, context: 0 },
      { type: 'AppendEntries', view: 1, prevSeqno: 0, prevView: 2, entries: [], commitSeqno: 0, context: 0 },
      { type: 'RequestVote', view: 1, preVote: 'yes', lastSignature: {}, lastEntry: {} },
      { type: 'InstallSnapshot', view: 1, snapshot: { seqno: 1, view: 1, configs: [], data: 'x' } },
      { type: 'Nope', view: 1 },
    ];
    for (const m of bad) {
      const r = core.step(p, m);
      assert.equal(r.ok, false, JSON.stringify(m));
    }
    assert.equal(core.step('stranger', { type: 'RequestVote', view: 99, preVote: false,
      lastSignature: { view: 0, seqno: 0 }, lastEntry: { view: 0, seqno: 0 } }).ok, false);
  });
});

describe('ReadIndex (Raft thesis §6.4)', () => {
  it('a read is confirmed by a quorum round at the commit index of the request', () => {
    const c = new MemCluster(ids, 43);
    const p = c.electPrimary();
    c.propose(p, 'w');
    c.tick(2);
    const core = c.node(p).core;
    const r = core.requestReadIndex();
    assert.ok(r.ok);
    c.process();
    const read = c.node(p).reads.find((x) => x.context === (r.ok ? r.context : -1));
    assert.equal(read?.index, core.commitSeqno);
  });

  it('an isolated primary never confirms a read and fails it when it steps down', () => {
    const c = new MemCluster(ids, 47);
    const p = c.electPrimary();
    c.isolate(p);
    const r = c.node(p).core.requestReadIndex();
    assert.ok(r.ok);
    c.tick(5);
    assert.equal(c.node(p).reads.length, 0);
    c.tick(40);
    assert.deepEqual(c.node(p).reads, [{ context: r.ok ? r.context : -1, index: null }]);
  });

  it('backups refuse read index requests', () => {
    const c = new MemCluster(ids, 53);
    const p = c.electPrimary();
    const b = ids.find((id) => id !== p)!;
    assert.deepEqual(c.node(b).core.requestReadIndex(), { ok: false, reason: 'NotPrimary' });
  });
});
