// Reconfiguration script (some seeds): add a new node as a learner, promote it to voter, then
// remove a voter (sometimes the primary itself). Each step is proposed at the current primary once
// the previous configuration is committed there (one configuration change at a time).
import type { Configuration, NodeId } from '../../src/consensus/types.js';
import type { SeededRng } from '../../src/ds/rng.js';
import type { SimNode } from './sim-node.js';

/** ReconfigStep is where the script is. */
export type ReconfigStep = 'add-learner' | 'promote' | 'remove' | 'done';

/** Reconfigurator walks the script; `joinerId` is created by the simulator on the first step. */
export class Reconfigurator {
  step: ReconfigStep = 'add-learner';
  readonly joinerId: NodeId;
  private readonly rng: SeededRng;
  private target: Configuration | null = null;
  proposedCount = 0;

  constructor(rng: SeededRng, joinerId: NodeId) {
    this.rng = rng;
    this.joinerId = joinerId;
  }

  /**
   * poke advances the script using `primary` (a live primary). Returns a note when it proposed,
   * and `needJoiner` when the joiner node must exist before the proposal goes out.
   */
  poke(primary: SimNode, ensureJoiner: () => void): string | null {
    const core = primary.core;
    if (core === null || this.step === 'done') return null;
    const configs = core.configs();
    const committed = configs[0]?.config;
    if (committed === undefined) return null;
    if (this.target !== null && sameConfig(committed, this.target) && configs.length === 1) {
      this.step = next(this.step);
      this.target = null;
      if (this.step === 'done') return 'reconfiguration script done';
    }
    if (configs.length > 1) return null;
    const wanted = this.wanted(committed, primary.id);
    if (wanted === null) return null;
    if (this.step === 'add-learner') ensureJoiner();
    const result = primary.proposeConfig(wanted);
    if (result?.ok !== true) return null;
    this.target = wanted;
    this.proposedCount++;
    return `proposed ${this.step}: voters [${wanted.voters.join(',')}] learners [${wanted.learners.join(',')}]`;
  }

  private wanted(current: Configuration, primaryId: NodeId): Configuration | null {
    const voters = [...current.voters];
    const learners = current.learners.filter((l) => l !== this.joinerId);
    switch (this.step) {
      case 'add-learner':
        return { voters: voters.filter((v) => v !== this.joinerId), learners: [...learners, this.joinerId] };
      case 'promote':
        return { voters: voters.includes(this.joinerId) ? voters : [...voters, this.joinerId], learners };
      case 'remove': {
        if (voters.length <= 2) return null;
        const victim = this.rng.chance(0.4) ? primaryId : voters[this.rng.int(0, voters.length - 1)]!;
        return { voters: voters.filter((v) => v !== victim), learners };
      }
      case 'done':
        return null;
    }
  }
}

function next(step: ReconfigStep): ReconfigStep {
  if (step === 'add-learner') return 'promote';
  if (step === 'promote') return 'remove';
  return 'done';
}

function sameConfig(a: Configuration, b: Configuration): boolean {
  const key = (c: Configuration): string => `${[...c.voters].sort().join(',')}|${[...c.learners].sort().join(',')}`;
  return key(a) === key(b);
}
