// `consort prove-consistency <ledger-dir> --from <seqno> --to <seqno> --ledger-secret <file>`
// prints a JSON consistency proof (RFC 9162 §2.1.4, CCF hashing) between the roots signed at two
// signature seqnos; `--verify <proof.json> [<ledger-dir>]` checks one (and, given the ledger, that
// both roots are the ones its signature entries record). Exit 0 ok, 1 invalid, 2 usage/I/O.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { bytesToHex, hexToBytes } from '../../crypto/encoding.js';
import { sha256 } from '../../crypto/sha256.js';
import { decodeLedgerEntry } from '../../ledger/ledger-entry.js';
import { leafPreimageOf, ZERO_CLAIMS } from '../../ledger/ledger-state.js';
import { decodeSignaturePublicDomain } from '../../ledger/signature-tx.js';
import { MerkleTree } from '../../merkle/merkle-tree.js';
import { verifyConsistencyProof } from '../../merkle/proof.js';
import type { Command } from '../command.js';
import { readLedgerSecret, streamLedger } from './audit.js';
import { parseCommand } from '../parse-command.js';

const HELP = `usage: consort prove-consistency <ledger-dir> --from <seqno> --to <seqno> --ledger-secret <file>
       consort prove-consistency --verify <proof.json> [<ledger-dir>]

Proves that the tree signed at signature seqno --from is a prefix of the tree signed at --to
(both must be signature transactions; a signature at seqno s signs the first s-1 leaves). Making
a proof needs the ledger secret (leaves hash the commit evidence); checking one does not.

Exit status: 0 ok, 1 invalid, 2 usage or unreadable input.`;

/** ConsistencyProofJson is the printed proof. */
export interface ConsistencyProofJson {
  readonly version: 1;
  readonly from: { readonly seqno: number; readonly treeSize: number; readonly root: string };
  readonly to: { readonly seqno: number; readonly treeSize: number; readonly root: string };
  readonly proof: readonly string[];
}

/** signedRoots returns the root recorded by the signature entries at `seqnos` (hex). */
async function signedRoots(dir: string, seqnos: readonly number[]): Promise<Map<number, string>> {
  const roots = new Map<number, string>();
  const last = Math.max(...seqnos);
  await streamLedger(dir, { seqno: 0, tree: null }, {
    entry: (e) => {
      if (seqnos.includes(e.seqno) && e.kind === 'signature') {
        roots.set(e.seqno, decodeSignaturePublicDomain(decodeLedgerEntry(e.data).publicBytes).root);
      }
      return e.seqno < last;
    },
    problem: () => {},
  });
  return roots;
}

async function prove(dir: string, from: number, to: number, secretPath: string): Promise<ConsistencyProofJson> {
  if (!(Number.isSafeInteger(from) && Number.isSafeInteger(to) && from >= 2 && from <= to)) {
    throw new Error('need 2 <= --from <= --to');
  }
  const secret = readLedgerSecret(secretPath);
  const tree = new MerkleTree();
  await streamLedger(dir, { seqno: 0, tree: null }, {
    entry: (e) => {
      if (e.seqno >= to) return false;
      const d = decodeLedgerEntry(e.data);
      const ce = secret.commitEvidence(e.view, e.seqno);
      tree.append(sha256(leafPreimageOf(e.data, ce, d.claimsDigest ?? ZERO_CLAIMS)));
      if (tree.size === from - 1) tree.compact(from - 1);
      return true;
    },
    problem: (seqno, message) => {
      throw new Error(`ledger damaged at seqno ${seqno}: ${message}`);
    },
  });
  if (tree.size !== to - 1) throw new Error(`the ledger ends before seqno ${to}`);
  const roots = await signedRoots(dir, [from, to]);
  for (const [seqno, size] of [[from, from - 1], [to, to - 1]] as const) {
    const recorded = roots.get(seqno);
    if (recorded === undefined) throw new Error(`seqno ${seqno} is not a signature transaction`);
    if (recorded !== bytesToHex(tree.root(size))) throw new Error(`signed root at ${seqno} differs from the recomputed one`);
  }
  return {
    version: 1,
    from: { seqno: from, treeSize: from - 1, root: roots.get(from)! },
    to: { seqno: to, treeSize: to - 1, root: roots.get(to)! },
    proof: tree.consistencyProof(from - 1, to - 1).map(bytesToHex),
  };
}

async function verify(path: string, dir: string | undefined): Promise<string | null> {
  const p = JSON.parse(readFileSync(path, 'utf8')) as ConsistencyProofJson;
  const ok = verifyConsistencyProof({
    oldSize: p.from.treeSize,
    newSize: p.to.treeSize,
    oldRoot: hexToBytes(p.from.root, 32),
    newRoot: hexToBytes(p.to.root, 32),
    proof: p.proof.map((h) => hexToBytes(h, 32)),
  });
  if (!ok || p.from.treeSize !== p.from.seqno - 1 || p.to.treeSize !== p.to.seqno - 1) return 'the proof does not verify';
  if (dir === undefined) return null;
  const roots = await signedRoots(dir, [p.from.seqno, p.to.seqno]);
  if (roots.get(p.from.seqno) !== p.from.root) return `root at ${p.from.seqno} is not the one the ledger signed`;
  if (roots.get(p.to.seqno) !== p.to.root) return `root at ${p.to.seqno} is not the one the ledger signed`;
  return null;
}

async function run(args: readonly string[]): Promise<number> {
  const parsed = parseCommand('prove-consistency', HELP, () => parse(args));
  if (typeof parsed === 'number') return parsed;
  const v = parsed.values;
  const [dir] = parsed.positionals;
  try {
    if (v.verify !== undefined) {
      const problem = await verify(v.verify, dir);
      console.log(problem === null ? 'valid' : `invalid: ${problem}`);
      return problem === null ? 0 : 1;
    }
    if (dir === undefined || v.from === undefined || v.to === undefined || v['ledger-secret'] === undefined) {
      console.error(`prove-consistency: need <ledger-dir>, --from, --to and --ledger-secret\n\n${HELP}`);
      return 2;
    }
    console.log(JSON.stringify(await prove(dir, Number(v.from), Number(v.to), v['ledger-secret']), null, 2));
    return 0;
  } catch (error) {
    console.error(`prove-consistency: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }
}

function parse(args: readonly string[]) {
  return parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      'ledger-secret': { type: 'string' },
      verify: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

/** proveConsistencyCommand is the `prove-consistency` subcommand. */
export const proveConsistencyCommand: Command = {
  name: 'prove-consistency',
  summary: 'print or verify a consistency proof between two signed ledger roots',
  run,
};
