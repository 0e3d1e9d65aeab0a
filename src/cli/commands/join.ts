// `consort join --target <host:port> --service-cert <pem>`: a new node asks a running service to
// admit it (POST /node/join), receives its endorsed certificate and the service secrets, then
// starts as a learner, catches up (snapshot + ledger) and is made a voter. A workspace that joined
// before restarts with the same identity and catches up.
import { mkdirSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { generateKeyPair } from '../../crypto/ecdsa.js';
import type { JoinResponse } from '../../node/join.js';
import type { Command } from '../command.js';
import { ConfigError, nodeOptionsHelp, parseNodeOptions } from '../runtime/node-options.js';
import { type JoinedFile, readJson, runNode, writeJson } from '../runtime/run.js';
import { openJoinedWorkspace, writeFileAtomic } from '../runtime/workspace.js';

const HELP = `usage: consort join --target <host:port> --service-cert <pem> [options]

Joins a running service (which must have been started with --trust-joiners until governance
exists). Re-running it on the same workspace restarts the joined node.

${nodeOptionsHelp}
  --target <host:port>       HTTPS address of any node of the service
  --service-cert <pem>       the service certificate (to authenticate the target)`;

function postJson(url: string, body: unknown, caPem: string, redirectsLeft = 3): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const req = request(
      url,
      {
        method: 'POST',
        ca: caPem,
        minVersion: 'TLSv1.3',
        rejectUnauthorized: true,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
        timeout: 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const location = res.headers.location;
          if (res.statusCode === 307 && location !== undefined && redirectsLeft > 0) {
            postJson(location, body, caPem, redirectsLeft - 1).then(resolve, reject);
          } else if (res.statusCode === 200) {
            resolve(JSON.parse(text));
          } else {
            reject(new Error(`join refused: HTTP ${res.statusCode} ${text}`));
          }
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('join request timed out')));
    req.on('error', reject);
    req.end(payload);
  });
}

async function run(args: readonly string[]): Promise<number> {
  let options: ReturnType<typeof parseNodeOptions>;
  try {
    options = parseNodeOptions(args, { join: true });
  } catch (error) {
    console.error(`join: ${error instanceof ConfigError ? error.message : String(error)}\n\n${HELP}`);
    return 2;
  }
  if (options.help) {
    console.log(HELP);
    return 0;
  }
  const dir = options.workspace;
  const joinedPath = join(dir, 'joined.json');
  let joined = readJson<JoinedFile>(joinedPath);
  if (joined === null) {
    mkdirSync(join(dir, 'ledger'), { recursive: true });
    const serviceCertPem = readFileSync(options.serviceCert!, 'utf8');
    const keys = generateKeyPair();
    let response: JoinResponse;
    for (let attempt = 1; ; attempt++) {
      try {
        response = (await postJson(
          `https://${options.target}/node/join`,
          {
            public_key: keys.publicKey.toPem(),
            node_address: `${options.host}:${options.nodePort}`,
            rpc_address: `${options.host}:${options.rpcPort}`,
          },
          serviceCertPem,
        )) as JoinResponse;
        break;
      } catch (error) {
        if (attempt >= 10) {
          console.error(`join: ${error instanceof Error ? error.message : String(error)}`);
          return 1;
        }
        await new Promise((r) => setTimeout(r, 500 * attempt));
      }
    }
    writeFileAtomic(join(dir, 'node_privk.pem'), keys.privateKey.toPem(), 0o600);
    writeFileAtomic(join(dir, 'node_cert.pem'), response.node_cert);
    writeFileAtomic(join(dir, 'service_cert.pem'), response.service_cert);
    writeFileAtomic(join(dir, 'service_privk.pem'), response.service_key, 0o600);
    writeFileAtomic(join(dir, 'ledger_secret'), response.ledger_secret, 0o600);
    joined = { peers: response.peers.map((p) => ({ id: p.id, nodeAddress: p.node_address })) };
    writeJson(joinedPath, joined);
  }
  return runNode(openJoinedWorkspace(dir), options, { genesis: null, bootstrap: joined.peers });
}

export const joinCommand: Command = {
  name: 'join',
  summary: 'join a running service as a new node (or restart a joined node)',
  run,
};
