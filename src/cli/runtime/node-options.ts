// Options shared by `consort start` and `consort join`: parsed once, validated with every problem
// listed (ConfigError), then frozen (STYLE rule 15).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConsortError } from '../../ds/errors.js';
import { defaultTiming, type TimingOptions } from './node-runtime.js';

export class ConfigError extends ConsortError {
  override readonly name = 'ConfigError';
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super('InvalidConfiguration', `invalid options:\n  - ${problems.join('\n  - ')}`, { httpStatus: 400 });
    this.problems = problems;
  }
}

export interface NodeOptions {
  readonly workspace: string;
  readonly host: string;
  readonly rpcPort: number;
  readonly nodePort: number;
  readonly trustJoiners: boolean;
  readonly timing: TimingOptions;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
  readonly target: string | null;
  readonly serviceCert: string | null;
  /** Certificates (PEM file paths) of the initial members and users; empty = demo member0/user0. */
  readonly memberCerts: readonly string[];
  readonly userCerts: readonly string[];
  readonly help: boolean;
}

export const nodeOptionsHelp = `  --config <file.json>       options as JSON (keys as below in camelCase, plus "members" and
                             "users": lists of certificate PEM paths for a new service);
                             flags override the file
  --workspace <dir>          node workspace (default ./workspace)
  --host <ip>                listen address (default 127.0.0.1)
  --port <n>                 HTTPS client port (default 8000)
  --node-port <n>            node-to-node port (default: port + 1000)
  --trust-joiners            admit joining nodes without governance (sandbox only)
  --election-timeout-ms <n>  minimum election timeout (max = 2x; default 1000)
  --snapshot-interval <n>    committed transactions between snapshots (default 100000)
  --log-level <level>        debug | info | warn | error (default info)`;

function int(value: string | undefined, name: string, fallback: number, problems: string[]): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) problems.push(`${name} must be a non-negative integer, got ${value}`);
  return n;
}

/** parseNodeOptions parses argv; throws ConfigError listing every problem. */
const configKeys: Record<string, string> = {
  workspace: 'workspace',
  host: 'host',
  port: 'port',
  nodePort: 'node-port',
  trustJoiners: 'trust-joiners',
  electionTimeoutMs: 'election-timeout-ms',
  snapshotInterval: 'snapshot-interval',
  logLevel: 'log-level',
  target: 'target',
  serviceCert: 'service-cert',
};

/** readConfigFile turns a JSON config into flag values; unknown keys are problems. */
function readConfigFile(
  path: string,
  problems: string[],
): { flags: Record<string, string | boolean>; members: string[]; users: string[] } {
  const flags: Record<string, string | boolean> = {};
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    problems.push(`--config ${path}: ${error instanceof Error ? error.message : String(error)}`);
    return { flags, members: [], users: [] };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    problems.push(`--config ${path}: not a JSON object`);
    return { flags, members: [], users: [] };
  }
  const lists = { members: [] as string[], users: [] as string[] };
  for (const [key, value] of Object.entries(json)) {
    if (key === 'members' || key === 'users') {
      if (Array.isArray(value) && value.every((v) => typeof v === 'string')) lists[key] = value;
      else problems.push(`config ${key} must be a list of certificate paths`);
      continue;
    }
    const flag = configKeys[key];
    if (flag === undefined) problems.push(`config key ${key} is unknown`);
    else if (typeof value === 'boolean') flags[flag] = value;
    else if (typeof value === 'string' || typeof value === 'number') flags[flag] = String(value);
    else problems.push(`config ${key} must be a string, number or boolean`);
  }
  return { flags, ...lists };
}

export function parseNodeOptions(args: readonly string[], extra: { readonly join: boolean }): NodeOptions {
  const { values: flags } = parseArgs({
    args: [...args],
    allowPositionals: false,
    options: {
      workspace: { type: 'string' },
      host: { type: 'string' },
      port: { type: 'string' },
      'node-port': { type: 'string' },
      'trust-joiners': { type: 'boolean' },
      'election-timeout-ms': { type: 'string' },
      'snapshot-interval': { type: 'string' },
      'log-level': { type: 'string' },
      target: { type: 'string' },
      'service-cert': { type: 'string' },
      config: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const problems: string[] = [];
  const file = flags.config === undefined ? null : readConfigFile(flags.config, problems);
  const values = { ...(file?.flags ?? {}), ...flags } as typeof flags;
  const rpcPort = int(values.port, '--port', 8000, problems);
  const nodePort = int(values['node-port'], '--node-port', rpcPort === 0 ? 0 : rpcPort + 1000, problems);
  if (rpcPort > 65535 || nodePort > 65535) problems.push('ports must be <= 65535');
  const electionMs = int(values['election-timeout-ms'], '--election-timeout-ms', 1000, problems);
  if (electionMs < 50) problems.push('--election-timeout-ms must be >= 50');
  const snapshotInterval = int(values['snapshot-interval'], '--snapshot-interval', 100_000, problems);
  const logLevel = values['log-level'] ?? 'info';
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel)) problems.push(`unknown --log-level ${logLevel}`);
  if (extra.join && values.help !== true) {
    if (values.target === undefined) problems.push('join needs --target <host:port>');
    if (values['service-cert'] === undefined) problems.push('join needs --service-cert <pem>');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const heartbeat = Math.max(10, Math.round(electionMs / 10));
  return Object.freeze({
    workspace: values.workspace ?? './workspace',
    host: values.host ?? '127.0.0.1',
    rpcPort,
    nodePort,
    trustJoiners: values['trust-joiners'] === true,
    timing: Object.freeze({
      ...defaultTiming,
      tickMs: Math.max(1, Math.min(10, Math.round(heartbeat / 5))),
      electionTimeoutMsMin: electionMs,
      electionTimeoutMsMax: 2 * electionMs,
      heartbeatIntervalMs: heartbeat,
      snapshotIntervalTxCount: snapshotInterval,
    }),
    logLevel: logLevel as NodeOptions['logLevel'],
    target: values.target ?? null,
    serviceCert: values['service-cert'] ?? null,
    memberCerts: Object.freeze([...(file?.members ?? [])]),
    userCerts: Object.freeze([...(file?.users ?? [])]),
    help: values.help === true,
  });
}
