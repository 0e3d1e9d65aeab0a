// create-http-app.ts: the HTTPS client API of one node (DESIGN §8): a fastify instance serving
// HTTP/1.1 and HTTP/2 over TLS 1.3 only, with per-endpoint authentication, JSON schema validation
// of every request part, one error shape, request forwarding to the primary, CCF's framework
// endpoints and the apps' endpoints. The instance is NOT listening: the runtime calls `listen`.
import type { Http2SecureServer, Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import { Ajv } from 'ajv';
import {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  fastify,
  type RouteGenericInterface,
} from 'fastify';
import { ConsortError } from '../ds/errors.js';
import type { NodeService } from '../node/node-service.js';
import { authenticate, type AuthPolicy, type Caller } from './auth.js';
import { tlsClientCertificate } from './client-cert.js';
import { Dispatcher } from './dispatch.js';
import { type Endpoint, EndpointRegistry } from './endpoint.js';
import { errorResponse, type HttpResponse, toErrorResponse } from './errors.js';
import { decodeForwarded, encodeForwarded } from './forward-codec.js';
import { type ForwardChannel, Forwarder, type SetTimer } from './forwarder.js';
import { type FrameworkContext, frameworkRoutes } from './framework-routes.js';
import { checkHttpLimits, type HttpLimits, httpLimitsDefault } from './http-limits.js';
import { HttpCounters } from './metrics.js';
import { querySchemaOf } from './route-schema.js';
import { isUserInState } from './users.js';

/** HttpApp is the fastify instance createHttpApp returns (HTTP/2 secure server, HTTP/1.1 too). */
export type HttpApp = FastifyInstance<Http2SecureServer, Http2ServerRequest, Http2ServerResponse>;
/** HttpRequest is a request of an HttpApp. */
export type HttpRequest = FastifyRequest<
  RouteGenericInterface,
  Http2SecureServer,
  Http2ServerRequest
>;
type HttpReply = FastifyReply<
  RouteGenericInterface,
  Http2SecureServer,
  Http2ServerRequest,
  Http2ServerResponse
>;

/** HttpAppDeps are the node's parts the API calls. */
export interface HttpAppDeps {
  readonly service: NodeService;
  /** forwardChannel reaches the other nodes; null for a single node (never forwards). */
  readonly forwardChannel: ForwardChannel | null;
  /** setTimer arms forwarding timeouts (src/io's timer in production, a fake one in tests). */
  readonly setTimer: SetTimer;
  /** nodeAddress is a node's client RPC address `host:port` (for /node/primary redirects). */
  readonly nodeAddress?: (nodeId: string) => string | null;
  /** serviceStatus reads the service status from governance (`Open` until governance exists). */
  readonly serviceStatus?: () => string;
}

/** HttpAppOptions configure one node's API; security-relevant settings are spelled out. */
export interface HttpAppOptions {
  /** tls is this node's server key and certificate (PEM; the node cert endorsed by the service). */
  readonly tls: { readonly keyPem: string; readonly certPem: string };
  /** serviceCertPem is the service certificate (reported by /node/network). */
  readonly serviceCertPem: string;
  /** endpoints are the apps' endpoints (e.g. loggingEndpoints()). */
  readonly endpoints: readonly Endpoint[];
  readonly limits?: Partial<HttpLimits>;
  /** version is reported by /node/version and /app/api. */
  readonly version?: string;
  /** logger enables fastify's pino logger (off by default). */
  readonly logger?: boolean;
  /**
   * clientCertOf overrides where the caller's certificate comes from. Production leaves it unset
   * (the TLS socket); in-process tests (`inject`, which has no TLS) pass one.
   */
  readonly clientCertOf?: (request: HttpRequest) => Uint8Array | null;
}

const methods = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'] as const;

/**
 * createHttpApp builds the API of one node. Also registers, when `deps.forwardChannel` is given,
 * the handler answering requests other nodes forward here. Closing the app settles every pending
 * forward. Throws nothing for bad input (errors become responses); asserts its limits.
 */
export function createHttpApp(deps: HttpAppDeps, options: HttpAppOptions): HttpApp {
  const limits: HttpLimits = Object.freeze({ ...httpLimitsDefault, ...options.limits });
  checkHttpLimits(limits);
  const app = buildServer(options, limits);
  const registry = new EndpointRegistry();
  registry.addAll(options.endpoints);
  const forwarder =
    deps.forwardChannel === null
      ? null
      : new Forwarder(
          { channel: deps.forwardChannel, setTimer: deps.setTimer },
          { timeoutMs: limits.forwardTimeoutMs, inFlightCountMax: limits.forwardsInFlightCountMax },
        );
  if (forwarder !== null) {
    deps.service.machine.addListener((event) => {
      if (event.type === 'role') forwarder.primaryChanged(event.primary);
    });
  }
  const counters = new HttpCounters();
  const dispatcher = new Dispatcher({
    service: deps.service,
    forwarder,
    reportError: (error) => app.log.error({ err: error }, 'endpoint failed unexpectedly'),
  });
  const auth = new RequestAuthenticator(app, deps.service, options.clientCertOf ?? tlsClientCertificate);
  installErrorHandling(app, counters);
  const context: FrameworkContext = {
    service: deps.service,
    forwarder,
    counters,
    registry,
    serviceCertPem: options.serviceCertPem,
    version: options.version ?? '0.1.0',
    nodeAddress: deps.nodeAddress ?? (() => null),
    serviceStatus: deps.serviceStatus ?? (() => 'Open'),
  };
  for (const route of frameworkRoutes) {
    app.route({
      method: 'GET',
      url: route.path,
      onRequest: auth.hook(route.auth),
      handler: (request, reply) => {
        send(reply, route.handler(context, queryOf(request)));
      },
    });
  }
  for (const endpoint of registry.list()) addEndpointRoute(app, endpoint, auth, dispatcher);
  if (deps.forwardChannel !== null && forwarder !== null) {
    serveForwarded(deps.forwardChannel, forwarder, dispatcher, registry, counters, app);
  }
  app.addHook('onClose', async () => forwarder?.close());
  return app;
}

/** buildServer creates the fastify instance with every security-relevant option spelled out. */
function buildServer(options: HttpAppOptions, limits: HttpLimits): HttpApp {
  const app = fastify({
    http2: true,
    https: {
      allowHTTP1: true,
      key: options.tls.keyPem,
      cert: options.tls.certPem,
      minVersion: 'TLSv1.3',
      maxVersion: 'TLSv1.3',
      // Client certificates are requested but NOT verified against a CA: user certificates are
      // self-signed (as in CCF); the user_cert policy checks them against the users table.
      requestCert: true,
      rejectUnauthorized: false,
    },
    bodyLimit: limits.requestBodyBytesMax,
    connectionTimeout: limits.connectionTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    http2SessionTimeout: limits.http2SessionTimeoutMs,
    routerOptions: { maxParamLength: 256 },
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    // Closing and client errors answer in our error shape (below), not fastify's defaults.
    return503OnClosing: false,
    clientErrorHandler: answerClientError,
    logger: options.logger ?? false,
  });
  let closing = false;
  app.addHook('onClose', async () => {
    closing = true;
  });
  // Callback-style (not async) hooks: an async hook costs a promise and a microtask per request.
  app.addHook('onRequest', (_request, reply, done) => {
    if (!closing) {
      done();
      return;
    }
    const r = errorResponse('NodeClosing', 'the node is shutting down; retry at another node');
    reply.code(r.status).headers({ ...r.headers, connection: 'close' }).send(r.body);
  });
  applyHttp1Timeouts(app.server, limits);
  setValidators(app);
  // Request bodies are JSON only: without its text/plain parser fastify answers 415 to the rest.
  app.removeContentTypeParser('text/plain');
  return app;
}

/** callerSlot is the request property (declared with decorateRequest) holding the caller. */
const callerSlot = 'consortCaller';
type RequestWithCaller = HttpRequest & { [callerSlot]: Caller | null };

/**
 * RequestAuthenticator runs an endpoint's auth policy in the route's onRequest hook — before the
 * body is read or validated, so an unauthenticated caller gets 401 and costs no parsing — and
 * remembers the caller for the handler (in a request property declared once, so every request
 * keeps one shape; no side table).
 */
class RequestAuthenticator {
  constructor(
    app: HttpApp,
    private readonly service: NodeService,
    private readonly clientCertOf: (request: HttpRequest) => Uint8Array | null,
  ) {
    app.decorateRequest(callerSlot, null);
  }

  /** hook is a callback-style onRequest hook (no promise per request); failures go to `done`. */
  hook(
    policy: AuthPolicy,
  ): (request: HttpRequest, reply: HttpReply, done: (error?: Error) => void) => void {
    // The users table of the latest state, read without a transaction (one map lookup).
    const isUserNow = (id: string): boolean =>
      isUserInState(this.service.machine.ledger.store, id);
    return (request, _reply, done) => {
      let caller: Caller;
      try {
        const certDer = policy === 'no_auth' ? null : this.clientCertOf(request);
        caller = authenticate(policy, certDer, isUserNow);
      } catch (error) {
        done(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      (request as RequestWithCaller)[callerSlot] = caller;
      done();
    };
  }

  callerOf(request: HttpRequest): Caller {
    const caller = (request as RequestWithCaller)[callerSlot];
    if (caller === null) throw new Error('onRequest authenticates every request first');
    return caller;
  }
}

function addEndpointRoute(
  app: HttpApp,
  endpoint: Endpoint,
  auth: RequestAuthenticator,
  dispatcher: Dispatcher,
): void {
  app.route({
    method: endpoint.method,
    url: endpoint.path,
    schema: {
      querystring: querySchemaOf(endpoint),
      ...(endpoint.schema?.params === undefined ? {} : { params: endpoint.schema.params }),
      ...(endpoint.schema?.body === undefined ? {} : { body: endpoint.schema.body }),
    },
    onRequest: auth.hook(endpoint.auth),
    // Not async: a local read is answered synchronously (no promise, no microtask).
    handler: (request, reply) => {
      const response = dispatcher.handle(endpoint, {
        params: (request.params ?? {}) as Record<string, string>,
        query: queryOf(request),
        body: request.body,
        caller: auth.callerOf(request),
      });
      // Returns nothing (or a promise of nothing) once sent: returning `reply`, a thenable, would
      // make the promise adopt `reply.then` (a stream-finished listener and a tick per request).
      if (!(response instanceof Promise)) {
        send(reply, response);
        return undefined;
      }
      return response.then((answer) => {
        send(reply, answer);
      });
    },
  });
}

function queryOf(request: HttpRequest): Readonly<Record<string, unknown>> {
  const query = request.query;
  return typeof query === 'object' && query !== null ? (query as Record<string, unknown>) : {};
}

/** send writes `response` to the client (the body is JSON text, or empty). */
function send(reply: HttpReply, response: HttpResponse): void {
  reply.code(response.status).headers(response.headers);
  reply.send(response.body === '' ? undefined : response.body);
}

/**
 * applyHttp1Timeouts bounds slow clients on HTTP/1.1 connections (slow-loris): node's HTTP/2
 * server hands HTTP/1.1 connections (allowHTTP1) to the HTTP/1 machinery, which reads these
 * fields from the server object. HTTP/2 sessions are bounded by http2SessionTimeout.
 */
function applyHttp1Timeouts(server: Http2SecureServer, limits: HttpLimits): void {
  const http1 = server as unknown as {
    headersTimeout: number;
    requestTimeout: number;
    keepAliveTimeout: number;
    connectionsCheckingInterval: number;
  };
  http1.headersTimeout = limits.headersTimeoutMs;
  http1.requestTimeout = limits.requestTimeoutMs;
  http1.keepAliveTimeout = limits.keepAliveTimeoutMs;
  // Node enforces the two timeouts above only when it checks connections, every 30 s by default
  // (read at listen time): check often enough that the configured bound is the real one.
  http1.connectionsCheckingInterval = Math.max(100, Math.min(1000, limits.headersTimeoutMs / 4));
}

/** answerClientError answers a broken or too slow HTTP/1.1 client in our error shape, then closes. */
function answerClientError(error: Error & { code?: string }, socket: import('node:net').Socket): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const timeout = error.code === 'ERR_HTTP_REQUEST_TIMEOUT';
  const r = timeout
    ? errorResponse('RequestTimeout', 'the request was not received in time')
    : errorResponse('InvalidInput', 'malformed HTTP request');
  const body = Buffer.from(r.body);
  const reason = timeout ? 'Request Timeout' : 'Bad Request';
  socket.end(
    `HTTP/1.1 ${r.status} ${reason}\r\ncontent-type: ${r.headers['content-type']}\r\n` +
      `content-length: ${body.length}\r\nconnection: close\r\n\r\n${r.body}`,
  );
}

/**
 * setValidators: request bodies are validated strictly (no type coercion, no defaults, nothing
 * removed: `{"id":"5"}` is not an integer), while querystrings and path parameters, which are
 * always strings on the wire, are coerced to the schema's types (`?id=5`, `?wait_for_commit=true`).
 */
function setValidators(app: HttpApp): void {
  const strict = new Ajv({
    coerceTypes: false,
    useDefaults: false,
    removeAdditional: false,
    allErrors: false,
  });
  const coercing = new Ajv({
    coerceTypes: true,
    useDefaults: true,
    removeAdditional: false,
    allErrors: false,
  });
  app.setValidatorCompiler(({ schema, httpPart }) =>
    (httpPart === 'body' ? strict : coercing).compile(schema as object),
  );
}

/** fastifyErrorResponse maps fastify's errors (parsing, limits, validation) to the catalogue. */
function fastifyErrorResponse(error: FastifyError): HttpResponse | null {
  if (error.validation !== undefined) {
    // fastify's message already names the part: "body must have required property 'msg'".
    return errorResponse('InvalidInput', error.message);
  }
  switch (error.statusCode) {
    case 400:
      return errorResponse('InvalidInput', error.message);
    case 404:
      return errorResponse('ResourceNotFound', error.message);
    case 413:
      return errorResponse('RequestBodyTooLarge', error.message);
    case 415:
      return errorResponse('UnsupportedContentType', error.message);
    default:
      return null;
  }
}

function installErrorHandling(app: HttpApp, counters: HttpCounters): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof ConsortError) return send(reply, toErrorResponse(error));
    const mapped = fastifyErrorResponse(error);
    if (mapped !== null) return send(reply, mapped);
    request.log.error({ err: error }, 'request failed unexpectedly');
    return send(reply, toErrorResponse(error));
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    const allowed = methods.filter((method) => app.findRoute({ method, url: path }) !== null);
    if (allowed.length > 0) {
      return send(
        reply,
        errorResponse('UnsupportedHttpVerb', `${request.method} is not allowed on ${path}`, {
          headers: { allow: allowed.join(', ') },
        }),
      );
    }
    return send(
      reply,
      errorResponse('ResourceNotFound', `unknown path: ${request.method} ${path}`),
    );
  });
  app.addHook('onResponse', (_request, reply, done) => {
    counters.countResponse(reply.statusCode);
    done();
  });
}

/** serveForwarded answers requests forwarded here and routes responses to the forwarder. */
function serveForwarded(
  channel: ForwardChannel,
  forwarder: Forwarder,
  dispatcher: Dispatcher,
  registry: EndpointRegistry,
  counters: HttpCounters,
  app: HttpApp,
): void {
  channel.onMessage((from, payload) => {
    let message: ReturnType<typeof decodeForwarded>;
    try {
      message = decodeForwarded(payload);
    } catch (error) {
      if (!(error instanceof ConsortError)) throw error;
      counters.forwardMalformed++;
      return;
    }
    if (message.kind === 'response') {
      forwarder.onResponse(from, message.id, message.response);
      return;
    }
    counters.forwardedIn++;
    const id = message.id;
    const answer = dispatcher.handleForwarded(registry, message.request).catch((error: unknown) => {
      app.log.error({ err: error }, 'forwarded request failed unexpectedly');
      return toErrorResponse(error);
    });
    void answer.then((response) => {
      let bytes: Uint8Array;
      try {
        bytes = encodeForwarded({ kind: 'response', id, response });
      } catch (error) {
        app.log.error({ err: error }, 'forwarded response does not encode');
        bytes = encodeForwarded({ kind: 'response', id, response: toErrorResponse(error) });
      }
      channel.send(from, bytes);
    });
  });
}
