// NodeRuntime: the composition root of one real node — ledger files, mutual-TLS transport, timers,
// the NodeMachine and the NodeService — built from a workspace and frozen options (STYLE rule 15).
import { decodeRaftMessage, encodeRaftMessage } from '../../codec/raft-wire.js';
import { FrameKind } from '../../codec/frame.js';
import type { Configuration, NodeId, RaftMessage } from '../../consensus/types.js';
import { PrivateKey, signSha256 } from '../../crypto/ecdsa.js';
import { utf8 } from '../../crypto/encoding.js';
import { ConsortError } from '../../ds/errors.js';
import { createLedgerFiles, type LedgerFiles } from '../../io/ledger-files.js';
import type { Logger } from '../../io/logger.js';
import { createNodeTransport, type NodeTransport } from '../../io/node-transport.js';
import { CryptoRng, every, nextTurn, nowMs, setTimer } from '../../io/system.js';
import { ledgerFileFormat } from '../../ledger/chunking.js';
import { LedgerSecret } from '../../ledger/ledger-secret.js';
import { bytesToJson } from '../../kv/values.js';
import { isGenesisDone, NODES_INFO, type NodeInfoRecord, writeGenesis } from '../../node/gov-tables.js';
import { reconcileMembership } from '../../node/join.js';
import { NodeMachine } from '../../node/node-machine.js';
import { NodeService } from '../../node/node-service.js';
import type { Workspace } from './workspace.js';

/** GenesisNode is a founding node: its identity and addresses (written into nodes.info). */
export interface GenesisNode {
  readonly id: NodeId;
  readonly certPem: string;
  readonly nodeAddress: string;
  readonly rpcAddress: string;
}

/** TimingOptions are real-time intervals; the runtime converts them to ticks of `tickMs`. */
export interface TimingOptions {
  readonly tickMs: number;
  readonly electionTimeoutMsMin: number;
  readonly electionTimeoutMsMax: number;
  readonly heartbeatIntervalMs: number;
  readonly signatureIntervalMs: number;
  readonly signatureIntervalTxCount: number;
  readonly snapshotIntervalTxCount: number;
}

/** defaultTiming follows DESIGN §10: elections 1000–2000 ms, heartbeats 100 ms. */
export const defaultTiming: TimingOptions = Object.freeze({
  tickMs: 10,
  electionTimeoutMsMin: 1000,
  electionTimeoutMsMax: 2000,
  heartbeatIntervalMs: 100,
  signatureIntervalMs: 50,
  signatureIntervalTxCount: 5000,
  snapshotIntervalTxCount: 100_000,
});

export interface NodeRuntimeOptions {
  readonly workspace: Workspace;
  /** The founding nodes (same list on every founder); null for a node that joined. */
  readonly genesisNodes: readonly GenesisNode[] | null;
  /** Where to reach other nodes before public:ccf.gov.nodes.info says (founders: genesisNodes). */
  readonly bootstrapPeers: readonly { readonly id: NodeId; readonly nodeAddress: string }[];
  /** Admit joiners without governance (sandbox only; becomes a governance action). */
  readonly trustJoiners: boolean;
  readonly host: string;
  readonly nodePort: number;
  readonly timing: TimingOptions;
  readonly logger: Logger;
}

/** ForwardPort carries forwarded client requests between nodes (kinds 3 and 4 of wire v1). */
export interface ForwardPort {
  send(to: NodeId, kind: 'request' | 'response', payload: Uint8Array): boolean;
  onMessage(handler: (from: NodeId, kind: 'request' | 'response', payload: Uint8Array) => void): void;
}

/** NodeRuntime is a running node. */
export interface NodeRuntime {
  readonly service: NodeService;
  readonly machine: NodeMachine;
  readonly nodePort: number;
  readonly forward: ForwardPort;
  readonly ledger: LedgerFiles;
  close(): Promise<void>;
}

function ticks(ms: number, tickMs: number): number {
  return Math.max(1, Math.round(ms / tickMs));
}

function parseAddress(address: string): { host: string; port: number } {
  const i = address.lastIndexOf(':');
  return { host: address.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(address.slice(i + 1)) };
}

/** createNodeRuntime opens the ledger, starts the transport and the node, and ticks it. */
export async function createNodeRuntime(options: NodeRuntimeOptions): Promise<NodeRuntime> {
  const { workspace, timing, logger } = options;
  const ledger = await createLedgerFiles({
    dir: workspace.ledgerDir,
    format: ledgerFileFormat,
    log: (message) => logger.log('warn', message, { event: 'ledger' }),
  });
  const persisted = ledger.load();
  const transport = await createNodeTransport({
    nodeId: workspace.node.id,
    keyPem: workspace.node.keyPem,
    certPem: workspace.node.certPem,
    serviceCertPem: workspace.service.certPem,
    listenHost: options.host,
    listenPort: options.nodePort,
    logger: (event) => logger.log(event.level === 'warn' ? 'warn' : 'debug', event.event, { ...event }),
  });
  const nodeKey = PrivateKey.fromPem(workspace.node.keyPem);
  const genesisCerts = new Map((options.genesisNodes ?? []).map((n) => [n.id, n.certPem]));
  const genesis: Configuration | null =
    options.genesisNodes === null ? null : { voters: options.genesisNodes.map((n) => n.id), learners: [] };
  // Declared before the machine so the cert lookup can read the store once it exists.
  let machine: NodeMachine | null = null;
  const nodeCertPem = (id: NodeId): string | null => {
    const row = machine?.ledger.store.begin().map(NODES_INFO).get(utf8(id));
    if (row !== undefined) return (bytesToJson(row) as NodeInfoRecord).cert;
    return genesisCerts.get(id) ?? null;
  };
  // Declared before the machine: the storage adapter feeds the node metrics.
  let metrics: NodeService['metrics'] | null = null;
  let lastView = -1;
  const storage = {
    persist: (work: Parameters<LedgerFiles['persist']>[0], done: (error: Error | null) => void) => {
      const startedMs = nowMs();
      let bytes = 0;
      for (const e of work.entries) bytes += e.data.byteLength;
      ledger.persist(work, (error) => {
        metrics?.fsyncLatencyMs.observe(nowMs() - startedMs);
        if (metrics !== null) metrics.ledgerBytes += bytes;
        done(error);
      });
    },
    committed: (seqno: number) => ledger.committed(seqno),
    snapshot: (snapshot: Parameters<LedgerFiles['snapshot']>[0]) => ledger.snapshot(snapshot),
  };
  machine = new NodeMachine(
    {
      rng: new CryptoRng(),
      storage,
      schedule: nextTurn,
      transport: {
        send: (to: NodeId, message: RaftMessage) => {
          transport.send(to, FrameKind.raft, encodeRaftMessage(message));
        },
      },
      signer: { nodeId: workspace.node.id, sign: (preimage) => signSha256(nodeKey, preimage) },
      secret: new LedgerSecret(workspace.ledgerSecret),
      nodeCertPem,
      event: (event) => {
        if (event.type === 'role') {
          if (event.view !== lastView && metrics !== null) metrics.viewChanges++;
          lastView = event.view;
          logger.log('info', 'role changed', { ...event });
        }
        if (event.type === 'snapshot') logger.log('info', 'snapshot taken', { seqno: event.seqno });
      },
    },
    {
      raft: {
        id: workspace.node.id,
        electionTimeoutTicksMin: ticks(timing.electionTimeoutMsMin, timing.tickMs),
        electionTimeoutTicksMax: ticks(timing.electionTimeoutMsMax, timing.tickMs),
        heartbeatIntervalTicks: ticks(timing.heartbeatIntervalMs, timing.tickMs),
        signatureIntervalTxCount: timing.signatureIntervalTxCount,
        signatureIntervalTicks: ticks(timing.signatureIntervalMs, timing.tickMs),
        inflightBytesMax: 8 * 1024 * 1024,
        appendEntriesBytesMax: 1024 * 1024,
        proposalQueueCountMax: 50_000,
        preVote: true,
        checkQuorum: true,
      },
      snapshotIntervalTxCount: timing.snapshotIntervalTxCount,
    },
    { persisted, genesis },
  );
  const running = machine;
  const service = new NodeService(running, { nowMs, setTimer });
  metrics = service.metrics;
  const forwardHandlers: ((from: NodeId, kind: 'request' | 'response', payload: Uint8Array) => void)[] =
    [];
  transport.onMessage((from, kind, payload) => {
    if (kind === FrameKind.raft) {
      let message: RaftMessage;
      try {
        message = decodeRaftMessage(payload);
      } catch (error) {
        if (!(error instanceof ConsortError)) throw error;
        logger.log('warn', 'undecodable raft message', { from, error: error.message });
        return;
      }
      const result = running.receive(from, message);
      if (!result.ok) logger.log('debug', 'raft message rejected', { from, reason: result.reason });
      return;
    }
    const forwardKind = kind === FrameKind.forwardedRequest ? 'request' : 'response';
    if (kind !== FrameKind.forwardedRequest && kind !== FrameKind.forwardedResponse) return;
    for (const handler of forwardHandlers) handler(from, forwardKind, payload);
  });

  // Peers come from the genesis list, then from public:ccf.gov.nodes.info as it changes.
  let peersVersion = -1;
  const refreshPeers = (): void => {
    const map = running.ledger.store.getMap(NODES_INFO);
    const version = map?.version ?? 0;
    if (version === peersVersion) return;
    peersVersion = version;
    const peers = new Map<NodeId, { host: string; port: number }>();
    for (const n of options.bootstrapPeers) peers.set(n.id, parseAddress(n.nodeAddress));
    running.ledger.store.begin().map(NODES_INFO).forEach((value, key) => {
      const info = bytesToJson(value) as NodeInfoRecord;
      if (info.status !== 'Retired') peers.set(new TextDecoder().decode(key), parseAddress(info.node_address));
    });
    peers.delete(workspace.node.id);
    transport.setPeers(peers);
  };
  refreshPeers();

  let genesisStarted = false;
  const maybeGenesis = (): void => {
    if (genesisStarted || options.genesisNodes === null || !service.isPrimary()) return;
    if (running.core.commitSeqno === 0 || isGenesisDone(running.ledger.store.begin())) return;
    genesisStarted = true;
    const founders = options.genesisNodes;
    service
      .write(
        (tx) =>
          writeGenesis(tx, {
            serviceCertPem: workspace.service.certPem,
            nodes: founders.map((n) => ({
              id: n.id,
              cert: n.certPem,
              status: 'Trusted' as const,
              node_address: n.nodeAddress,
              rpc_address: n.rpcAddress,
            })),
            members: workspace.members,
            users: workspace.users,
          }),
        { waitForCommit: true },
      )
      .then(
        () => logger.log('info', 'genesis transaction committed'),
        (error: unknown) => {
          genesisStarted = false;
          logger.log('warn', 'genesis transaction failed; will retry', { error: String(error) });
        },
      );
  };

  const stopTicking = every(timing.tickMs, () => {
    running.tick();
    refreshPeers();
    maybeGenesis();
    if (options.trustJoiners) reconcileMembership(service, 10 * timing.signatureIntervalTxCount);
  });
  logger.log('info', 'node started', { nodeId: workspace.node.id, nodePort: transport.port });

  return {
    service,
    machine: running,
    nodePort: transport.port,
    ledger,
    forward: {
      send: (to, kind, payload) =>
        transport.send(to, kind === 'request' ? FrameKind.forwardedRequest : FrameKind.forwardedResponse, payload),
      onMessage: (handler) => {
        forwardHandlers.push(handler);
      },
    },
    close: async () => {
      stopTicking();
      running.stop();
      await transport.close();
      await ledger.flush().catch(() => {});
    },
  };
}

export type { NodeTransport };
