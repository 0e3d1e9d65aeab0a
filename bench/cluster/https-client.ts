// https-client.ts: the keep-alive HTTPS client every HTTPS target is driven with (Consort nodes,
// the bare node:https server, fastify): an undici Pool over TLS 1.3 presenting user0's client
// certificate and verifying the server against the service certificate.
import { Pool } from 'undici';

export interface ClientTls {
  readonly caPem: string;
  readonly certPem: string;
  readonly keyPem: string;
}

/** HttpsTarget sends requests to one origin through a pool of `connections` keep-alive sockets. */
export class HttpsTarget {
  private readonly pool: Pool;

  constructor(
    readonly origin: string,
    tls: ClientTls,
    connections: number,
    timeoutMs = 10_000,
  ) {
    this.pool = new Pool(origin, {
      connections,
      pipelining: 1,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      connect: {
        ca: tls.caPem,
        cert: tls.certPem,
        key: tls.keyPem,
        minVersion: 'TLSv1.3',
        maxVersion: 'TLSv1.3',
      },
    });
  }

  /** get resolves true on 200; rejects with the status and the start of the body otherwise. */
  async get(path: string): Promise<boolean> {
    const { statusCode, body } = await this.pool.request({ path, method: 'GET' });
    if (statusCode === 200) {
      await body.dump();
      return true;
    }
    throw new Error(`GET ${path}: ${statusCode} ${(await body.text()).slice(0, 200)}`);
  }

  /** postJson resolves true on 200; rejects with the status and the start of the body otherwise. */
  async postJson(path: string, json: string): Promise<boolean> {
    const { statusCode, body } = await this.pool.request({
      path,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: json,
    });
    if (statusCode === 200) {
      await body.dump();
      return true;
    }
    throw new Error(`POST ${path}: ${statusCode} ${(await body.text()).slice(0, 200)}`);
  }

  /** status returns the status code of a GET (body discarded); rejects on connection errors. */
  async status(path: string): Promise<number> {
    const { statusCode, body } = await this.pool.request({ path, method: 'GET' });
    await body.dump();
    return statusCode;
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
