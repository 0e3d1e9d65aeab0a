// E2eClient: an HTTPS client of a real cluster (undici, TLS 1.3 only, the workspace's user0 client
// certificate, the service certificate as the only CA). Every call is bounded by a timeout; a
// transport failure (refused, reset, timed out) is an answer with status 0, never a throw, so load
// generators can classify it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Agent, request } from 'undici';

/** Answer is one HTTP outcome; status 0 = no HTTP answer (`transportError` says why). */
export interface Answer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly text: string;
  /** The parsed JSON body, or undefined when the body is not JSON. */
  readonly json: unknown;
  readonly transportError: string | null;
}

export interface CallOptions {
  /** body is sent as JSON (content-type application/json). */
  readonly body?: unknown;
  /** rawBody is sent as is, with `headers` (for malformed or oversized bodies). */
  readonly rawBody?: string | Uint8Array;
  readonly headers?: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
}

/** ClientOptions: `identity` undefined = the workspace's user0, null = no client certificate. */
export interface ClientOptions {
  readonly connections?: number;
  readonly identity?: { readonly certPem: string; readonly keyPem: string } | null;
}

/** errorCodeOf reads `{"error":{"code"}}` from an answer (null when absent). */
export function errorCodeOf(answer: Answer): string | null {
  const body = answer.json as { error?: { code?: unknown } } | undefined;
  return typeof body?.error?.code === 'string' ? body.error.code : null;
}

export class E2eClient {
  readonly serviceCertPem: string;
  private readonly agent: Agent;

  /** `dir` is a workspace holding service_cert.pem, user0_cert.pem and user0_privk.pem. */
  constructor(dir: string, options: ClientOptions = {}) {
    this.serviceCertPem = readFileSync(join(dir, 'service_cert.pem'), 'utf8');
    const identity =
      options.identity === undefined
        ? {
            certPem: readFileSync(join(dir, 'user0_cert.pem'), 'utf8'),
            keyPem: readFileSync(join(dir, 'user0_privk.pem'), 'utf8'),
          }
        : options.identity;
    this.agent = new Agent({
      connections: options.connections ?? 64,
      keepAliveTimeout: 2_000,
      connect: {
        ca: this.serviceCertPem,
        ...(identity === null ? {} : { cert: identity.certPem, key: identity.keyPem }),
        minVersion: 'TLSv1.3',
        maxVersion: 'TLSv1.3',
        rejectUnauthorized: true,
        timeout: 5_000,
      },
    });
  }

  /** call sends one request to 127.0.0.1:`port`; never throws for network failures. */
  async call(method: 'GET' | 'POST' | 'DELETE', port: number, path: string, options: CallOptions = {}): Promise<Answer> {
    const timeoutMs = options.timeoutMs ?? 10_000;
    const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    const headers = options.headers ?? (options.body === undefined ? {} : { 'content-type': 'application/json' });
    try {
      const res = await request(`https://127.0.0.1:${port}${path}`, {
        dispatcher: this.agent,
        method,
        headers,
        ...(body === undefined ? {} : { body }),
        signal: AbortSignal.timeout(timeoutMs),
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      const text = await res.body.text();
      let json: unknown;
      try {
        json = text === '' ? undefined : JSON.parse(text);
      } catch {
        json = undefined;
      }
      const answerHeaders: Record<string, string> = {};
      for (const [name, value] of Object.entries(res.headers)) {
        if (typeof value === 'string') answerHeaders[name] = value;
      }
      return { status: res.statusCode, headers: answerHeaders, text, json, transportError: null };
    } catch (error) {
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      return { status: 0, headers: {}, text: '', json: undefined, transportError: message };
    }
  }

  /** write records `msg` under `id` in the logging app and waits for its commit. */
  write(port: number, id: number, msg: string, timeoutMs = 10_000): Promise<Answer> {
    return this.call('POST', port, '/app/log/public?wait_for_commit=true', { body: { id, msg }, timeoutMs });
  }

  /** read reads `id` from the logging app (`linearizable` goes through the primary). */
  read(port: number, id: number, consistency: 'local' | 'linearizable', timeoutMs = 10_000): Promise<Answer> {
    return this.call('GET', port, `/app/log/public?id=${id}&consistency=${consistency}`, { timeoutMs });
  }

  async close(): Promise<void> {
    await this.agent.destroy();
  }
}
