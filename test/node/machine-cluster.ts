// MachineCluster: NodeMachines wired in memory (synchronous disk, FIFO network) for unit tests of
// the node layer: consensus + KV + ledger together with real ECDSA keys and AES-GCM.
import type { Configuration, LogEntry, NodeId, RaftMessage, Snapshot } from '../../src/consensus/types.js';
import { SeededRng } from '../../src/ds/rng.js';
import { LedgerSecret } from '../../src/ledger/ledger-secret.js';
import { NodeMachine, type PersistWork } from '../../src/node/node-machine.js';
import { testOptions } from '../consensus/mem-cluster.js';
import type { TestNodeIdentity, TestService } from '../support/identities.js';

export interface Disk {
  hardState: { view: number; votedFor: NodeId | null; commitSeqno: number };
  snapshot: Snapshot | null;
  entries: LogEntry[];
}

export class MachineCluster {
  readonly machines = new Map<NodeId, NodeMachine>();
  readonly disks = new Map<NodeId, Disk>();
  readonly identities = new Map<NodeId, TestNodeIdentity>();
  readonly secret = new LedgerSecret(new Uint8Array(32).fill(9));
  private queue: { from: NodeId; to: NodeId; message: RaftMessage }[] = [];
  private readonly rng: SeededRng;
  readonly ids: NodeId[];
  readonly genesis: Configuration;

  readonly service: TestService;

  constructor(service: TestService, count: number, seed = 1, snapshotIntervalTxCount = 0) {
    this.service = service;
    this.rng = new SeededRng(seed);
    const identities = service.nodes.slice(0, count);
    this.ids = identities.map((s) => s.nodeId);
    this.genesis = { voters: this.ids, learners: [] };
    for (const identity of identities) {
      const signer = identity;
      this.identities.set(signer.nodeId, identity);
      this.disks.set(signer.nodeId, {
        hardState: { view: 0, votedFor: null, commitSeqno: 0 },
        snapshot: null,
        entries: [],
      });
      this.start(signer.nodeId, snapshotIntervalTxCount);
    }
  }

  start(id: NodeId, snapshotIntervalTxCount = 0): NodeMachine {
    const disk = this.disks.get(id)!;
    const signer = this.identities.get(id)!.signer;
    const machine = new NodeMachine(
      {
        rng: this.rng.fork(),
        signer,
        nodeCertPem: (nodeId) => this.service.certOf(nodeId),
        secret: this.secret,
        transport: { send: (to, message) => this.queue.push({ from: id, to, message }) },
        storage: {
          persist: (work: PersistWork, done) => {
            if (work.snapshot !== null) {
              disk.snapshot = work.snapshot;
              disk.entries = disk.entries.filter((e) => e.seqno > work.snapshot!.seqno);
            }
            if (work.truncateFromSeqno !== null) {
              const from = work.truncateFromSeqno;
              disk.entries = disk.entries.filter((e) => e.seqno < from);
            }
            disk.entries.push(...work.entries);
            if (work.hardState !== null) disk.hardState = work.hardState;
            done(null);
          },
          committed: () => {},
          snapshot: () => {},
        },
      },
      { raft: testOptions(id), snapshotIntervalTxCount },
      {
        persisted: { hardState: disk.hardState, snapshot: disk.snapshot, entries: [...disk.entries] },
        genesis: this.genesis,
      },
    );
    this.machines.set(id, machine);
    return machine;
  }

  deliver(): void {
    for (let round = 0; round < 1000 && this.queue.length > 0; round++) {
      const batch = this.queue;
      this.queue = [];
      for (const { from, to, message } of batch) {
        const m = this.machines.get(to);
        if (m !== undefined) m.receive(from, message);
      }
    }
  }

  tick(count = 1): void {
    for (let i = 0; i < count; i++) {
      for (const m of this.machines.values()) m.tick();
      this.deliver();
    }
  }

  primary(): NodeMachine {
    for (let i = 0; i < 300; i++) {
      const p = [...this.machines.values()].find((m) => m.core.role === 'primary' && m.core.commitSeqno > 0);
      if (p !== undefined) return p;
      this.tick();
    }
    throw new Error('no primary');
  }
}
