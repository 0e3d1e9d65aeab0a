import { assert } from '../ds/assert.js';
import type { ConfigAt, Configuration, NodeId } from './types.js';

/**
 * Configurations tracks the configurations a node knows: the latest committed one and every later
 * one in its log (CCF: a configuration takes effect when appended; while several are active, every
 * quorum needs a majority of EACH). Older ones are kept only as far back as the log offset needs.
 */
export class Configurations {
  /** Ascending by seqno; [0] is the one in force at the log offset. */
  private list: ConfigAt[];

  constructor(initial: readonly ConfigAt[]) {
    this.list = [...initial];
    for (let i = 1; i < this.list.length; i++) {
      assert(this.list[i - 1]!.seqno < this.list[i]!.seqno, 'configs ascending');
    }
  }

  /** active returns the committed configuration (the latest with seqno <= commitSeqno) and later ones. */
  active(commitSeqno: number): readonly ConfigAt[] {
    let first = 0;
    for (let i = 0; i < this.list.length; i++) {
      if (this.list[i]!.seqno <= commitSeqno) first = i;
    }
    return this.list.slice(first);
  }

  /** at returns the configuration in force at `seqno` (undefined if older than what is kept). */
  at(seqno: number): ConfigAt | undefined {
    let found: ConfigAt | undefined;
    for (const c of this.list) if (c.seqno <= seqno) found = c;
    return found;
  }

  latest(): ConfigAt | undefined {
    return this.list[this.list.length - 1];
  }

  isEmpty(): boolean {
    return this.list.length === 0;
  }

  add(configAt: ConfigAt): void {
    const last = this.latest();
    if (last !== undefined) assert(configAt.seqno > last.seqno, 'configs added in log order');
    this.list.push(configAt);
  }

  /** truncateFrom forgets configurations introduced at seqno >= fromSeqno (rolled back). */
  truncateFrom(fromSeqno: number): void {
    while (this.list.length > 0 && this.list[this.list.length - 1]!.seqno >= fromSeqno) {
      this.list.pop();
    }
  }

  /** compactTo forgets configurations superseded at or before `seqno`. */
  compactTo(seqno: number): void {
    while (this.list.length > 1 && this.list[1]!.seqno <= seqno) this.list.shift();
  }

  reset(configs: readonly ConfigAt[]): void {
    this.list = [...configs];
  }
}

/** isVoterIn tells whether `id` votes in any of `configs`. */
export function isVoterIn(configs: readonly ConfigAt[], id: NodeId): boolean {
  return configs.some((c) => c.config.voters.includes(id));
}

/** nodesOf returns every voter and learner of `configs`, without duplicates. */
export function nodesOf(configs: readonly ConfigAt[]): NodeId[] {
  const out = new Set<NodeId>();
  for (const c of configs) {
    for (const v of c.config.voters) out.add(v);
    for (const l of c.config.learners) out.add(l);
  }
  return [...out];
}

/** hasQuorum tells whether `yes` holds a majority of the voters of EVERY configuration. */
export function hasQuorum(configs: readonly ConfigAt[], yes: (id: NodeId) => boolean): boolean {
  assert(configs.length > 0, 'quorum needs a configuration');
  for (const c of configs) {
    let count = 0;
    for (const v of c.config.voters) if (yes(v)) count++;
    if (count * 2 <= c.config.voters.length) return false;
  }
  return true;
}

/**
 * quorumMatch returns the greatest seqno held by a majority of the voters of every configuration,
 * given each voter's highest matching seqno.
 */
export function quorumMatch(configs: readonly ConfigAt[], matchOf: (id: NodeId) => number): number {
  assert(configs.length > 0, 'quorum needs a configuration');
  let result = Number.MAX_SAFE_INTEGER;
  for (const c of configs) {
    const matches = c.config.voters.map(matchOf).sort((a, b) => b - a);
    const majority = Math.floor(matches.length / 2);
    result = Math.min(result, matches[majority] ?? 0);
  }
  return result;
}

/** validateConfiguration returns a reason when `config` is not well-formed, else null. */
export function validateConfiguration(config: Configuration): string | null {
  if (config.voters.length === 0) return 'a configuration needs at least one voter';
  const seen = new Set<NodeId>();
  for (const id of [...config.voters, ...config.learners]) {
    if (typeof id !== 'string' || id.length === 0) return 'node ids must be non-empty strings';
    if (seen.has(id)) return `node ${id} appears twice`;
    seen.add(id);
  }
  return null;
}
