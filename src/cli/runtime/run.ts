// run: starts a node (runtime + HTTPS API), prints where it listens and how to call it, and stops
// cleanly on SIGTERM/SIGINT (flush the ledger, close sockets). Shared by `start` and `join`.
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createLogger } from '../../io/logger.js';
import { isGenesisDone } from '../../node/gov-tables.js';
import { createNodeRuntime, type GenesisNode } from './node-runtime.js';
import type { NodeOptions } from './node-options.js';
import { serve } from './serve.js';
import { writeFileAtomic, type Workspace } from './workspace.js';

/** GenesisFile is workspace/genesis.json: the founding nodes (written once, read on restart). */
export interface GenesisFile {
  readonly nodes: readonly GenesisNode[];
}

/** JoinedFile is workspace/joined.json: how a joined node finds its peers on restart. */
export interface JoinedFile {
  readonly peers: readonly { readonly id: string; readonly nodeAddress: string }[];
}

export function readJson<T>(path: string): T | null {
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as T) : null;
}

export function writeJson(path: string, value: unknown): void {
  writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}

function curlExample(workspace: Workspace, port: number): string {
  const rel = relative(process.cwd(), workspace.dir) || '.';
  return [
    `curl --cacert ${rel}/service_cert.pem --cert ${rel}/user0_cert.pem --key ${rel}/user0_privk.pem \\`,
    `  -H 'content-type: application/json' -X POST https://127.0.0.1:${port}/app/log/public \\`,
    `  -d '{"id":1,"msg":"hello"}'`,
    `curl --cacert ${rel}/service_cert.pem --cert ${rel}/user0_cert.pem --key ${rel}/user0_privk.pem \\`,
    `  'https://127.0.0.1:${port}/app/log/public?id=1'`,
  ].join('\n');
}

/** runNode runs until a signal; resolves with the exit code. */
export async function runNode(
  workspace: Workspace,
  options: NodeOptions,
  peers: { readonly genesis: readonly GenesisNode[] | null; readonly bootstrap: JoinedFile['peers'] },
): Promise<number> {
  const logger = createLogger({ node: workspace.node.id.slice(0, 12) }, options.logLevel);
  const runtime = await createNodeRuntime({
    workspace,
    genesisNodes: peers.genesis,
    bootstrapPeers: peers.bootstrap,
    trustJoiners: options.trustJoiners,
    host: options.host,
    nodePort: options.nodePort,
    timing: options.timing,
    logger,
  });
  const app = await serve(runtime, workspace, options);
  const address = app.server.address();
  const rpcPort = typeof address === 'object' && address !== null ? address.port : options.rpcPort;
  console.log(`consort: node ${workspace.node.id} listening rpc=${rpcPort} node=${runtime.nodePort}`);
  const started = Date.now();
  const ready = setInterval(() => {
    const genesisDone = runtime.service.readLocal((tx) => isGenesisDone(tx));
    if (genesisDone && runtime.machine.committedSeqno > 0) {
      clearInterval(ready);
      console.log(`consort: ready after ${Date.now() - started} ms — https://${options.host}:${rpcPort}`);
      console.log(`Service certificate: ${join(workspace.dir, 'service_cert.pem')}`);
      console.log(`Try:\n${curlExample(workspace, rpcPort)}`);
    }
  }, 20);
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string): void => {
      if (stopping) return;
      stopping = true;
      clearInterval(ready);
      logger.log('info', 'stopping', { signal });
      void app
        .close()
        .catch(() => {})
        .then(() => runtime.close())
        .then(
          () => resolve(0),
          (error: unknown) => {
            logger.log('error', 'shutdown failed', { error: String(error) });
            resolve(1);
          },
        );
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}
