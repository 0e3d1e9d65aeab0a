// consort.ts: run a Consort sandbox (`node bin/consort.js sandbox -n 3 --workspace <tmp> --port
// <base>`) as a detached process group, read its endpoints and node PIDs from stdout, wait until
// a primary commits writes, and find the primary.
import { spawn } from 'node:child_process';
import { existsSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Cleanup, sleep } from './cleanup.js';
import { type ClientTls, HttpsTarget } from './https-client.js';

export interface ConsortNode {
  readonly name: string;
  readonly origin: string;
  readonly pid: number;
}

export interface ConsortCluster {
  /** sandboxPid is the `consort sandbox` process (the group leader). */
  readonly sandboxPid: number;
  readonly nodes: readonly ConsortNode[];
  readonly primary: ConsortNode;
  readonly tls: ClientTls;
  readonly logPath: string;
}

/** sandboxCommandExists tells whether the lead's `consort sandbox` command is in the tree. */
export function sandboxCommandExists(repoRoot: string): boolean {
  return existsSync(join(repoRoot, 'src/cli/commands/sandbox.ts'));
}

const nodeLine = /^\s*(node\d+)\s+(https:\/\/\S+)\s+pid\s+(\d+)/;

/**
 * startConsortSandbox starts `count` nodes with HTTPS ports `port + i`, extra environment `env`
 * (e.g. NODE_OPTIONS=--cpu-prof), and waits at most `readyTimeoutMs` for a committed write.
 */
export async function startConsortSandbox(options: {
  readonly repoRoot: string;
  readonly workspace: string;
  readonly port: number;
  readonly count: number;
  readonly cleanup: Cleanup;
  readonly env?: Readonly<Record<string, string>>;
  readonly readyTimeoutMs?: number;
}): Promise<ConsortCluster> {
  const logPath = `${options.workspace}.log`;
  const logFd = openSync(logPath, 'a');
  const child = spawn(
    process.execPath,
    [
      join(options.repoRoot, 'bin/consort.js'),
      'sandbox',
      '-n',
      String(options.count),
      '--workspace',
      options.workspace,
      '--port',
      String(options.port),
    ],
    {
      cwd: options.repoRoot,
      detached: true,
      stdio: ['ignore', 'pipe', logFd],
      env: { ...process.env, ...options.env },
    },
  );
  const sandboxPid = options.cleanup.track('consort sandbox', child);
  const nodes: ConsortNode[] = [];
  let buffered = '';
  child.stdout?.on('data', (data: Buffer) => {
    buffered += data.toString('utf8');
    let newline = buffered.indexOf('\n');
    while (newline >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      const m = nodeLine.exec(line);
      if (m !== null) nodes.push({ name: m[1] ?? '', origin: m[2] ?? '', pid: Number(m[3]) });
      newline = buffered.indexOf('\n');
    }
  });
  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  const fail = (why: string): never => {
    // The log lives in the temp folder, which is removed at the end: show its tail now.
    const tail = readFileSync(logPath, 'utf8').split('\n').slice(-15).join('\n');
    console.error(`consort sandbox log (last lines):\n${tail}`);
    throw new Error(`consort sandbox: ${why}`);
  };
  while (nodes.length < options.count) {
    if (child.exitCode !== null) fail(`exited with code ${child.exitCode}`);
    if (Date.now() > deadline) fail('did not print its endpoints');
    await sleep(100);
  }
  const dir0 = join(options.workspace, 'node0');
  const tls: ClientTls = {
    caPem: readFileSync(join(dir0, 'service_cert.pem'), 'utf8'),
    certPem: readFileSync(join(dir0, 'user0_cert.pem'), 'utf8'),
    keyPem: readFileSync(join(dir0, 'user0_privk.pem'), 'utf8'),
  };
  let primary: ConsortNode | undefined;
  while (primary === undefined) {
    if (child.exitCode !== null) fail(`exited with code ${child.exitCode}`);
    for (const node of nodes) {
      const target = new HttpsTarget(node.origin, tls, 1, 2000);
      try {
        if ((await target.status('/node/primary')) === 200) {
          await target.postJson('/app/log/public?wait_for_commit=true', '{"id":0,"msg":"ready"}');
          primary = node;
        }
      } catch {
        // Not ready yet.
      } finally {
        await target.close();
      }
      if (primary !== undefined) break;
    }
    if (primary === undefined) {
      if (Date.now() > deadline) fail('no primary committed a write');
      await sleep(250);
    }
  }
  return { sandboxPid, nodes, primary, tls, logPath };
}
