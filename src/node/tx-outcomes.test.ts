// Goal: a tx id's fate is decided only by the commit point, and a node that lost the entry to a
// snapshot install says Unknown rather than guessing. Method: TxOutcomes driven directly.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TxOutcomes } from './tx-outcomes.js';

test('waiters resolve in seqno order when the commit point passes them', () => {
  const outcomes = new TxOutcomes();
  const seen: string[] = [];
  outcomes.wait({ view: 2, seqno: 5 }, (s) => seen.push(`5:${s}`));
  outcomes.wait({ view: 2, seqno: 9 }, (s) => seen.push(`9:${s}`));
  outcomes.wait({ view: 1, seqno: 7 }, (s) => seen.push(`7:${s}`));
  outcomes.committed(7, (seqno) => (seqno === 7 ? 3 : 2));
  assert.deepEqual(seen, ['5:Committed', '7:Invalid']);
  assert.equal(outcomes.size, 1);
});

test('a log replaced by a snapshot makes covered waiters Unknown, never Invalid', () => {
  const outcomes = new TxOutcomes();
  const seen: string[] = [];
  outcomes.wait({ view: 2, seqno: 5 }, (s) => seen.push(s));
  outcomes.wait({ view: 2, seqno: 50 }, (s) => seen.push(s));
  outcomes.forget(10);
  assert.deepEqual(seen, ['Unknown']);
  outcomes.committed(60, () => undefined);
  assert.deepEqual(seen, ['Unknown', 'Unknown']);
});
