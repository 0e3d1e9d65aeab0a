// `consort audit <ledger-dir> --service-cert <pem> [--ledger-secret <file>] [--node-certs <dir>]`:
// verifies a whole ledger offline (src/ledger/audit.ts), streaming the chunk files in bounded
// memory. Exit 0 valid, 1 on the first tampered/invalid seqno (named), 2 on usage or I/O errors.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { LogEntry } from '../../consensus/types.js';
import { Certificate } from '../../crypto/certificate.js';
import { hexToBytes } from '../../crypto/encoding.js';
import { endorsedNodeCerts, LedgerAuditor } from '../../ledger/audit.js';
import { LedgerSecret } from '../../ledger/ledger-secret.js';
import { decodeLedgerSnapshot } from '../../ledger/ledger-snapshot.js';
import { scanRecords } from '../../ledger/log-record.js';
import type { ChunkFile } from '../../io/ledger-recovery.js';
import { fileSizes, listLedgerChunks, readRecordBlocks } from '../../io/ledger-reader.js';
import { decodeSnapshotFile } from '../../io/ledger-snapshot-file.js';
import type { MerkleTree } from '../../merkle/merkle-tree.js';
import type { Command } from '../command.js';
import { parseCommand } from '../parse-command.js';

const HELP = `usage: consort audit <ledger-dir> --service-cert <pem> [--ledger-secret <hex-file>]
                    [--node-certs <dir>] [--quiet]

Verifies a Consort ledger offline, streaming its chunk files (ledger_*), and stops at the first
problem, naming its seqno. Always checked: record framing (length + CRC-32), entry format, seqno
and view order, public write sets, every signature record, each signed root against its recorded
tree frontier, and the ECDSA signature when the frontier determines the signed bytes.
  --node-certs <dir>      PEM node certificates; each must be endorsed by --service-cert, and
                          every signature must come from one of them.
  --ledger-secret <file>  the 32-byte ledger secret in hex: recomputes every Merkle leaf (commit
                          evidence needs the secret), so EVERY signed root is checked against the
                          recomputed tree, and decrypts/authenticates every private domain.
A torn tail of the last open chunk (a crash mid-write) is reported as a warning.

Exit status: 0 valid, 1 invalid (first bad seqno printed), 2 usage or unreadable input.`;

/** StreamHandlers receive each entry (or a framing problem) while a ledger is streamed. */
export interface StreamHandlers {
  entry(entry: LogEntry): boolean;
  problem(seqno: number, message: string, tornTail: boolean): void;
  progress?(bytesDone: number): void;
}

/** StartPoint: where streaming starts (after a snapshot when old chunks were deleted). */
export interface StartPoint {
  readonly seqno: number;
  readonly tree: MerkleTree | null;
}

/** findStart picks the snapshot to start from when the chunks do not start at seqno 1. */
export async function findStart(dir: string, chunks: readonly ChunkFile[], snapshots: readonly { name: string; seqno: number }[]): Promise<StartPoint> {
  const first = chunks[0];
  if (first === undefined || first.startSeqno === 1) return { seqno: 0, tree: null };
  const snap = snapshots.find((s) => s.seqno >= first.startSeqno - 1);
  if (snap === undefined) throw new Error(`chunks start at ${first.startSeqno} and no snapshot covers the gap`);
  const file = decodeSnapshotFile(new Uint8Array(readFileSync(join(dir, snap.name))));
  return { seqno: file.seqno, tree: decodeLedgerSnapshot(file.data).tree };
}

/** streamLedger feeds every entry after `start.seqno` to `handlers`, in order, chunk by chunk. */
export async function streamLedger(dir: string, start: StartPoint, handlers: StreamHandlers): Promise<number> {
  const { chunks } = await listLedgerChunks(dir);
  let bytesDone = 0;
  const next = new Map<string, number>();
  for await (const block of readRecordBlocks(dir, chunks)) {
    const expected = next.get(block.file.name) ?? block.file.startSeqno;
    const scan = scanRecords(block.bytes, expected);
    for (const e of scan.entries) {
      if (e.seqno > start.seqno && !handlers.entry(e)) return bytesDone;
    }
    bytesDone += scan.validBytes;
    handlers.progress?.(bytesDone);
    next.set(block.file.name, expected + scan.entries.length);
    if (scan.problem !== null) {
      const last = block.file === chunks[chunks.length - 1] && block.file.endSeqno === null;
      const at = block.fileOffset + scan.problem.offset;
      handlers.problem(expected + scan.entries.length, `${block.file.name} at byte ${at}: ${scan.problem.message}`, last);
      return bytesDone;
    }
  }
  return bytesDone;
}

function readNodeCerts(dir: string): Certificate[] {
  return readdirSync(dir)
    .filter((n) => n.endsWith('.pem'))
    .sort()
    .map((n) => Certificate.fromPem(readFileSync(join(dir, n), 'utf8')));
}

/** readLedgerSecret reads a hex file holding the 32-byte ledger secret. */
export function readLedgerSecret(path: string): LedgerSecret {
  return new LedgerSecret(hexToBytes(readFileSync(path, 'utf8').trim(), 32));
}

function progressBar(totalBytes: number, started: number): (done: number) => void {
  if (!process.stderr.isTTY) return () => {};
  let lastDraw = 0;
  return (done) => {
    const now = performance.now();
    if (now - lastDraw < 100 && done < totalBytes) return;
    lastDraw = now;
    const fraction = totalBytes === 0 ? 1 : done / totalBytes;
    const width = 30;
    const bar = '#'.repeat(Math.round(fraction * width)).padEnd(width, '.');
    const mbps = done / 1e6 / Math.max(1e-3, (now - started) / 1000);
    process.stderr.write(`\r[${bar}] ${(fraction * 100).toFixed(1)}% ${mbps.toFixed(0)} MB/s`);
  };
}

/** AuditRun is the outcome of auditing a directory. */
export interface AuditRun {
  readonly auditor: LedgerAuditor;
  readonly bytes: number;
  readonly seconds: number;
  readonly tornTail: string | null;
  readonly rejectedCerts: number;
}

/** auditDirectory runs the auditor over `dir` (used by the CLI and the benchmark). */
export async function auditDirectory(p: {
  readonly dir: string;
  readonly serviceCertPem: string;
  readonly nodeCertsDir: string | null;
  readonly secret: LedgerSecret | null;
  readonly progress: boolean;
}): Promise<AuditRun> {
  const serviceCert = Certificate.fromPem(p.serviceCertPem);
  const endorsed = p.nodeCertsDir === null ? null : endorsedNodeCerts(serviceCert, readNodeCerts(p.nodeCertsDir));
  const listing = await listLedgerChunks(p.dir);
  const start = await findStart(p.dir, listing.chunks, listing.snapshots);
  const auditor = new LedgerAuditor({
    nodeCerts: endorsed?.byNodeId ?? null,
    secret: p.secret,
    ...(start.tree === null ? {} : { start: { seqno: start.seqno, tree: start.tree } }),
  });
  const totalBytes = (await fileSizes(p.dir, listing.chunks)).reduce((a, b) => a + b, 0);
  const started = performance.now();
  const draw = p.progress ? progressBar(totalBytes, started) : () => {};
  let tornTail: string | null = null;
  const bytes = await streamLedger(p.dir, start, {
    entry: (e) => auditor.feed(e),
    problem: (seqno, message, torn) => {
      if (torn) tornTail = `seqno ${seqno}: ${message}`;
      else auditor.fail(seqno, 'CorruptRecord', message);
    },
    progress: draw,
  });
  draw(totalBytes);
  if (p.progress && process.stderr.isTTY) process.stderr.write('\n');
  const seconds = (performance.now() - started) / 1000;
  return { auditor, bytes, seconds, tornTail, rejectedCerts: endorsed?.rejected.length ?? 0 };
}

function summary(run: AuditRun): string {
  const s = run.auditor.stats;
  const mb = run.bytes / 1e6;
  const secs = Math.max(run.seconds, 1e-6);
  return [
    `entries ${s.entries}, signatures ${s.signatures} (${s.signaturesVerified} verified, ` +
      `${s.signaturesUnchecked} unchecked), private domains opened ${s.privateDomainsOpened}`,
    `${mb.toFixed(1)} MB in ${run.seconds.toFixed(2)} s: ${(mb / secs).toFixed(1)} MB/s, ` +
      `${Math.round(s.entries / secs)} entries/s`,
  ].join('\n');
}

async function run(args: readonly string[]): Promise<number> {
  const parsed = parseCommand('audit', HELP, () => parse(args));
  if (typeof parsed === 'number') return parsed;
  const v = parsed.values;
  const [dir] = parsed.positionals;
  if (dir === undefined || parsed.positionals.length > 1 || v['service-cert'] === undefined) {
    console.error(`audit: need one ledger directory and --service-cert\n\n${HELP}`);
    return 2;
  }
  let result: AuditRun;
  try {
    result = await auditDirectory({
      dir,
      serviceCertPem: readFileSync(v['service-cert'], 'utf8'),
      nodeCertsDir: v['node-certs'] ?? null,
      secret: v['ledger-secret'] === undefined ? null : readLedgerSecret(v['ledger-secret']),
      progress: v.quiet !== true,
    });
  } catch (error) {
    console.error(`audit: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }
  return report(result, v['node-certs'] !== undefined, v['ledger-secret'] !== undefined);
}

function report(result: AuditRun, withCerts: boolean, withSecret: boolean): number {
  console.log(summary(result));
  if (result.rejectedCerts > 0) console.error(`warning: ${result.rejectedCerts} node certificate(s) not endorsed by the service, ignored`);
  if (!withCerts) console.error('warning: no --node-certs: signatures were not verified');
  if (!withSecret) console.error('warning: no --ledger-secret: leaves not recomputed, private domains not checked');
  if (result.tornTail !== null) console.error(`warning: torn tail of the open chunk (${result.tornTail})`);
  const failure = result.auditor.failure;
  if (failure !== null) {
    console.error(`invalid: seqno ${failure.seqno}: ${failure.code}: ${failure.message}`);
    return 1;
  }
  const s = result.auditor.stats;
  const unsigned = result.auditor.expectedSeqno - 1 - s.lastSignedSeqno;
  if (s.lastSignedSeqno > 0 && unsigned > 0) console.log(`note: ${unsigned} entries after the last verified signature`);
  console.log('valid');
  return 0;
}

function parse(args: readonly string[]) {
  return parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      'service-cert': { type: 'string' },
      'ledger-secret': { type: 'string' },
      'node-certs': { type: 'string' },
      quiet: { type: 'boolean', short: 'q' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

/** auditCommand is the `audit` subcommand. */
export const auditCommand: Command = {
  name: 'audit',
  summary: 'verify a whole ledger directory offline (signatures, Merkle roots, framing)',
  run,
};
