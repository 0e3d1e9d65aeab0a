// Swarm options: everything about one run (cluster size, core limits, network/disk/clock faults,
// workload, phases) is derived from the seed, so a seed names a whole scenario (VOPR "swarm testing":
// each seed turns some faults up and others off).
import type { BugName, RaftOptions } from '../../src/consensus/types.js';
import { SeededRng } from '../../src/ds/rng.js';
import type { WorkloadOptions } from './workload.js';

/** SimBugName: a deliberate bug the simulator can switch on: a core bug (RaftOptions.bugs) or a
 * workload bug (`stale-read-at-backup`: reads served from a backup's local store but recorded as
 * linearizable). */
export type SimBugName = BugName | 'stale-read-at-backup';

/** CORE_BUGS and SIM_BUGS list every bug name `--bug` accepts. */
export const CORE_BUGS: readonly BugName[] = [
  'commit-without-quorum',
  'vote-without-log-check',
  'no-rollback-on-election',
  'commit-non-signature',
];
export const SIM_BUGS: readonly SimBugName[] = [...CORE_BUGS, 'stale-read-at-backup'];

/** coreBugs keeps the bugs that the consensus core implements. */
export function coreBugs(bugs: ReadonlySet<SimBugName>): ReadonlySet<BugName> {
  return new Set(CORE_BUGS.filter((b) => bugs.has(b)));
}

/** NetworkOptions: per-message delay and fault probabilities. */
export interface NetworkOptions {
  readonly delayMsMin: number;
  readonly delayMsMean: number;
  readonly dropProbability: number;
  readonly duplicateProbability: number;
  /** Probability that a message is followed by a malformed one (garbage, unknown sender...). */
  readonly malformedProbability: number;
  /** Mean virtual time between partition changes (Infinity: no partitions). */
  readonly partitionIntervalMsMean: number;
}

/** DiskOptions: fsync latency and crash behaviour. */
export interface DiskOptions {
  readonly fsyncMsMin: number;
  readonly fsyncMsMean: number;
  /** Probability that a crash keeps a torn prefix of the pending writes. */
  readonly tornProbability: number;
}

/** SimOptions is one scenario. */
export interface SimOptions {
  readonly seed: number;
  readonly nodeCount: number;
  readonly tickMsBase: number;
  /** Relative tick-period drift bound per node (0.1 = ±10%) and per-tick jitter bound. */
  readonly clockDriftMax: number;
  readonly clockJitterMax: number;
  readonly raft: Omit<RaftOptions, 'id' | 'bugs'>;
  readonly bugs: ReadonlySet<SimBugName>;
  readonly network: NetworkOptions;
  readonly disk: DiskOptions;
  /** Mean virtual time between crashes (Infinity: none) and restart delay bounds. */
  readonly crashIntervalMsMean: number;
  readonly restartDelayMsMax: number;
  /** Take a snapshot after this many applied entries since the last one (Infinity: never). */
  readonly snapshotIntervalEntries: number;
  /** Run the add-learner / promote / remove-voter sequence. */
  readonly reconfigure: boolean;
  readonly proposalIntervalMsMean: number;
  /** Client ops (reads and writes) issued in the safety phase at most. */
  readonly proposalCountMax: number;
  readonly workload: WorkloadOptions;
  /** Fraction of committed workload writes whose receipt is checked (every signature always is). */
  readonly receiptSampleRate: number;
  /** Length of the safety phase (faults on) in base ticks. */
  readonly safetyTicks: number;
  /** Bound on the liveness phase in base ticks: a new proposal must commit on every live voter. */
  readonly livenessTicksMax: number;
}

/** Overrides: what the command line may pin. */
export interface Overrides {
  readonly nodeCount?: number;
  readonly bugs?: ReadonlySet<SimBugName>;
  readonly safetyTicks?: number;
}

/** deriveOptions builds the scenario for `seed`; it consumes only its own forked generator. */
export function deriveOptions(seed: number, overrides: Overrides = {}): SimOptions {
  const rng = new SeededRng(seed).fork();
  const pick = <T>(items: readonly T[]): T => items[rng.int(0, items.length - 1)]!;
  const nodeCount = overrides.nodeCount ?? pick([3, 3, 5, 5, 7]);
  const network: NetworkOptions = {
    delayMsMin: rng.int(1, 5),
    delayMsMean: rng.int(5, 30),
    dropProbability: rng.chance(0.3) ? 0 : rng.next() * 0.15,
    duplicateProbability: rng.chance(0.5) ? 0 : rng.next() * 0.05,
    malformedProbability: rng.chance(0.5) ? 0 : rng.next() * 0.02,
    partitionIntervalMsMean: rng.chance(0.25) ? Number.POSITIVE_INFINITY : rng.int(200, 2000),
  };
  const slowDisk = rng.chance(0.2);
  const disk: DiskOptions = {
    fsyncMsMin: slowDisk ? rng.int(5, 20) : rng.int(0, 2),
    fsyncMsMean: slowDisk ? rng.int(20, 80) : rng.int(1, 6),
    tornProbability: rng.chance(0.5) ? 0 : 0.5,
  };
  // Elections (and CheckQuorum) only work when the timeout dwarfs a round trip that includes fsyncs
  // at both ends (etcd: timeout ~10x RTT): keep the minimum at >= 2.5 such round trips and the
  // random spread at >= half the minimum.
  const tickMsBase = 10;
  const roundTripMs = 2 * network.delayMsMean + 2 * disk.fsyncMsMean;
  const electionMin = Math.max(rng.int(8, 14), Math.ceil((2.5 * roundTripMs) / tickMsBase));
  const electionSpread = Math.max(rng.int(4, 12), Math.ceil(electionMin / 2));
  return {
    seed,
    nodeCount,
    tickMsBase,
    clockDriftMax: 0.1,
    clockJitterMax: 0.05,
    raft: {
      electionTimeoutTicksMin: electionMin,
      electionTimeoutTicksMax: electionMin + electionSpread,
      heartbeatIntervalTicks: rng.int(1, 3),
      signatureIntervalTxCount: rng.int(1, 10),
      signatureIntervalTicks: rng.int(1, 5),
      inflightBytesMax: pick([512, 4096, 65536]),
      appendEntriesBytesMax: pick([128, 1024, 16384]),
      proposalQueueCountMax: pick([4, 64]),
      preVote: rng.chance(0.8),
      checkQuorum: rng.chance(0.8),
    },
    bugs: overrides.bugs ?? new Set(),
    network,
    disk,
    crashIntervalMsMean: rng.chance(0.3) ? Number.POSITIVE_INFINITY : rng.int(300, 3000),
    restartDelayMsMax: rng.int(50, 1000),
    snapshotIntervalEntries: rng.chance(0.3) ? Number.POSITIVE_INFINITY : rng.int(5, 40),
    reconfigure: rng.chance(0.35),
    proposalIntervalMsMean: rng.int(5, 60),
    proposalCountMax: rng.int(50, 400),
    safetyTicks: overrides.safetyTicks ?? 400,
    livenessTicksMax: Math.max(600, 20 * (electionMin + electionSpread)),
    workload: {
      clientCount: rng.int(2, 5),
      keyCount: rng.int(1, 4),
      readFraction: 0.2 + rng.next() * 0.4,
      casFraction: 0.1 + rng.next() * 0.3,
      opTimeoutMs: rng.int(300, 2000),
      staleReadAtBackup: (overrides.bugs ?? new Set()).has('stale-read-at-backup'),
    },
    receiptSampleRate: 0.1,
  };
}
