// Goal: the linearizability checker accepts exactly the histories an atomic per-key register can
// produce, explains violations with the ops involved, and never hangs.
// Method: hand-written histories (linearizable, and one per classic anomaly: stale read, unseen
// value, double cas, lost update, read-your-write, new-old inversion), then seeded random
// histories from a simulated atomic register with random linearization points (all must pass),
// the same with one read mutated (must usually fail), a 2,000-op size test, budget and input
// validation tests. Everything is deterministic (SeededRng).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SeededRng } from '../../../src/ds/rng.js';
import {
  HistoryError,
  type KvHistoryOp,
  type LinearizabilityResult,
  checkLinearizable,
} from './linearizability.js';

type Span = readonly [number, number | null];
let idNext = 0;

function base(client: number, key: string, span: Span) {
  idNext += 1;
  return { id: idNext, clientId: client, key, invokeTime: span[0], responseTime: span[1] };
}
function put(c: number, key: string, value: string, span: Span, ok = true): KvHistoryOp {
  return { ...base(c, key, span), kind: 'put', value, result: { ok } };
}
function get(c: number, key: string, value: string | null, span: Span): KvHistoryOp {
  return { ...base(c, key, span), kind: 'get', result: { ok: true, value } };
}
function cas(c: number, key: string, from: string | null, to: string, span: Span, ok = true) {
  const op: KvHistoryOp = {
    ...base(c, key, span),
    kind: 'cas',
    expected: from,
    value: to,
    result: { ok },
  };
  return op;
}

function expectViolation(result: LinearizabilityResult, key: string, involved: KvHistoryOp[]) {
  assert.equal(result.ok, false, JSON.stringify(result));
  if (result.ok !== false) return;
  assert.equal(result.key, key);
  assert.match(result.message, new RegExp(`key "${key}"`));
  assert.deepEqual(
    result.ops.map((o) => o.id).sort(),
    involved.map((o) => o.id).sort(),
    result.message,
  );
}

describe('linearizable histories', () => {
  it('accepts the empty history and a sequential one', () => {
    assert.deepEqual(checkLinearizable([]), { ok: true });
    const h = [
      get(1, 'k', null, [0, 1]),
      put(1, 'k', 'a', [2, 3]),
      get(2, 'k', 'a', [4, 5]),
      cas(1, 'k', 'a', 'b', [6, 7]),
      get(2, 'k', 'b', [8, 9]),
    ];
    assert.deepEqual(checkLinearizable(h), { ok: true });
  });

  it('accepts overlapping puts read in either order', () => {
    // put a and put b overlap; readers may see them in either order, but consistently.
    const h = [
      put(1, 'k', 'a', [0, 10]),
      put(2, 'k', 'b', [0, 10]),
      get(3, 'k', 'b', [2, 4]),
      get(4, 'k', 'a', [5, 8]),
      get(3, 'k', 'a', [11, 12]),
    ];
    assert.deepEqual(checkLinearizable(h), { ok: true });
  });

  it('accepts a read concurrent with a write returning old or new', () => {
    for (const seen of [null, 'a']) {
      const h = [put(1, 'k', 'a', [0, 10]), get(2, 'k', seen, [5, 6])];
      assert.deepEqual(checkLinearizable(h), { ok: true });
    }
  });

  it('accepts a cas race with one winner (the loser is a definite failure)', () => {
    const h = [
      cas(1, 'k', null, 'a', [0, 10]),
      cas(2, 'k', null, 'b', [0, 10], false),
      get(3, 'k', 'a', [11, 12]),
    ];
    assert.deepEqual(checkLinearizable(h), { ok: true });
  });

  it('treats a definite failure as no effect', () => {
    const h = [put(1, 'k', 'a', [0, 1], false), get(2, 'k', null, [2, 3])];
    assert.deepEqual(checkLinearizable(h), { ok: true });
    const read = get(2, 'k', 'a', [2, 3]);
    expectViolation(checkLinearizable([h[0]!, read]), 'k', [read]);
  });

  it('accepts unknown-fate writes that did or did not take effect, even late', () => {
    const lost = put(1, 'k', 'a', [0, null]);
    assert.deepEqual(checkLinearizable([lost, get(2, 'k', null, [5, 6])]), { ok: true });
    assert.deepEqual(checkLinearizable([lost, get(2, 'k', 'a', [500, 600])]), { ok: true });
    const late = [lost, get(2, 'k', null, [5, 6]), get(2, 'k', 'a', [7, 8])];
    assert.deepEqual(checkLinearizable(late), { ok: true });
    const unknownCas = [put(1, 'k', 'x', [0, 1]), cas(2, 'k', 'x', 'y', [2, null])];
    assert.deepEqual(checkLinearizable([...unknownCas, get(3, 'k', 'y', [9, 9])]), { ok: true });
    assert.deepEqual(checkLinearizable([...unknownCas, get(3, 'k', 'x', [9, 9])]), { ok: true });
  });

  it('checks keys independently', () => {
    const h = [put(1, 'a', '1', [0, 10]), put(2, 'b', '1', [0, 10]), get(3, 'b', null, [1, 2])];
    assert.deepEqual(checkLinearizable(h), { ok: true });
  });

  it('treats an op invoked exactly when another returns as concurrent', () => {
    const h = [put(1, 'k', 'a', [0, 5]), get(2, 'k', null, [5, 6])];
    assert.deepEqual(checkLinearizable(h), { ok: true });
  });
});

describe('violations', () => {
  it('stale read at backup: a read invoked after a write completed returns the old value', () => {
    const w1 = put(1, 'k', 'old', [0, 10]);
    const w2 = put(1, 'k', 'new', [20, 30]);
    const r = get(2, 'k', 'old', [40, 50]);
    const noise = [put(3, 'other', 'x', [0, 100]), get(3, 'other', 'x', [101, 102])];
    expectViolation(checkLinearizable([w1, ...noise, w2, r]), 'k', [w1, w2, r]);
  });

  it('a read of a value never written', () => {
    const w = put(1, 'k', 'a', [0, 10]);
    const r = get(2, 'k', 'ghost', [5, 15]);
    expectViolation(checkLinearizable([w, r]), 'k', [r]);
  });

  it('two successful cas from the same expected value', () => {
    const w = put(1, 'k', 'v0', [0, 1]);
    const c1 = cas(2, 'k', 'v0', 'v1', [5, 20]);
    const c2 = cas(3, 'k', 'v0', 'v2', [6, 21]);
    expectViolation(checkLinearizable([w, c1, c2]), 'k', [w, c1, c2]);
    const fromAbsent = [cas(2, 'k', null, 'a', [0, 9]), cas(3, 'k', null, 'b', [1, 8])];
    expectViolation(checkLinearizable(fromAbsent), 'k', fromAbsent);
  });

  it('lost update: a chained cas is overwritten by nothing, yet a read sees the older value', () => {
    const c1 = cas(1, 'k', null, 'v1', [0, 10]);
    const c2 = cas(2, 'k', 'v1', 'v2', [11, 20]);
    const r = get(3, 'k', 'v1', [21, 30]);
    expectViolation(checkLinearizable([c1, c2, r]), 'k', [c1, c2, r]);
  });

  it('read-your-write failure', () => {
    const w = put(1, 'k', 'mine', [0, 10]);
    const r = get(1, 'k', null, [11, 12]);
    expectViolation(checkLinearizable([w, r]), 'k', [w, r]);
  });

  it('new-old inversion: read1 sees the new value, a later read2 the old one', () => {
    const w = put(1, 'k', 'new', [0, 100]);
    const r1 = get(2, 'k', 'new', [10, 20]);
    const r2 = get(3, 'k', null, [30, 40]);
    expectViolation(checkLinearizable([w, r1, r2]), 'k', [w, r1, r2]);
  });

  it('an unknown-fate write cannot take effect before its invocation', () => {
    const w = put(1, 'k', 'a', [50, null]);
    const r = get(2, 'k', 'a', [0, 10]);
    expectViolation(checkLinearizable([w, r]), 'k', [r]); // w is past the shortest prefix
  });

  it('reports the shortest failing prefix, not the whole history', () => {
    const h: KvHistoryOp[] = [];
    const w = put(1, 'k', 'a', [0, 1]);
    const r = get(2, 'k', null, [2, 3]);
    h.push(w, r);
    for (let i = 0; i < 200; i++) h.push(put(1, 'k', `v${i}`, [10 + i * 2, 11 + i * 2]));
    const result = checkLinearizable(h);
    expectViolation(result, 'k', [w, r]);
    if (result.ok === false) assert.match(result.message, /shortest failing prefix: 2 of 202/);
  });
});

interface GenOptions {
  readonly opCount: number;
  readonly keyCount: number;
  readonly clientCount: number;
  /** Probability an op gets no response (it then applies with probability 1/2). */
  readonly unknownRate: number;
  /** Distinct values per key (small = repeated values, more ambiguity). 0 = all unique. */
  readonly valueSpace: number;
}

interface Planned {
  readonly op: KvHistoryOp;
  readonly atTime: number;
  readonly applies: boolean;
}

/**
 * randomHistory simulates an atomic register per key: each op gets an interval and a
 * linearization point inside it (or, for unknown fate, any time after invocation, or never);
 * ops run against the register in linearization-point order to fill in their results.
 */
function randomHistory(rng: SeededRng, o: GenOptions): KvHistoryOp[] {
  const cursorMs = new Array<number>(o.clientCount).fill(0);
  const written = new Map<string, string[]>();
  const plans: Planned[] = [];
  for (let i = 0; i < o.opCount; i++) {
    const client = rng.int(0, o.clientCount - 1);
    const key = `k${rng.int(0, o.keyCount - 1)}`;
    const invokeTime = cursorMs[client]! + rng.int(0, 5);
    const durationMs = rng.int(0, 20);
    cursorMs[client] = invokeTime + durationMs + 1;
    const unknown = rng.chance(o.unknownRate);
    const failed = !unknown && rng.chance(0.05);
    const atTime = invokeTime + rng.next() * (unknown ? durationMs + 60 : durationMs);
    const values = written.get(key) ?? [];
    written.set(key, values);
    const fresh = o.valueSpace === 0 ? `${key}-${i}` : `v${rng.int(0, o.valueSpace - 1)}`;
    const roll = rng.next();
    const kind = roll < 0.4 ? 'get' : roll < 0.8 ? 'put' : 'cas';
    const expected = rng.chance(0.2) || values.length === 0 ? null : values[values.length - 1]!;
    if (kind !== 'get') values.push(fresh);
    const op: KvHistoryOp = {
      id: i,
      clientId: client,
      kind,
      key,
      ...(kind === 'get' ? {} : { value: fresh }),
      ...(kind === 'cas' ? { expected } : {}),
      invokeTime,
      responseTime: unknown ? null : invokeTime + durationMs,
      result: { ok: false },
    };
    plans.push({ op, atTime, applies: unknown ? rng.chance(0.5) : !failed });
  }
  return runRegister(plans);
}

/** runRegister applies planned ops at their linearization points and records results. */
function runRegister(plans: Planned[]): KvHistoryOp[] {
  const state = new Map<string, string>();
  const out: KvHistoryOp[] = [];
  const order = [...plans].sort((a, b) => a.atTime - b.atTime);
  for (const { op, applies } of order) {
    const current = state.get(op.key) ?? null;
    if (!applies) {
      out.push(op); // result.ok false: a definite failure, or ignored (no response)
      continue;
    }
    let result: KvHistoryOp['result'] = { ok: true };
    if (op.kind === 'get') result = { ok: true, value: current };
    else if (op.kind === 'put') state.set(op.key, op.value!);
    else if (current === op.expected) state.set(op.key, op.value!);
    else result = { ok: false };
    out.push({ ...op, result });
  }
  return out.sort((a, b) => a.invokeTime - b.invokeTime);
}

/** mutateRead changes one completed read to `stale` (another value the key held) or `unseen`. */
function mutateRead(
  rng: SeededRng,
  history: KvHistoryOp[],
  mode: 'stale' | 'unseen',
): KvHistoryOp[] | null {
  const reads = history.filter((o) => o.kind === 'get' && o.responseTime !== null && o.result.ok);
  if (reads.length === 0) return null;
  const target = reads[rng.int(0, reads.length - 1)]!;
  const actual = target.result.value ?? null;
  let value: string | null = `unseen-${String(target.id)}`;
  if (mode === 'stale') {
    const held = history
      .filter((o) => o.key === target.key && o.kind !== 'get' && o.invokeTime < target.invokeTime)
      .map((o) => o.value ?? null);
    const choices = [null, ...held].filter((v) => v !== actual);
    if (choices.length === 0) return null;
    value = choices[rng.int(0, choices.length - 1)]!;
  }
  return history.map((o) => (o === target ? { ...o, result: { ok: true, value } } : o));
}

describe('random histories from an atomic register', () => {
  const shapes: GenOptions[] = [
    { opCount: 40, keyCount: 1, clientCount: 3, unknownRate: 0, valueSpace: 0 },
    { opCount: 60, keyCount: 2, clientCount: 8, unknownRate: 0.1, valueSpace: 0 },
    { opCount: 60, keyCount: 1, clientCount: 5, unknownRate: 0.2, valueSpace: 3 },
    { opCount: 120, keyCount: 3, clientCount: 8, unknownRate: 0.05, valueSpace: 4 },
  ];

  it('accepts every generated history (400 histories)', () => {
    for (let seed = 1; seed <= 400; seed++) {
      const rng = new SeededRng(seed);
      const shape = shapes[seed % shapes.length]!;
      const result = checkLinearizable(randomHistory(rng, shape));
      assert.deepEqual(result, { ok: true }, `seed ${seed}: ${JSON.stringify(result)}`);
    }
  });

  it('rejects a history whose one read returns an unseen value, every time', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const rng = new SeededRng(seed);
      const mutated = mutateRead(rng, randomHistory(rng, shapes[seed % 4]!), 'unseen');
      if (mutated === null) continue;
      assert.equal(checkLinearizable(mutated).ok, false, `seed ${seed}`);
    }
  });

  it('rejects most histories whose one read returns a stale value', () => {
    let tried = 0;
    let detected = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const rng = new SeededRng(seed);
      const shape = { ...shapes[1]!, clientCount: 4, unknownRate: 0 };
      const mutated = mutateRead(rng, randomHistory(rng, shape), 'stale');
      if (mutated === null) continue;
      tried += 1;
      const result = checkLinearizable(mutated);
      assert.notEqual(result.ok, 'unknown', `seed ${seed}`);
      if (result.ok === false) detected += 1;
    }
    assert.ok(tried >= 250, `tried ${tried}`);
    assert.ok(detected / tried >= 0.8, `detected ${detected} of ${tried}`);
  });
});

/** bruteForce decides tiny histories by enumerating every subset of unknown-fate ops and every
 * order of the ops kept; the reference the checker is compared against. */
function bruteForce(history: readonly KvHistoryOp[]): boolean {
  const ops = history.filter((o) => o.responseTime === null ? o.kind !== 'get' : o.result.ok);
  const unknown = ops.filter((o) => o.responseTime === null);
  for (let mask = 0; mask < 1 << unknown.length; mask++) {
    const kept = ops.filter((o) => o.responseTime !== null || (mask >> unknown.indexOf(o)) & 1);
    if (someOrderWorks(kept)) return true;
  }
  return false;
}

function someOrderWorks(ops: readonly KvHistoryOp[]): boolean {
  const order: number[] = [];
  const used = new Array<boolean>(ops.length).fill(false);
  const stack: number[] = [0]; // next candidate index to try at each depth (no recursion)
  while (stack.length > 0) {
    if (order.length === ops.length) {
      if (sequentiallyValid(order.map((i) => ops[i]!))) return true;
    }
    const depth = stack.length - 1;
    const candidate = stack[depth]!;
    if (order.length === ops.length || candidate >= ops.length) {
      stack.pop();
      const undone = order.pop();
      if (undone !== undefined) used[undone] = false;
      continue;
    }
    stack[depth] = candidate + 1;
    if (used[candidate]) continue;
    const c = ops[candidate]!;
    // Real time: nothing left unplaced may have responded before c was invoked.
    const blocked = ops.some((o, i) => !used[i] && i !== candidate &&
      o.responseTime !== null && o.responseTime < c.invokeTime);
    if (blocked) continue;
    used[candidate] = true;
    order.push(candidate);
    stack.push(0);
  }
  return false;
}

function sequentiallyValid(ops: readonly KvHistoryOp[]): boolean {
  let value: string | null = null;
  for (const o of ops) {
    if (o.kind === 'get' && o.result.value !== value) return false;
    if (o.kind === 'put') value = o.value!;
    if (o.kind === 'cas') {
      if (value === o.expected) value = o.value!;
      else if (o.responseTime !== null) return false;
    }
  }
  return true;
}

function tinyRandomHistory(rng: SeededRng): KvHistoryOp[] {
  const values = [null, 'a', 'b'];
  const pick = (): string | null => values[rng.int(0, 2)]!;
  const history: KvHistoryOp[] = [];
  const count = rng.int(1, 6);
  for (let i = 0; i < count; i++) {
    const invokeTime = rng.int(0, 10);
    const responseTime = rng.chance(0.25) ? null : invokeTime + rng.int(0, 6);
    const roll = rng.next();
    const result = { ok: rng.chance(0.9), value: pick() };
    const common = { id: i, clientId: i, key: 'k', invokeTime, responseTime, result };
    if (roll < 0.4) history.push({ ...common, kind: 'get' });
    else if (roll < 0.75) history.push({ ...common, kind: 'put', value: pick() ?? 'a' });
    else history.push({ ...common, kind: 'cas', expected: pick(), value: pick() ?? 'b' });
  }
  return history;
}

describe('agreement with brute force on tiny histories', () => {
  it('gives the brute-force verdict on 3,000 random tiny histories', () => {
    let violations = 0;
    for (let seed = 1; seed <= 3000; seed++) {
      const history = tinyRandomHistory(new SeededRng(seed));
      const expected = bruteForce(history);
      const result = checkLinearizable(history);
      assert.equal(result.ok, expected, `seed ${seed}: ${JSON.stringify(result)}`);
      // The explanation alone is a violation too (the core fails on its own).
      if (result.ok === false) assert.equal(bruteForce(result.ops), false, `core, seed ${seed}`);
      if (!expected) violations += 1;
    }
    assert.ok(violations > 500 && violations < 2500, `violations ${violations}`);
  });
});

/** concurrencyMax is the largest number of completed ops in flight at one instant. */
function concurrencyMax(history: readonly KvHistoryOp[]): number {
  const events = history
    .filter((o) => o.responseTime !== null)
    .flatMap((o) => [[o.invokeTime, 1], [o.responseTime!, -1]] as const)
    .sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  let now = 0;
  let max = 0;
  for (const [, delta] of events) {
    now += delta;
    max = Math.max(max, now);
  }
  return max;
}

describe('size and budget', () => {
  it('checks 2,000 ops over 5 keys with 8 concurrent clients', () => {
    const rng = new SeededRng(2024);
    const shape = { opCount: 2000, keyCount: 5, clientCount: 8, unknownRate: 0.02, valueSpace: 0 };
    const history = randomHistory(rng, shape);
    assert.equal(history.length, 2000);
    assert.ok(concurrencyMax(history) >= 6, `concurrency ${concurrencyMax(history)}`);
    assert.deepEqual(checkLinearizable(history), { ok: true });
  });

  it('returns unknown with a reason when the state budget runs out', () => {
    const rng = new SeededRng(7);
    const shape = { opCount: 200, keyCount: 1, clientCount: 8, unknownRate: 0, valueSpace: 0 };
    const result = checkLinearizable(randomHistory(rng, shape), { statesMax: 10 });
    assert.equal(result.ok, 'unknown');
    if (result.ok === 'unknown') assert.match(result.reason, /budget of 10 states/);
  });

  it('rejects malformed histories and options with HistoryError', () => {
    const w = put(1, 'k', 'a', [0, 1]);
    assert.throws(() => checkLinearizable([w, w]), HistoryError);
    assert.throws(() => checkLinearizable([put(1, 'k', 'a', [5, 1])]), HistoryError);
    const noValue: KvHistoryOp = { ...w, id: 'x', kind: 'put', value: undefined as never };
    assert.throws(() => checkLinearizable([noValue]), HistoryError);
    const getNoValue: KvHistoryOp = { ...w, id: 'y', kind: 'get', result: { ok: true } };
    assert.throws(() => checkLinearizable([getNoValue]), HistoryError);
    assert.throws(() => checkLinearizable([w], { statesMax: 0 }), HistoryError);
  });
});
