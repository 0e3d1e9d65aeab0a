// Violation: what a checker found. The first violation ends a run.

/** ViolationKind names each property the checkers verify. */
export type ViolationKind =
  | 'election-safety'
  | 'log-matching'
  | 'signature-payload'
  | 'leader-completeness'
  | 'state-machine-safety'
  | 'commit-regressed'
  | 'committed-rolled-back'
  | 'commit-not-signature'
  | 'view-start-not-signature'
  | 'malformed-accepted'
  | 'core-threw'
  | 'host-contract'
  | 'liveness'
  | 'ledger-bytes'
  | 'kv-state'
  | 'receipt'
  | 'linearizability';

/** Violation is one broken property, when (virtual ms, event index) and where. */
export interface Violation {
  readonly kind: ViolationKind;
  readonly message: string;
  readonly atMs: number;
  readonly eventIndex: number;
}

/** ViolationSink collects the first violation of a run. */
export interface ViolationSink {
  report(kind: ViolationKind, message: string): void;
}
