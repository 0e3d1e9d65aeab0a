// MachineCluster: NodeMachines wired in memory (synchronous disk, FIFO network) for unit tests of
// the node layer: consensus + KV + ledger together with real ECDSA keys and AES-GCM.
import { generateKeyPair, signSha256 } from '../../src/crypto/ecdsa.js';
import { nodeIdOf } from '../../src/crypto/ids.js';
import type { Configuration, LogEntry, NodeId, RaftMessage, Snapshot } from '../../src/consensus/types.js';
import { SeededRng } from '../../src/ds/rng.js';
import { LedgerSecret } from '../../src/ledger/ledger-secret.js';
import type { NodeSigner } from '../../src/ledger/ledger-state.js';
import { NodeMachine, type PersistWork } from '../../src/node/node-machine.js';
import { testOptions } from '../consensus/mem-cluster.js';

export interface Disk {
  hardState: { view: number; votedFor: NodeId | null; commitSeqno: number };
  snapshot: Snapshot | null;
  entries: LogEntry[];
}

export function makeSigner(): NodeSigner & { publicKeyPem: string } {
  const keys = generateKeyPair();
  return {
    nodeId: nodeIdOf(keys.publicKey),
    sign: (preimage) => signSha256(keys.privateKey, preimage),
    publicKeyPem: keys.publicKey.toPem(),
  };
}

export class MachineCluster {
  readonly machines = new Map<NodeId, NodeMachine>();
  readonly disks = new Map<NodeId, Disk>();
  readonly signers = new Map<NodeId, ReturnType<typeof makeSigner>>();
  readonly secret = new LedgerSecret(new Uint8Array(32).fill(9));
  private queue: { from: NodeId; to: NodeId; message: RaftMessage }[] = [];
  private readonly rng: SeededRng;
  readonly ids: NodeId[];
  readonly genesis: Configuration;

  constructor(count: number, seed = 1, snapshotIntervalTxCount = 0) {
    this.rng = new SeededRng(seed);
    const signers = Array.from({ length: count }, () => makeSigner());
    this.ids = signers.map((s) => s.nodeId);
    this.genesis = { voters: this.ids, learners: [] };
    for (const signer of signers) {
      this.signers.set(signer.nodeId, signer);
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
    const signer = this.signers.get(id)!;
    const machine = new NodeMachine(
      {
        rng: this.rng.fork(),
        signer,
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
