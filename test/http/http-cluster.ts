// HttpCluster: real NodeMachines (MachineCluster: in-memory disk and network, real keys and
// AES-GCM) each wrapped in a NodeService and an HTTP app (createHttpApp), with the apps'
// ForwardChannels wired in memory and a fake clock driving NodeService and forwarding timers.
// Requests go through `inject()` (no sockets); the caller's certificate travels in a test-only
// header that the test `clientCertOf` hook reads (production reads the TLS socket).
import assert from 'node:assert/strict';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { createIdentityCertificate } from '../../src/crypto/certificate-builder.js';
import { generateKeyPair } from '../../src/crypto/ecdsa.js';
import { bytesToBase64, base64ToBytes } from '../../src/crypto/encoding.js';
import type { NodeId } from '../../src/consensus/types.js';
import { loggingEndpoints } from '../../src/apps/logging/logging-app.js';
import { createHttpApp, type HttpApp, type HttpRequest } from '../../src/http/create-http-app.js';
import type { Endpoint } from '../../src/http/endpoint.js';
import type { HttpLimits } from '../../src/http/http-limits.js';
import { addUserCert } from '../../src/http/users.js';
import { NodeService } from '../../src/node/node-service.js';
import { MachineCluster } from '../node/machine-cluster.js';
import { testService } from '../support/identities.js';

/** expectError checks status, the `{"error":{"code","message"}}` shape and the code. */
export function expectError(response: LightMyRequestResponse, status: number, code: string): void {
  assert.equal(response.statusCode, status, response.body);
  assert.match(String(response.headers['content-type']), /^application\/json/);
  const body = response.json() as { error: { code: unknown; message: unknown } };
  assert.equal(body.error.code, code, response.body);
  assert.equal(typeof body.error.message, 'string');
  assert.ok((body.error.message as string).length > 0);
}

/** testCertHeader carries a base64 DER client certificate in in-process tests only. */
export const testCertHeader = 'x-test-client-cert';

/** testClientCertOf is the test hook: the certificate comes from testCertHeader. */
export function testClientCertOf(request: HttpRequest): Uint8Array | null {
  const value = request.headers[testCertHeader];
  return typeof value === 'string' ? base64ToBytes(value) : null;
}

/** FakeTimers: a manual clock; `advance` fires due timers in deadline order. */
export class FakeTimers {
  nowMs = 0;
  private timers: { atMs: number; callback: () => void; live: boolean }[] = [];

  readonly setTimer = (delayMs: number, callback: () => void): (() => void) => {
    const timer = { atMs: this.nowMs + delayMs, callback, live: true };
    this.timers.push(timer);
    return () => {
      timer.live = false;
    };
  };

  advance(ms: number): void {
    this.nowMs += ms;
    const due = this.timers
      .filter((t) => t.live && t.atMs <= this.nowMs)
      .sort((a, b) => a.atMs - b.atMs);
    this.timers = this.timers.filter((t) => t.live && t.atMs > this.nowMs);
    for (const t of due) t.callback();
  }
}

/** TestUser is a user identity: a self-signed certificate, its key and its DER. */
export interface TestUser {
  readonly certPem: string;
  readonly keyPem: string;
  readonly der: Uint8Array;
}

/** createTestUser makes a fresh self-signed user certificate (P-256), as CCF users have. */
export async function createTestUser(name: string): Promise<TestUser> {
  const keys = generateKeyPair();
  const cert = await createIdentityCertificate({
    subjectName: `CN=${name}`,
    privateKey: keys.privateKey,
    notBefore: new Date('2026-01-01T00:00:00Z'),
    notAfter: new Date('2036-01-01T00:00:00Z'),
  });
  return { certPem: cert.pem, keyPem: keys.privateKey.toPem(), der: cert.der };
}

type ForwardHandler = (from: string, payload: Uint8Array) => void;

export interface HttpClusterOptions {
  readonly count: number;
  readonly seed?: number;
  readonly endpoints?: readonly Endpoint[];
  readonly limits?: Partial<HttpLimits>;
  /** tickMs is the fake time one cluster tick advances (default 10). */
  readonly tickMs?: number;
  readonly commitWaitMs?: number;
  /** tlsClientCerts: read client certificates from the TLS socket (real listen), not the header. */
  readonly tlsClientCerts?: boolean;
}

export class HttpCluster {
  readonly machines: MachineCluster;
  readonly timers = new FakeTimers();
  readonly services = new Map<NodeId, NodeService>();
  readonly apps = new Map<NodeId, HttpApp>();
  /** cut: forwarded messages to or from these nodes are dropped. */
  readonly cut = new Set<NodeId>();
  private readonly handlers = new Map<NodeId, ForwardHandler>();
  private forwardQueue: { from: NodeId; to: NodeId; payload: Uint8Array }[] = [];
  private readonly tickMs: number;

  private constructor(machines: MachineCluster, tickMs: number) {
    this.machines = machines;
    this.tickMs = tickMs;
  }

  static async create(options: HttpClusterOptions): Promise<HttpCluster> {
    const service = await testService();
    const cluster = new HttpCluster(
      new MachineCluster(service, options.count, options.seed ?? 1),
      options.tickMs ?? 10,
    );
    for (const id of cluster.machines.ids) cluster.addNode(id, options);
    cluster.machines.primary();
    return cluster;
  }

  private addNode(id: NodeId, options: HttpClusterOptions): void {
    const machine = this.machines.machines.get(id)!;
    const identity = this.machines.identities.get(id)!;
    const nodeService = new NodeService(
      machine,
      { nowMs: () => this.timers.nowMs, setTimer: this.timers.setTimer },
      options.commitWaitMs ?? 10_000,
    );
    this.services.set(id, nodeService);
    const channel = {
      send: (to: string, payload: Uint8Array): boolean => {
        if (!this.machines.machines.has(to)) return false;
        this.forwardQueue.push({ from: id, to, payload });
        return true;
      },
      onMessage: (handler: ForwardHandler): void => {
        this.handlers.set(id, handler);
      },
    };
    const app = createHttpApp(
      {
        service: nodeService,
        forwardChannel: options.count > 1 ? channel : null,
        setTimer: this.timers.setTimer,
        nodeAddress: (nodeId) => `node-${this.machines.ids.indexOf(nodeId)}.test:443`,
      },
      {
        tls: { keyPem: identity.privateKey.toPem(), certPem: identity.certPem },
        serviceCertPem: this.machines.service.serviceCertPem,
        endpoints: options.endpoints ?? loggingEndpoints(),
        ...(options.tlsClientCerts === true ? {} : { clientCertOf: testClientCertOf }),
        ...(options.limits === undefined ? {} : { limits: options.limits }),
      },
    );
    this.apps.set(id, app);
  }

  get ids(): readonly NodeId[] {
    return this.machines.ids;
  }

  primaryId(): NodeId {
    return this.machines.primary().id;
  }

  backupIds(): NodeId[] {
    const primary = this.primaryId();
    return this.ids.filter((id) => id !== primary);
  }

  /** tick advances consensus one tick, delivers forwarded messages and advances the clock. */
  tick(): void {
    this.machines.tick();
    const batch = this.forwardQueue;
    this.forwardQueue = [];
    for (const { from, to, payload } of batch) {
      if (this.cut.has(from) || this.cut.has(to)) continue;
      this.handlers.get(to)?.(from, payload);
    }
    this.timers.advance(this.tickMs);
  }

  /** settle ticks the cluster until `promise` settles (at most `ticksMax` ticks). */
  async settle<T>(promise: Promise<T>, ticksMax = 5000): Promise<T> {
    let done = false;
    void promise.then(
      () => {
        done = true;
      },
      () => {
        done = true;
      },
    );
    for (let i = 0; i < ticksMax && !done; i++) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (!done) this.tick();
    }
    return promise;
  }

  /** request injects a request at node `id` as `user` (no certificate when null). */
  request(
    id: NodeId,
    options: InjectOptions,
    user: TestUser | null,
  ): Promise<LightMyRequestResponse> {
    const app = this.apps.get(id)!;
    const headers: Record<string, string> = {
      ...(options.headers as Record<string, string> | undefined),
    };
    if (user !== null) headers[testCertHeader] = bytesToBase64(user.der);
    return this.settle(app.inject({ ...options, headers }));
  }

  /** addUser records `user` in the users table through the primary and waits for its commit. */
  async addUser(user: TestUser): Promise<string> {
    const primary = this.services.get(this.primaryId())!;
    const outcome = await this.settle(
      primary.write((tx) => addUserCert(tx, user.certPem), { waitForCommit: true }),
    );
    for (let i = 0; i < 20; i++) this.tick();
    return outcome.result;
  }

  async close(): Promise<void> {
    for (const app of this.apps.values()) await app.close();
  }
}
