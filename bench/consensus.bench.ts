// Consensus benchmark (issue 2 §4): three RaftCore nodes in one process, in-memory transport, no
// disk. Measures committed entries/s for 256-byte entries with 1 and 1,000 proposals in flight,
// CPU time per committed entry (all three cores together), and memory over a long run with
// compaction. Prints a table and writes bench/results/consensus-<date>.json.
//
// Usage: npm run bench:consensus [-- --long-entries 10000000]
import { mkdirSync, writeFileSync } from 'node:fs';
import { RaftCore } from '../src/consensus/raft-core.js';
import type { History, NodeId, Outbound, RaftOptions, Ready } from '../src/consensus/types.js';
import { SeededRng } from '../src/ds/rng.js';

const ids: NodeId[] = ['n0', 'n1', 'n2'];
const entryBytes = 256;

const history: History = {
  append: () => {},
  truncate: () => {},
  reset: () => {},
  sign: () => new Uint8Array(72),
};

function options(id: NodeId): RaftOptions {
  return {
    id,
    electionTimeoutTicksMin: 10,
    electionTimeoutTicksMax: 20,
    heartbeatIntervalTicks: 2,
    signatureIntervalTxCount: 5000,
    signatureIntervalTicks: 2,
    inflightBytesMax: 4 * 1024 * 1024,
    appendEntriesBytesMax: 1024 * 1024,
    proposalQueueCountMax: 100_000,
    preVote: true,
    checkQuorum: true,
  };
}

class BenchCluster {
  readonly cores = new Map<NodeId, RaftCore>();
  private queue: { from: NodeId; out: Outbound }[] = [];
  committedData = 0;
  private readonly appliedSig = new Map<NodeId, number>();

  constructor(seed: number) {
    const rng = new SeededRng(seed);
    for (const id of ids) {
      const core = new RaftCore({ rng: rng.fork(), history }, options(id), {
        persisted: { hardState: { view: 0, votedFor: null, commitSeqno: 0 }, snapshot: null, entries: [] },
        genesis: { voters: ids, learners: [] },
      });
      this.cores.set(id, core);
    }
  }

  primary(): RaftCore {
    for (const c of this.cores.values()) if (c.role === 'primary') return c;
    throw new Error('no primary');
  }

  /** pump drains Readies and delivers messages until the cluster is quiet. */
  pump(): void {
    for (let round = 0; round < 100_000; round++) {
      let busy = false;
      for (const [id, core] of this.cores) {
        if (!core.hasReady()) continue;
        busy = true;
        const ready: Ready = core.takeReady();
        for (const out of ready.earlyMessages) this.queue.push({ from: id, out });
        for (const out of ready.messages) this.queue.push({ from: id, out });
        if (core.role === 'primary') {
          for (const e of ready.committed) if (e.kind === 'data') this.committedData++;
        }
        const last = ready.committed[ready.committed.length - 1];
        if (last !== undefined) this.appliedSig.set(id, last.seqno);
        core.advance(ready);
      }
      const batch = this.queue;
      this.queue = [];
      for (const { from, out } of batch) {
        busy = true;
        const r = this.cores.get(out.to)!.step(from, out.message);
        if (!r.ok) throw new Error(`rejected: ${r.reason}`);
      }
      if (!busy) return;
    }
    throw new Error('did not quiesce');
  }

  elect(): void {
    for (let i = 0; i < 1000; i++) {
      for (const c of this.cores.values()) c.tick();
      this.pump();
      const p = [...this.cores.values()].find((c) => c.role === 'primary');
      if (p !== undefined && p.commitSeqno > 0) return;
    }
    throw new Error('no election');
  }

  /** compact snapshots every node at its last applied signature. */
  compact(): void {
    for (const [id, core] of this.cores) {
      const seqno = this.appliedSig.get(id);
      if (seqno === undefined) continue;
      core.compact(core.makeSnapshot(seqno, new Uint8Array(0))!);
    }
  }
}

interface Row {
  name: string;
  inflight: number;
  entries: number;
  seconds: number;
  entriesPerSecond: number;
  cpuMicrosPerEntry: number;
  heapMiB: number;
  rssMiB: number;
}

function run(name: string, inflight: number, total: number, compactEvery: number): Row {
  const cluster = new BenchCluster(1);
  cluster.elect();
  const payload = new Uint8Array(entryBytes).fill(7);
  const start = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  let proposed = 0;
  let sinceCompact = 0;
  let ticks = 0;
  while (cluster.committedData < total) {
    const primary = cluster.primary();
    while (proposed - cluster.committedData < inflight && proposed < total) {
      const r = primary.propose(payload);
      if (!r.ok) break;
      proposed++;
    }
    const before = cluster.committedData;
    cluster.pump();
    sinceCompact += cluster.committedData - before;
    if (sinceCompact >= compactEvery) {
      cluster.compact();
      sinceCompact = 0;
    }
    // Logical time advances once per round trip, as a host would tick every few milliseconds.
    if (++ticks % 64 === 0) for (const c of cluster.cores.values()) c.tick();
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const mem = process.memoryUsage();
  return {
    name,
    inflight,
    entries: total,
    seconds,
    entriesPerSecond: Math.round(total / seconds),
    cpuMicrosPerEntry: (cpu.user + cpu.system) / total,
    heapMiB: mem.heapUsed / 2 ** 20,
    rssMiB: mem.rss / 2 ** 20,
  };
}

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const longEntries = arg('long-entries', 10_000_000);
const rows: Row[] = [
  run('1 in flight', 1, 20_000, 10_000),
  run('1000 in flight', 1000, 1_000_000, 100_000),
  run('memory: 1M with compaction', 1000, 1_000_000, 100_000),
  run(`memory: ${longEntries / 1e6}M with compaction`, 1000, longEntries, 100_000),
];

console.log('| run | in flight | entries | s | entries/s | CPU µs/entry | heap MiB | RSS MiB |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) {
  console.log(
    `| ${r.name} | ${r.inflight} | ${r.entries} | ${r.seconds.toFixed(2)} | ${r.entriesPerSecond} | ` +
      `${r.cpuMicrosPerEntry.toFixed(2)} | ${r.heapMiB.toFixed(1)} | ${r.rssMiB.toFixed(1)} |`,
  );
}
const date = new Date().toISOString().slice(0, 10);
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
const file = new URL(`./results/consensus-${date}.json`, import.meta.url);
writeFileSync(file, JSON.stringify({ date, node: process.version, entryBytes, rows }, null, 2));
console.log(`wrote ${file.pathname}`);
