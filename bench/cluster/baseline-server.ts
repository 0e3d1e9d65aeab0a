// baseline-server.ts: the read ceilings, run as a separate process (`node --import tsx
// bench/cluster/baseline-server.ts <bare|fastify> <port> <workspace-node-dir>`): an HTTPS server
// answering every request with a constant JSON body the size of a logging read (`{"msg": 256
// bytes}`), with the TLS setup of a Consort node (its key and certificate, TLS 1.3 only, client
// certificate requested but not verified against a CA). `bare` is node:https; `fastify` is
// fastify configured like Consort's API (HTTP/2 with HTTP/1.1 allowed). Prints `ready <port>`.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { join } from 'node:path';
import { fastify } from 'fastify';

const [kind, portText, dir] = process.argv.slice(2);
if ((kind !== 'bare' && kind !== 'fastify') || portText === undefined || dir === undefined) {
  console.error('usage: baseline-server.ts <bare|fastify> <port> <workspace-node-dir>');
  process.exit(2);
}
const port = Number(portText);
const tls = {
  key: readFileSync(join(dir, 'node_privk.pem'), 'utf8'),
  cert: readFileSync(join(dir, 'node_cert.pem'), 'utf8'),
  minVersion: 'TLSv1.3' as const,
  maxVersion: 'TLSv1.3' as const,
  requestCert: true,
  rejectUnauthorized: false,
};
const body = JSON.stringify({ msg: 'v'.repeat(256) });
const stop = (close: () => Promise<unknown>): void => {
  const exit = (): void => {
    void close().finally(() => process.exit(0));
  };
  process.once('SIGINT', exit);
  process.once('SIGTERM', exit);
};

if (kind === 'bare') {
  const server = createServer(tls, (_request, response) => {
    response.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
    });
    response.end(body);
  });
  server.keepAliveTimeout = 30_000;
  server.listen(port, '127.0.0.1', () => console.log(`ready ${port}`));
  stop(() => new Promise((resolve) => server.close(resolve)));
} else {
  const app = fastify({ http2: true, https: { allowHTTP1: true, ...tls }, logger: false });
  app.get('/app/log/public', async (_request, reply) =>
    reply.header('content-type', 'application/json').send(body),
  );
  await app.listen({ port, host: '127.0.0.1' });
  console.log(`ready ${port}`);
  stop(() => app.close());
}
