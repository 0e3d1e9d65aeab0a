// Linearizability checker for key-value histories (put / get / cas), per key (Herlihy & Wing's
// locality: a history is linearizable iff each key's sub-history is). Each key is searched with
// Wing & Gong's algorithm plus Lowe's memoisation, as Knossos and porcupine do: a depth-first
// search over a doubly linked list of call/return events, with a cache of (linearized-set
// bitset, register value) configurations already explored. Iterative (explicit stack), bounded
// by `statesMax`. A violation is explained by the shortest failing prefix of the key's history and
// a minimal set of completed operations that cannot be linearized together. See
// docs/linearizability.md. Pure: no clock, no randomness; times are opaque numbers (virtual or
// wall-clock ms). This file (~600 lines) is over the 400-line aim: the brief limited this work to
// one module; search, pruning and explanation share private types and could be split later.
import { assert } from '../../../src/ds/assert.js';
import { ConsortError } from '../../../src/ds/errors.js';

/** KvOpKind: `put(key, value)`, `get(key)`, `cas(key, expected, value)` (null = absent). */
export type KvOpKind = 'put' | 'get' | 'cas';

/** KvOpResult: `ok` false = definite failure (did NOT apply); `value` = what a get returned. */
export interface KvOpResult {
  readonly ok: boolean;
  readonly value?: string | null;
}

/**
 * KvHistoryOp is one client operation. `responseTime` null means no response (timeout, crash):
 * the op may take effect at any point after `invokeTime`, or never, and `result` is ignored.
 * A completed op with `result.ok` false is a definite failure and constrains nothing.
 */
export interface KvHistoryOp {
  readonly id: number | string;
  readonly clientId: number | string;
  readonly kind: KvOpKind;
  readonly key: string;
  /** put/cas: the value written. */
  readonly value?: string;
  /** cas: the value required before the write (null = key absent). */
  readonly expected?: string | null;
  readonly invokeTime: number;
  readonly responseTime: number | null;
  readonly result: KvOpResult;
}

/** LinearizabilityOptions: `statesMax` bounds the configurations explored (search, then again
 * for the explanation); reaching it yields `ok: 'unknown'` instead of a hang. */
export interface LinearizabilityOptions {
  readonly statesMax?: number;
}

/** LinearizabilityResult: ok, a violation on one key (with the ops involved), or unknown. */
export type LinearizabilityResult =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly key: string;
      readonly message: string;
      readonly ops: readonly KvHistoryOp[];
    }
  | { readonly ok: 'unknown'; readonly reason: string };

/** statesMaxDefault: roughly 10 s of search and ~200 MB of cache at worst (see the docs). */
export const statesMaxDefault = 1_000_000;

/** HistoryError: a malformed history (missing value, response before invocation, ...). */
export class HistoryError extends ConsortError {
  override readonly name = 'HistoryError';
  constructor(message: string) {
    super('InvalidInput', message, { httpStatus: 400 });
  }
}

/** SearchOp is one op as the search sees it (after dropping ops that constrain nothing). */
interface SearchOp {
  /** Index of the op in the input history. */
  readonly source: number;
  readonly kind: KvOpKind;
  /** Fate unknown: may apply at any point after invokeTime (responseTime is Infinity), or never. */
  readonly unknown: boolean;
  readonly invokeTime: number;
  readonly responseTime: number;
  /** get: the value returned; cas: the value expected; put: unused (null). */
  readonly read: string | null;
  /** put/cas: the value written; get: unused (null). */
  readonly write: string | null;
}

type Outcome = 'linearizable' | 'violation' | 'exhausted';

interface Budget {
  statesLeft: number;
}

const REJECT = -1;
const NIL = -1;

/**
 * checkLinearizable decides whether `history` is linearizable w.r.t. an atomic register per key.
 * Keys are checked in sorted order; the first violating key is reported. Throws HistoryError
 * for a malformed history or option. Never loops more than O(statesMax × concurrency) steps.
 */
export function checkLinearizable(
  history: readonly KvHistoryOp[],
  options: LinearizabilityOptions = {},
): LinearizabilityResult {
  const statesMax = options.statesMax ?? statesMaxDefault;
  if (!Number.isSafeInteger(statesMax) || statesMax < 1) {
    throw new HistoryError(`statesMax must be a positive integer, got ${statesMax}`);
  }
  validateHistory(history);
  const byKey = partitionByKey(history);
  const budget: Budget = { statesLeft: statesMax };
  const unknownKeys: string[] = [];
  for (const key of [...byKey.keys()].sort()) {
    const ops = normalize(byKey.get(key) ?? []);
    const statesBefore = budget.statesLeft;
    const outcome = searchKey(ops, budget);
    if (outcome === 'violation') {
      // A prefix or core trial is usually no harder than the search that found the violation.
      const trialStatesMax = Math.max(1_000, 4 * (statesBefore - budget.statesLeft));
      const explanation = explain(ops, history, { statesLeft: statesMax }, trialStatesMax);
      return { ok: false, key, message: `key ${JSON.stringify(key)}: ${explanation.message}`,
        ops: explanation.ops };
    }
    if (outcome === 'exhausted') unknownKeys.push(key);
  }
  if (unknownKeys.length > 0) {
    return { ok: 'unknown', reason: `search budget of ${statesMax} states exhausted; ` +
      `undecided keys: ${unknownKeys.map((k) => JSON.stringify(k)).join(', ')}` };
  }
  return { ok: true };
}

function validateHistory(history: readonly KvHistoryOp[]): void {
  const ids = new Set<number | string>();
  history.forEach((op, index) => {
    const where = `op[${index}] (id ${String(op.id)})`;
    if (ids.has(op.id)) throw new HistoryError(`${where}: duplicate id`);
    ids.add(op.id);
    if (typeof op.key !== 'string') throw new HistoryError(`${where}: key must be a string`);
    if (!Number.isFinite(op.invokeTime)) throw new HistoryError(`${where}: invokeTime not finite`);
    if (op.responseTime !== null) {
      if (!Number.isFinite(op.responseTime) || op.responseTime < op.invokeTime) {
        throw new HistoryError(`${where}: responseTime must be finite and >= invokeTime`);
      }
    }
    if (typeof op.result?.ok !== 'boolean') throw new HistoryError(`${where}: result.ok missing`);
    const done = op.responseTime !== null && op.result.ok;
    if (op.kind === 'get') {
      const v = op.result.value;
      if (done && v !== null && typeof v !== 'string') {
        throw new HistoryError(`${where}: a completed get needs result.value (string or null)`);
      }
    } else if (op.kind === 'put' || op.kind === 'cas') {
      if (typeof op.value !== 'string') throw new HistoryError(`${where}: value must be a string`);
      if (op.kind === 'cas' && op.expected !== null && typeof op.expected !== 'string') {
        throw new HistoryError(`${where}: cas expected must be a string or null`);
      }
    } else {
      throw new HistoryError(`${where}: unknown kind ${JSON.stringify(op.kind)}`);
    }
  });
}

function partitionByKey(history: readonly KvHistoryOp[]): Map<string, SearchOp[]> {
  const byKey = new Map<string, SearchOp[]>();
  history.forEach((op, source) => {
    if (op.responseTime !== null && !op.result.ok) return; // definite failure: no effect
    const unknown = op.responseTime === null;
    const read = op.kind === 'get' ? (op.result.value ?? null) : (op.expected ?? null);
    const searchOp: SearchOp = {
      source,
      kind: op.kind,
      unknown,
      invokeTime: op.invokeTime,
      responseTime: op.responseTime ?? Number.POSITIVE_INFINITY,
      read: op.kind === 'put' ? null : read,
      write: op.kind === 'get' ? null : (op.value ?? null),
    };
    const list = byKey.get(op.key);
    if (list === undefined) byKey.set(op.key, [searchOp]);
    else list.push(searchOp);
  });
  return byKey;
}

/**
 * normalize drops ops that cannot change the verdict: unknown-fate gets (no observed result),
 * and unknown-fate writes whose value no get returned and no cas expected. Such a write can
 * always be linearized "never": any op it would precede either overwrites its value, or is an
 * unknown cas that may be moved to the end. This keeps timeouts from blowing up the search.
 * (A write's value is never null, so `observed` holding null is harmless.)
 */
function normalize(ops: readonly SearchOp[]): SearchOp[] {
  let current = ops.filter((op) => !(op.unknown && op.kind === 'get'));
  // Dropping a cas can unobserve another write: repeat until stable (at most ops.length rounds).
  for (let round = 0; round <= ops.length; round++) {
    const observed = new Set<string | null>();
    for (const op of current) if (op.kind !== 'put') observed.add(op.read);
    const kept = current.filter((op) => !op.unknown || observed.has(op.write));
    if (kept.length === current.length) return kept;
    current = kept;
  }
  assert(false, 'normalize: each round removes an op or stops');
}

/** eventOrder lists entries as opIndex*2 (call) or opIndex*2+1 (return), sorted by time;
 * at equal times calls come first (treated as concurrent), then by op index. */
function eventOrder(ops: readonly SearchOp[]): number[] {
  const events: number[] = [];
  for (let i = 0; i < ops.length; i++) events.push(i * 2, i * 2 + 1);
  const timeOf = (e: number): number => {
    const op = ops[e >> 1]!;
    return (e & 1) === 0 ? op.invokeTime : op.responseTime;
  };
  events.sort((a, b) => timeOf(a) - timeOf(b) || (a & 1) - (b & 1) || a - b);
  return events;
}

/** searchKey runs Wing & Gong with Lowe's cache on one key's ops; spends `budget`. */
function searchKey(ops: readonly SearchOp[], budget: Budget): Outcome {
  if (ops.length === 0) return 'linearizable';
  const search = new KeySearch(ops);
  let entry = search.firstChoice();
  // Done when every completed op is linearized: the remaining unknown-fate ops take "never".
  while (search.completedLeft > 0) {
    assert(entry !== NIL, "searchKey: a completed op's return is always ahead");
    if ((entry & 1) === 0) {
      const step = search.tryCall(entry);
      if (step === 'pushed') {
        budget.statesLeft -= 1;
        if (budget.statesLeft < 0) return 'exhausted';
        entry = search.firstChoice();
        continue;
      }
      if (step === 'rejected') {
        entry = search.list.next[entry]!;
        continue;
      }
    }
    // A pending return (its op was not linearized in time) or a dead configuration: backtrack.
    entry = search.backtrack();
    if (entry === NIL) return 'violation';
  }
  return 'linearizable';
}

/**
 * KeySearch is the mutable state of one key's search: the event list with linearized ops lifted
 * out, the linearized-set bitset and its hash, the register state, and the explicit stack.
 * Read-only ops (completed gets, completed cas v -> v) that can go now are taken first and never
 * reconsidered: moving such an op earlier keeps any linearization valid (it changes no state, and
 * every pending op returns no earlier than its invocation), so if it cannot lead to a
 * linearization, no other choice here can.
 */
class KeySearch {
  readonly list: EventList;
  completedLeft: number;
  private readonly ops: readonly SearchOp[];
  private readonly model: Model;
  private readonly twins: Int32Array;
  private readonly readOnly: Uint8Array;
  private readonly bits: Uint32Array;
  private readonly cache = new Map<number, CacheEntry[]>();
  private readonly stackEntry: number[] = [];
  private readonly stackState: number[] = [];
  private bitsHash = 0;
  private state: number;

  constructor(ops: readonly SearchOp[]) {
    this.ops = ops;
    this.list = buildList(ops);
    this.model = internModel(ops);
    this.twins = twinsOf(ops);
    this.readOnly = Uint8Array.from(ops, (op) =>
      !op.unknown && (op.kind === 'get' || (op.kind === 'cas' && op.read === op.write)) ? 1 : 0);
    this.bits = new Uint32Array(Math.ceil(ops.length / 32));
    this.completedLeft = ops.filter((op) => !op.unknown).length;
    this.state = this.model.nullId;
  }

  /** firstChoice: a read-only op that can go now if any, else the first event. */
  firstChoice(): number {
    const { next, head } = this.list;
    for (let e = next[head]!; e !== NIL && (e & 1) === 0; e = next[e]!) {
      if (this.readOnly[e >> 1] === 1 && this.model.step(e >> 1, this.state) !== REJECT) return e;
    }
    return next[head]!;
  }

  /** tryCall linearizes `call`'s op next if the model accepts it and the configuration is new;
   * 'dead' when a read-only op's configuration was already explored (see the class comment). */
  tryCall(call: number): 'pushed' | 'rejected' | 'dead' {
    const opIndex = call >> 1;
    const twin = this.twins[opIndex]!;
    if (twin !== NIL && !this.isSet(twin)) return 'rejected';
    const stateNext = this.model.step(opIndex, this.state);
    if (stateNext === REJECT) return 'rejected';
    this.toggle(opIndex);
    if (!cacheAdd(this.cache, this.bits, this.bitsHash, stateNext)) {
      this.toggle(opIndex);
      return this.readOnly[opIndex] === 1 ? 'dead' : 'rejected';
    }
    this.stackEntry.push(call);
    this.stackState.push(this.state);
    if (!this.ops[opIndex]!.unknown) this.completedLeft -= 1;
    this.state = stateNext;
    lift(this.list, call);
    return 'pushed';
  }

  /** backtrack undoes the last choice (and any read-only ones above it); returns the event to
   * try next, or NIL when the stack is empty (no linearization exists). */
  backtrack(): number {
    for (;;) {
      const popped = this.stackEntry.pop();
      if (popped === undefined) return NIL;
      this.state = this.stackState.pop()!;
      const opIndex = popped >> 1;
      if (!this.ops[opIndex]!.unknown) this.completedLeft += 1;
      this.toggle(opIndex);
      unlift(this.list, popped);
      if (this.readOnly[opIndex] !== 1) return this.list.next[popped]!;
    }
  }

  private isSet(opIndex: number): boolean {
    return (this.bits[opIndex >> 5]! & (1 << (opIndex & 31))) !== 0;
  }

  private toggle(opIndex: number): void {
    this.bits[opIndex >> 5]! ^= 1 << (opIndex & 31);
    this.bitsHash ^= opHash(opIndex);
  }
}

/**
 * twinsOf links each unknown-fate op to the previous identical one (same kind, read, write; by
 * invocation): it may only be linearized after its twin. Identical ops with no response are
 * interchangeable, and any linearization can use them in invocation order, so this symmetry
 * reduction is exact; it turns 2^k subsets of k identical timed-out writes into k + 1.
 */
function twinsOf(ops: readonly SearchOp[]): Int32Array {
  const twins = new Int32Array(ops.length).fill(NIL);
  const latest = new Map<string, number>();
  const order = ops.map((_, i) => i).filter((i) => ops[i]!.unknown);
  order.sort((a, b) => ops[a]!.invokeTime - ops[b]!.invokeTime || a - b);
  for (const i of order) {
    const op = ops[i]!;
    const signature = JSON.stringify([op.kind, op.read, op.write]);
    twins[i] = latest.get(signature) ?? NIL;
    latest.set(signature, i);
  }
  return twins;
}

interface EventList {
  readonly next: Int32Array;
  readonly prev: Int32Array;
  readonly head: number;
}

/** buildList makes the doubly linked event list; entry i*2 is op i's call, i*2+1 its return;
 * index ops.length*2 is the head sentinel. */
function buildList(ops: readonly SearchOp[]): EventList {
  const head = ops.length * 2;
  const next = new Int32Array(head + 1).fill(NIL);
  const prev = new Int32Array(head + 1).fill(NIL);
  let last = head;
  for (const e of eventOrder(ops)) {
    next[last] = e;
    prev[e] = last;
    last = e;
  }
  assert((last & 1) === 1, 'buildList: the last event is a return');
  return { next, prev, head };
}

/** lift removes a call entry and its return (dancing links; unlift restores in reverse). */
function lift(list: EventList, call: number): void {
  const { next, prev } = list;
  next[prev[call]!] = next[call]!;
  prev[next[call]!] = prev[call]!;
  const ret = call + 1;
  next[prev[ret]!] = next[ret]!;
  if (next[ret] !== NIL) prev[next[ret]!] = prev[ret]!;
}

function unlift(list: EventList, call: number): void {
  const { next, prev } = list;
  const ret = call + 1;
  if (next[ret] !== NIL) prev[next[ret]!] = ret;
  next[prev[ret]!] = ret;
  prev[next[call]!] = call;
  next[prev[call]!] = call;
}

interface CacheEntry {
  readonly bits: Uint32Array;
  readonly state: number;
}

/** cacheAdd records (bits, state); false when that configuration was already explored. */
function cacheAdd(
  cache: Map<number, CacheEntry[]>,
  bits: Uint32Array,
  bitsHash: number,
  state: number,
): boolean {
  const hash = (bitsHash ^ Math.imul(state + 1, 0x9e3779b1)) >>> 0;
  const bucket = cache.get(hash);
  const entry: CacheEntry = { bits: bits.slice(), state };
  if (bucket === undefined) {
    cache.set(hash, [entry]);
    return true;
  }
  for (const other of bucket) {
    if (other.state === state && sameBits(other.bits, bits)) return false;
  }
  bucket.push(entry);
  return true;
}

function sameBits(a: Uint32Array, b: Uint32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** opHash: a 32-bit mix of the op index; the set hash is the XOR over linearized ops. */
function opHash(opIndex: number): number {
  let z = Math.imul(opIndex + 1, 0x9e3779b1) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

interface Model {
  readonly nullId: number;
  /** step returns the next search state or REJECT if the op cannot (usefully) go now. */
  step(opIndex: number, state: number): number;
}

/**
 * internModel maps values to small integers and precomputes each op's transition. A search state
 * is `valueId * 2 + unobserved`, where `unobserved` = the last op was an unknown-fate write that
 * nothing has read yet. Three dominance rules prune useless uses of unknown-fate ops (each such
 * use can be deleted from a linearization, leaving a valid one; "never" is always allowed):
 * an unknown cas that would fail, an unknown write that leaves the value unchanged, and an
 * unknown write immediately overwritten by a put. Gets and cas observe what they succeed on.
 */
function internModel(ops: readonly SearchOp[]): Model {
  const ids = new Map<string | null, number>([[null, 0]]);
  const idOf = (v: string | null): number => {
    let id = ids.get(v);
    if (id === undefined) {
      id = ids.size;
      ids.set(v, id);
    }
    return id;
  };
  const reads = Int32Array.from(ops, (op) => idOf(op.read));
  const writes = Int32Array.from(ops, (op) => idOf(op.write));
  const step = (opIndex: number, state: number): number => {
    const op = ops[opIndex]!;
    const value = state >> 1;
    const write = writes[opIndex]!;
    if (op.kind === 'get') return value === reads[opIndex] ? value * 2 : REJECT;
    if (op.kind === 'put' && (state & 1) === 1) return REJECT;
    if (op.kind === 'cas' && value !== reads[opIndex]) return REJECT;
    if (!op.unknown) return write * 2;
    return write === value ? REJECT : write * 2 + 1;
  };
  return { nullId: 0, step };
}

/**
 * prefixOps keeps the events up to and including the `returnCount`-th return (`last` is that
 * op): ops invoked before the cut but returning after it become unknown-fate. Linearizability is
 * prefix-closed, so the verdict is monotone in `returnCount`.
 */
function prefixOps(ops: readonly SearchOp[], returnCount: number): Prefix {
  const kept = new Map<number, boolean>(); // op index -> returned within the prefix
  let returns = 0;
  let last: SearchOp | undefined;
  for (const e of eventOrder(ops)) {
    if (returns >= returnCount) break;
    const op = ops[e >> 1]!;
    if ((e & 1) === 0) kept.set(e >> 1, false);
    else if (op.unknown) break; // only unknown-fate returns (at +Infinity) remain
    else {
      kept.set(e >> 1, true);
      returns += 1;
      last = op;
    }
  }
  assert(last !== undefined, 'prefixOps: returnCount >= 1 and some op completed');
  const out: SearchOp[] = [];
  for (const [index, returned] of kept) out.push(returned ? ops[index]! : relax(ops[index]!));
  return { ops: normalize(out), last };
}

interface Prefix {
  readonly ops: SearchOp[];
  readonly last: SearchOp;
}

function relax(op: SearchOp): SearchOp {
  return { ...op, unknown: true, responseTime: Number.POSITIVE_INFINITY };
}

interface Explanation {
  readonly message: string;
  readonly ops: readonly KvHistoryOp[];
}

/**
 * explain finds the shortest failing prefix (binary search over return events), then a core:
 * completed ops are relaxed to unknown fate (delta-debugging chunks, halving) while the prefix
 * still fails, then unknown-fate writes are dropped likewise when that misleads no read. What is left
 * fails on its own; each completed op in it is needed as observed. Each trial spends at most
 * `trialStatesMax` of `budget`; a trial that runs out keeps the ops (conservative).
 */
function explain(
  ops: readonly SearchOp[],
  history: readonly KvHistoryOp[],
  budget: Budget,
  trialStatesMax: number,
): Explanation {
  const completedCount = ops.filter((op) => !op.unknown).length;
  assert(completedCount >= 1, 'explain: only unknown-fate ops always linearize');
  const fails = (trial: readonly SearchOp[]): boolean => {
    const trialBudget = { statesLeft: Math.min(trialStatesMax, budget.statesLeft) };
    const outcome = searchKey(trial, trialBudget);
    budget.statesLeft -= Math.min(trialStatesMax, budget.statesLeft) - trialBudget.statesLeft;
    return outcome === 'violation';
  };
  let lo = 1;
  let hi = completedCount; // the whole (normalized) key history fails
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (fails(prefixOps(ops, mid).ops)) hi = mid;
    else lo = mid + 1;
  }
  const { last, ops: prefix } = prefixOps(ops, hi);
  const core = shrink(prefix, last, fails);
  const verdict = searchKey(core, { statesLeft: trialStatesMax });
  if (verdict !== 'exhausted') assert(verdict === 'violation', 'explain: the core fails alone');
  const lastOp = history[last.source]!;
  const observed = core.filter((op) => !op.unknown).map((op) => history[op.source]!);
  const relaxed = core.filter((op) => op.unknown).map((op) => history[op.source]!);
  const message =
    `not linearizable from the response of op ${String(lastOp.id)} at t=${last.responseTime} ` +
    `(shortest failing prefix: ${hi} of ${completedCount} responses); these ops cannot be ` +
    `linearized together: ${observed.map(describeOp).join('; ')}` +
    (relaxed.length === 0 ? '' : `; with, taking effect any time after invocation or never: ` +
      relaxed.map(describeOp).join('; '));
  return { message, ops: core.map((op) => history[op.source]!) };
}

/** shrink returns a failing sub-history of `prefix` (sorted by invocation); see explain. */
function shrink(
  prefix: readonly SearchOp[],
  last: SearchOp,
  fails: (trial: readonly SearchOp[]) => boolean,
): SearchOp[] {
  let current = prefix.slice();
  // Relaxing `last` cannot keep a shortest failing prefix failing: it is never a candidate.
  // Reads first: relaxing a read drops it, which often lets the writes it observed go too.
  let candidates = current.filter((op) => !op.unknown && op !== last && op.kind === 'get');
  candidates.push(...current.filter((op) => !op.unknown && op !== last && op.kind !== 'get'));
  for (let chunk = Math.ceil(candidates.length / 2); candidates.length > 0; ) {
    const kept: SearchOp[] = [];
    for (let start = 0; start < candidates.length; start += chunk) {
      const group = new Set(candidates.slice(start, start + chunk));
      const trial = normalize(current.map((op) => (group.has(op) ? relax(op) : op)));
      if (fails(trial)) current = trial;
      else kept.push(...group);
    }
    candidates = kept;
    if (chunk === 1) break;
    chunk = Math.ceil(chunk / 2);
  }
  // Drop unknown-fate writes still failing without them, unless that would leave a completed
  // op reading a value nobody writes (a misleading "read of a value never written").
  for (const op of current.filter((o) => o.unknown)) {
    const writesSame = current.some((o) => o !== op && o.kind !== 'get' && o.write === op.write);
    const readByCompleted = current.some((o) => !o.unknown && o.kind !== 'put' && o.read === op.write);
    const trial = current.filter((o) => o !== op);
    if ((writesSame || !readByCompleted) && fails(trial)) current = trial;
  }
  return current.sort((a, b) => a.invokeTime - b.invokeTime || a.source - b.source);
}

/** describeOp renders one op, e.g. `#7 client 2 get() -> "a" [25, 30]`. */
export function describeOp(op: KvHistoryOp): string {
  const show = (v: string | null | undefined): string => (v === null ? 'absent' : JSON.stringify(v));
  const end = op.responseTime === null ? '?' : String(op.responseTime);
  const span = `[${op.invokeTime}, ${end}]`;
  const who = `#${String(op.id)} client ${String(op.clientId)}`;
  const outcome = op.responseTime === null ? ' (no response)' : op.result.ok ? '' : ' failed';
  switch (op.kind) {
    case 'get':
      return `${who} get() -> ${op.result.ok ? show(op.result.value) : 'failed'} ${span}`;
    case 'put':
      return `${who} put(${show(op.value)})${outcome} ${span}`;
    case 'cas':
      return `${who} cas(${show(op.expected)} -> ${show(op.value)})${outcome} ${span}`;
  }
}
