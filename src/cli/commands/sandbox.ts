// `consort sandbox -n 3`: a local service of n nodes on loopback, one process and one workspace
// each (sharing one service identity, like CCF's sandbox.sh). Ctrl-C stops them all by PID.
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Command } from '../command.js';
import type { GenesisNode } from '../runtime/node-runtime.js';
import { type GenesisFile, readJson, writeJson } from '../runtime/run.js';
import { createNodeIdentity, openServiceWorkspace } from '../runtime/workspace.js';

const HELP = `usage: consort sandbox [-n <count>] [--workspace <dir>] [--port <base>] [--election-timeout-ms <n>]

Starts a service of <count> nodes (default 3) on 127.0.0.1: node i serves HTTPS on base+i and the
node-to-node channel on base+1000+i; workspaces are <dir>/node<i> (default ./workspace/sandbox).
Re-running reuses the workspaces and their ledgers. Ctrl-C stops every node cleanly.`;

/** sandboxSharedFiles are the workspace files every node of a sandbox shares (one service). */
export const sandboxSharedFiles: readonly string[] = [
  'service_cert.pem',
  'service_privk.pem',
  'ledger_secret',
  'member0_cert.pem',
  'member0_privk.pem',
  'user0_cert.pem',
  'user0_privk.pem',
];

async function prepare(base: string, count: number, port: number): Promise<GenesisNode[]> {
  const first = await openServiceWorkspace(join(base, 'node0'));
  const existing = readJson<GenesisFile>(join(first.dir, 'genesis.json'));
  if (existing !== null && existing.nodes.length === count) return [...existing.nodes];
  if (existing !== null) throw new Error(`${base} holds a ${existing.nodes.length}-node sandbox`);
  const nodes: GenesisNode[] = [];
  for (let i = 0; i < count; i++) {
    const dir = join(base, `node${i}`);
    mkdirSync(join(dir, 'ledger'), { recursive: true });
    if (i > 0) for (const f of sandboxSharedFiles) if (!existsSync(join(dir, f))) cpSync(join(first.dir, f), join(dir, f));
    const node = i === 0 ? first.node : await createNodeIdentity(dir, first.service);
    nodes.push({
      id: node.id,
      certPem: node.certPem,
      nodeAddress: `127.0.0.1:${port + 1000 + i}`,
      rpcAddress: `127.0.0.1:${port + i}`,
    });
  }
  for (let i = 0; i < count; i++) writeJson(join(base, `node${i}`, 'genesis.json'), { nodes });
  return nodes;
}

function stopAll(children: readonly ChildProcess[]): Promise<void> {
  return Promise.all(
    children.map(
      (child) =>
        new Promise<void>((done) => {
          if (child.exitCode !== null || child.pid === undefined) return done();
          const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
          child.once('exit', () => {
            clearTimeout(kill);
            done();
          });
          process.kill(child.pid, 'SIGTERM');
        }),
    ),
  ).then(() => {});
}

async function run(args: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      n: { type: 'string', short: 'n' },
      workspace: { type: 'string' },
      port: { type: 'string' },
      'election-timeout-ms': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true) {
    console.log(HELP);
    return 0;
  }
  const count = Number(values.n ?? '3');
  const port = Number(values.port ?? '8000');
  if (!Number.isInteger(count) || count < 1 || count > 9 || !Number.isInteger(port) || port < 1 || port > 64000) {
    console.error(`sandbox: -n must be 1..9 and --port 1..64000\n\n${HELP}`);
    return 2;
  }
  const base = resolve(values.workspace ?? './workspace/sandbox');
  const nodes = await prepare(base, count, port);
  const entry = fileURLToPath(new URL('../../../bin/consort.js', import.meta.url));
  const children = nodes.map((_node, i) => {
    const childArgs = [entry, 'start', '--workspace', join(base, `node${i}`), '--port', String(port + i)];
    childArgs.push('--node-port', String(port + 1000 + i), '--trust-joiners', '--log-level', 'warn');
    if (values['election-timeout-ms'] !== undefined) {
      childArgs.push('--election-timeout-ms', values['election-timeout-ms']);
    }
    const child = spawn(process.execPath, childArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
    const prefix = `[node${i}] `;
    child.stdout.on('data', (d: Buffer) => process.stdout.write(prefixLines(prefix, d)));
    child.stderr.on('data', (d: Buffer) => process.stderr.write(prefixLines(prefix, d)));
    return child;
  });
  console.log(`consort sandbox: ${count} nodes`);
  for (const [i, node] of nodes.entries()) {
    console.log(`  node${i}  https://${node.rpcAddress}  pid ${children[i]!.pid}  ${node.id.slice(0, 16)}…`);
  }
  console.log(`  workspaces: ${base}/node<i> (service_cert.pem, user0_cert.pem, user0_privk.pem)`);
  return new Promise<number>((done) => {
    let stopping = false;
    const stop = (): void => {
      if (stopping) return;
      stopping = true;
      console.log('consort sandbox: stopping all nodes');
      void stopAll(children).then(() => done(0));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    for (const child of children) {
      child.once('exit', (code) => {
        if (!stopping) {
          console.error(`consort sandbox: a node exited (code ${code}); stopping the others`);
          stopping = true;
          void stopAll(children).then(() => done(1));
        }
      });
    }
  });
}

function prefixLines(prefix: string, data: Buffer): string {
  return data
    .toString('utf8')
    .split(/(?<=\n)/)
    .map((line) => prefix + line)
    .join('');
}

export const sandboxCommand: Command = {
  name: 'sandbox',
  summary: 'run a local service of n nodes on loopback (default 3)',
  run,
};
