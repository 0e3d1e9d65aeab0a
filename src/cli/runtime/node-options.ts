// Options shared by `consort start` and `consort join`: parsed once, validated with every problem
// listed (ConfigError), then frozen (STYLE rule 15).
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
  readonly help: boolean;
}

export const nodeOptionsHelp = `  --workspace <dir>          node workspace (default ./workspace)
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
export function parseNodeOptions(args: readonly string[], extra: { readonly join: boolean }): NodeOptions {
  const { values } = parseArgs({
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
      help: { type: 'boolean', short: 'h' },
    },
  });
  const problems: string[] = [];
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
    help: values.help === true,
  });
}
