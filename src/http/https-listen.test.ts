// Goal: on a real socket the API speaks TLS 1.3 only, over HTTP/1.1 and HTTP/2, and authenticates
// users by the client certificate presented in the TLS handshake (self-signed, checked against the
// users table): a listed certificate is served, a missing one gets 401, a TLS 1.2 client fails.
// Method: one real node behind createHttpApp listening on 127.0.0.1:0 (no test certificate hook);
// clients from node:https and node:http2. The server certificate is the node's certificate,
// endorsed by the service: clients trust the service certificate and skip the host name check
// (test certificates carry no IP subjectAltName).
import assert from 'node:assert/strict';
import { request as httpsRequest } from 'node:https';
import { connect as http2Connect } from 'node:http2';
import type { TLSSocket } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { createTestUser, HttpCluster, type TestUser } from '../../test/http/http-cluster.js';
import { httpLimitsDefault } from './http-limits.js';

interface Answer {
  readonly status: number;
  readonly body: string;
  readonly protocol: string | null;
}

describe('HTTPS listener (TLS 1.3, HTTP/1.1 and HTTP/2, client certificates)', () => {
  let cluster: HttpCluster;
  let alice: TestUser;
  let port = 0;
  let ca = '';

  before(async () => {
    cluster = await HttpCluster.create({ count: 1, tlsClientCerts: true });
    alice = await createTestUser('alice');
    await cluster.addUser(alice);
    ca = cluster.machines.service.serviceCertPem;
    const app = cluster.apps.get(cluster.primaryId())!;
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    assert.ok(typeof address === 'object' && address !== null);
    port = address.port;
  });
  after(async () => cluster.close());

  function http1(
    method: string,
    path: string,
    options: { user?: TestUser | null; body?: string; maxVersion?: 'TLSv1.2' | 'TLSv1.3' } = {},
  ): Promise<Answer> {
    const user = options.user === undefined ? alice : options.user;
    return new Promise((resolve, reject) => {
      const req = httpsRequest(
        {
          host: '127.0.0.1',
          port,
          method,
          path,
          ca,
          checkServerIdentity: () => undefined,
          maxVersion: options.maxVersion ?? 'TLSv1.3',
          agent: false,
          ...(user === null ? {} : { key: user.keyPem, cert: user.certPem }),
          headers: options.body === undefined ? {} : { 'content-type': 'application/json' },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              body: Buffer.concat(chunks).toString('utf8'),
              protocol: (res.socket as TLSSocket).getProtocol(),
            }),
          );
        },
      );
      req.on('error', reject);
      req.end(options.body);
    });
  }

  it('HTTP/1.1 over TLS 1.3 with a listed client certificate: write then read', async () => {
    const w = await http1('POST', '/app/log/public', {
      body: JSON.stringify({ id: 1, msg: 'over tls' }),
    });
    assert.equal(w.status, 200, w.body);
    assert.equal(w.protocol, 'TLSv1.3');
    const r = await http1('GET', '/app/log/public?id=1');
    assert.equal(r.status, 200, r.body);
    assert.deepEqual(JSON.parse(r.body), { msg: 'over tls' });
  });

  it('no client certificate → 401; an unlisted one → 401', async () => {
    const none = await http1('GET', '/app/log/public?id=1', { user: null });
    assert.equal(none.status, 401);
    assert.equal(
      (JSON.parse(none.body) as { error: { code: string } }).error.code,
      'InvalidAuthenticationInfo',
    );
    const stranger = await createTestUser('stranger');
    assert.equal((await http1('GET', '/app/log/public?id=1', { user: stranger })).status, 401);
    assert.equal((await http1('GET', '/node/state', { user: null })).status, 200);
  });

  it('slow-loris bounds are set on the server (HTTP/1.1 timeouts, idle socket timeout)', () => {
    const server = cluster.apps.get(cluster.primaryId())!.server as unknown as {
      headersTimeout: number;
      requestTimeout: number;
      keepAliveTimeout: number;
      timeout: number;
    };
    assert.equal(server.headersTimeout, httpLimitsDefault.headersTimeoutMs);
    assert.equal(server.requestTimeout, httpLimitsDefault.requestTimeoutMs);
    assert.equal(server.keepAliveTimeout, httpLimitsDefault.keepAliveTimeoutMs);
    assert.equal(server.timeout, httpLimitsDefault.connectionTimeoutMs);
  });

  it('a TLS 1.2 client cannot connect', async () => {
    await assert.rejects(http1('GET', '/node/state', { maxVersion: 'TLSv1.2' }));
  });

  it('HTTP/2 (ALPN h2) with a client certificate', async () => {
    const session = http2Connect(`https://127.0.0.1:${port}`, {
      ca,
      key: alice.keyPem,
      cert: alice.certPem,
      checkServerIdentity: () => undefined,
    });
    try {
      const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        session.on('error', reject);
        const stream = session.request({ ':method': 'GET', ':path': '/app/log/public?id=1' });
        let status = 0;
        const chunks: Buffer[] = [];
        stream.on('response', (headers) => {
          status = Number(headers[':status']);
        });
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => resolve({ status, body: Buffer.concat(chunks).toString('utf8') }));
        stream.on('error', reject);
        stream.end();
      });
      assert.equal(session.alpnProtocol, 'h2');
      assert.equal(answer.status, 200, answer.body);
      assert.deepEqual(JSON.parse(answer.body), { msg: 'over tls' });
    } finally {
      session.close();
    }
  });
});
