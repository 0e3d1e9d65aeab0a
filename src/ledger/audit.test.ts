// Goal: the auditor accepts a genuine ledger and names the first bad seqno of a tampered one; it
// says what it could not check without the ledger secret or the node certificates.
// Method: a one-node NodeMachine writes public and private transactions to real ledger files;
// auditDirectory (the CLI's engine) runs with and without the secret and node certs; then bytes of
// an entry are changed (with the record CRC recomputed, as an attacker would) and, separately,
// flipped without fixing the CRC.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { crc32 as zlibCrc } from '../codec/crc32.js';
import { testService, type TestService } from '../../test/support/identities.js';
import { auditDirectory } from '../cli/commands/audit.js';
import { open, tempDir } from '../io/ledger-files.test-helper.js';
import { becomePrimary, singleNode, writeMany } from '../io/ledger-single-node.test-helper.js';
import { LedgerSecret } from './ledger-secret.js';

const secret = new LedgerSecret(new Uint8Array(32).fill(3));
const { dir: root, cleanup } = tempDir('audit');
after(cleanup);
const ledgerDir = `${root}/ledger`;
const certsDir = `${root}/certs`;
let service: TestService;

function copyLedger(label: string): string {
  const target = `${root}/${label}`;
  mkdirSync(target);
  for (const n of readdirSync(ledgerDir)) writeFileSync(`${target}/${n}`, readFileSync(`${ledgerDir}/${n}`));
  return target;
}

/** recordAt returns [offset, length] of record number `index` (0-based) in a chunk file. */
function recordAt(bytes: Uint8Array, index: number): [number, number] {
  const dv = new DataView(bytes.buffer, bytes.byteOffset);
  let offset = 0;
  for (let i = 0; i < index; i++) offset += 4 + dv.getUint32(offset, true);
  return [offset, dv.getUint32(offset, true)];
}

const audit = (dir: string, withSecret: boolean, withCerts = true) =>
  auditDirectory({
    dir,
    serviceCertPem: service.serviceCertPem,
    nodeCertsDir: withCerts ? certsDir : null,
    secret: withSecret ? secret : null,
    progress: false,
  });

describe('ledger audit', () => {
  before(async () => {
    service = await testService();
    mkdirSync(certsDir);
    writeFileSync(`${certsDir}/node0.pem`, service.nodes[0]!.certPem);
    const files = await open(ledgerDir, { chunkBytesMin: 8 * 1024 });
    const m = singleNode(files, service.nodes[0]!, secret);
    await becomePrimary(m);
    await writeMany(m, { count: 600, value: new Uint8Array(200).fill(1), privateEvery: 3, inflight: 50 });
    m.stop();
    await files.close();
  });

  it('accepts the genuine ledger, fully with the secret', async () => {
    const full = await audit(ledgerDir, true);
    assert.equal(full.auditor.failure, null, JSON.stringify(full.auditor.failure));
    const s = full.auditor.stats;
    assert.ok(s.entries > 600 && s.signatures > 5, JSON.stringify(s));
    assert.equal(s.signaturesUnchecked, 0);
    assert.equal(s.signaturesVerified, s.signatures);
    assert.ok(s.privateDomainsOpened >= 200);
    const partial = await audit(ledgerDir, false);
    assert.equal(partial.auditor.failure, null);
    assert.ok(partial.auditor.stats.signaturesVerified > 0, 'frontier-derived preimages verify');
    assert.ok(readdirSync(ledgerDir).some((n) => n.endsWith('.committed')), 'several chunks');
  });

  it('rejects signatures from a node the service did not endorse', async () => {
    const other = `${root}/other-certs`;
    mkdirSync(other);
    writeFileSync(`${other}/x.pem`, service.nodes[1]!.certPem);
    const run = await auditDirectory({ dir: ledgerDir, serviceCertPem: service.serviceCertPem, nodeCertsDir: other, secret: null, progress: false });
    assert.equal(run.auditor.failure?.code, 'UnknownNode');
  });

  it('names the seqno of an entry changed with a recomputed CRC (needs the secret)', async () => {
    const dir = copyLedger('forged');
    const chunk = readdirSync(dir).filter((n) => n.startsWith('ledger_1-'))[0]!;
    const bytes = new Uint8Array(readFileSync(`${dir}/${chunk}`));
    const [offset, length] = recordAt(bytes, 9); // seqno 10
    bytes[offset + length - 8]! ^= 0x01; // inside the value, before the CRC
    new DataView(bytes.buffer).setUint32(offset + length, zlibCrc(bytes.subarray(offset + 4, offset + length)), true);
    writeFileSync(`${dir}/${chunk}`, bytes);
    const run = await audit(dir, true);
    assert.equal(run.auditor.failure?.code, 'RootMismatch', JSON.stringify(run.auditor.failure));
    assert.ok(run.auditor.failure!.seqno > 10, 'caught at the next signature');
  });

  it('names the seqno of a flipped byte (CRC mismatch) even without the secret', async () => {
    const dir = copyLedger('flipped');
    const chunk = readdirSync(dir).filter((n) => n.startsWith('ledger_1-'))[0]!;
    const bytes = new Uint8Array(readFileSync(`${dir}/${chunk}`));
    const [offset] = recordAt(bytes, 4); // seqno 5
    bytes[offset + 20]! ^= 0x80;
    writeFileSync(`${dir}/${chunk}`, bytes);
    const run = await audit(dir, false);
    assert.equal(run.auditor.failure?.code, 'CorruptRecord');
    assert.equal(run.auditor.failure?.seqno, 5);
  });
});

describe('consort prove-consistency', () => {
  it('proves and verifies consistency between two signed roots', async () => {
    const { proveConsistencyCommand } = await import('../cli/commands/prove-consistency.js');
    const sigs: number[] = [];
    const { streamLedger } = await import('../cli/commands/audit.js');
    await streamLedger(ledgerDir, { seqno: 0, tree: null }, {
      entry: (e) => {
        if (e.kind === 'signature') sigs.push(e.seqno);
        return true;
      },
      problem: () => {},
    });
    writeFileSync(`${root}/secret.hex`, Buffer.from(new Uint8Array(32).fill(3)).toString('hex'));
    const lines: string[] = [];
    const log = console.log;
    console.log = (line: string) => lines.push(line);
    try {
      const from = String(sigs[2]);
      const to = String(sigs[sigs.length - 1]);
      const code = await proveConsistencyCommand.run([ledgerDir, '--from', from, '--to', to, '--ledger-secret', `${root}/secret.hex`]);
      assert.equal(code, 0);
      const proofText = lines.join('\n');
      writeFileSync(`${root}/proof.json`, proofText);
      assert.equal(await proveConsistencyCommand.run(['--verify', `${root}/proof.json`, ledgerDir]), 0);
      const proof = JSON.parse(proofText);
      proof.from.root = proof.to.root;
      writeFileSync(`${root}/bad.json`, JSON.stringify(proof));
      assert.equal(await proveConsistencyCommand.run(['--verify', `${root}/bad.json`]), 1);
    } finally {
      console.log = log;
    }
  });
});
