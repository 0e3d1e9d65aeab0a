// etcd.ts: find (or, as root, install Debian's etcd-server) and run a 3-member etcd cluster on
// loopback — distinct client/peer ports, data dirs in a temp folder, default durable settings
// (fsync on; no --unsafe-no-fsync) — and locate its leader.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { type Cleanup, sleep } from './cleanup.js';

export interface EtcdMember {
  readonly name: string;
  readonly pid: number;
  readonly clientUrl: string;
}

export interface EtcdCluster {
  readonly members: readonly EtcdMember[];
  readonly version: string;
  /** leader is the member that is Raft leader when the cluster became ready. */
  readonly leader: EtcdMember;
}

function which(command: string): string | null {
  try {
    return execFileSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

/**
 * ensureEtcd returns the etcd binary path, installing `etcd-server` with apt when running as root;
 * returns null (after printing how to install it) when that is not possible.
 */
export function ensureEtcd(log: (line: string) => void): string | null {
  const found = which('etcd');
  if (found !== null) return found;
  if (process.getuid?.() !== 0) {
    log('etcd not found; install it with:');
    log('  sudo apt-get update && sudo apt-get install -y etcd-server');
    log('(the etcd rows are skipped)');
    return null;
  }
  log('etcd not found; installing Debian etcd-server (apt-get)...');
  try {
    execFileSync('apt-get', ['update'], { stdio: 'ignore', timeout: 300_000 });
    execFileSync('apt-get', ['install', '-y', 'etcd-server'], {
      stdio: 'ignore',
      timeout: 600_000,
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  } catch (error) {
    log(`apt-get install etcd-server failed: ${String(error)}; the etcd rows are skipped`);
    return null;
  }
  return which('etcd');
}

export function etcdVersion(binary: string): string {
  try {
    const text = execFileSync(binary, ['--version'], { encoding: 'utf8' });
    return /etcd Version:\s*(\S+)/.exec(text)?.[1] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

async function fetchJson(url: string, init?: RequestInit): Promise<unknown> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(2000) });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.json();
}

/**
 * startEtcdCluster starts 3 members (client ports `clientPortBase + i`, peer ports
 * `peerPortBase + i`) with data under `dir`, waits (at most `readyTimeoutMs`) until every member
 * is healthy, and finds the leader through the gRPC gateway's maintenance/status.
 */
export async function startEtcdCluster(options: {
  readonly binary: string;
  readonly dir: string;
  readonly clientPortBase: number;
  readonly peerPortBase: number;
  readonly cleanup: Cleanup;
  readonly size?: number;
  readonly readyTimeoutMs?: number;
}): Promise<EtcdCluster> {
  const size = options.size ?? 3;
  const names = Array.from({ length: size }, (_, i) => `etcd${i}`);
  const peerUrl = (i: number): string => `http://127.0.0.1:${options.peerPortBase + i}`;
  const clientUrl = (i: number): string => `http://127.0.0.1:${options.clientPortBase + i}`;
  const initialCluster = names.map((n, i) => `${n}=${peerUrl(i)}`).join(',');
  const members: EtcdMember[] = [];
  for (let i = 0; i < size; i++) {
    const name = names[i] ?? `etcd${i}`;
    const dataDir = join(options.dir, name);
    mkdirSync(dataDir, { recursive: true });
    const logFd = openSync(join(options.dir, `${name}.log`), 'a');
    const child = spawn(
      options.binary,
      [
        `--name=${name}`,
        `--data-dir=${dataDir}`,
        `--listen-client-urls=${clientUrl(i)}`,
        `--advertise-client-urls=${clientUrl(i)}`,
        `--listen-peer-urls=${peerUrl(i)}`,
        `--initial-advertise-peer-urls=${peerUrl(i)}`,
        `--initial-cluster=${initialCluster}`,
        `--initial-cluster-token=consort-bench-${process.pid}`,
        '--initial-cluster-state=new',
        '--logger=zap',
        '--log-outputs=stderr',
        '--log-level=warn',
      ],
      { detached: true, stdio: ['ignore', logFd, logFd] },
    );
    const pid = options.cleanup.track(name, child);
    members.push({ name, pid, clientUrl: clientUrl(i) });
  }
  const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000);
  for (const m of members) {
    for (;;) {
      try {
        const health = (await fetchJson(`${m.clientUrl}/health`)) as { health?: string };
        if (health.health === 'true') break;
      } catch {
        // Not up yet.
      }
      if (Date.now() > deadline) throw new Error(`etcd ${m.name} not healthy (see ${options.dir})`);
      await sleep(200);
    }
  }
  let leader: EtcdMember | undefined;
  while (leader === undefined) {
    for (const m of members) {
      try {
        const status = (await fetchJson(`${m.clientUrl}/v3/maintenance/status`, {
          method: 'POST',
          body: '{}',
        })) as { header?: { member_id?: string }; leader?: string };
        if (status.leader !== undefined && status.leader === status.header?.member_id) leader = m;
      } catch {
        // Retry below.
      }
    }
    if (leader === undefined) {
      if (Date.now() > deadline) throw new Error('etcd cluster has no leader');
      await sleep(200);
    }
  }
  return { members, version: etcdVersion(options.binary), leader };
}
