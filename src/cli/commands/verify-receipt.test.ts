// Goal: `consort verify-receipt` reports valid/invalid with the right exit status and output.
// Method: spawn the real CLI (node --import tsx src/cli/main.ts) on the ACL vector, on a tampered
// copy written to a temporary directory, on malformed JSON, and with --help / bad usage.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

const root = new URL('../../../', import.meta.url).pathname;
const receiptPath = join(root, 'test/vectors/acl-receipts/receipt-1.json');
const certPath = join(root, 'test/vectors/acl-receipts/service-cert-1.pem');
const dir = mkdtempSync(join(tmpdir(), 'consort-verify-receipt-'));

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'verify-receipt', ...args], {
    cwd: root,
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('consort verify-receipt', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('accepts the ACL vector and prints its root', () => {
    const r = cli(receiptPath, '--service-cert', certPath);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'valid (root 283afa446263bcc3be31a980957fe3d0196494bf100df6774249f09d10755101)');
  });

  it('rejects a tampered copy with exit 1 and the reason', () => {
    const receipt = JSON.parse(readFileSync(receiptPath, 'utf8'));
    receipt.leafComponents.writeSetDigest = `00${receipt.leafComponents.writeSetDigest.slice(2)}`;
    const tampered = join(dir, 'tampered.json');
    writeFileSync(tampered, JSON.stringify(receipt));
    const r = cli(tampered, '--service-cert', certPath);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^invalid: InvalidSignature: /);
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{"cert": ');
    const b = cli(broken, '--service-cert', certPath);
    assert.equal(b.status, 1);
    assert.match(b.stderr, /MalformedReceipt/);
  });

  it('prints help and rejects bad usage', () => {
    const help = cli('--help');
    assert.equal(help.status, 0);
    assert.match(help.stdout, /usage: consort verify-receipt/);
    assert.equal(cli(receiptPath).status, 2);
    assert.equal(cli(join(dir, 'missing.json'), '--service-cert', certPath).status, 2);
  });
});
