// Goal: node options are validated once, with every problem listed, and a config file works like
// flags (flags win). Method: parse argument vectors and temporary JSON files.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError, parseNodeOptions } from './node-options.js';

test('defaults, derived ports and timing', () => {
  const o = parseNodeOptions([], { join: false });
  assert.equal(o.rpcPort, 8000);
  assert.equal(o.nodePort, 9000);
  assert.equal(o.timing.electionTimeoutMsMin, 1000);
  assert.equal(o.timing.electionTimeoutMsMax, 2000);
  assert.ok(Object.isFrozen(o));
});

test('every problem is listed at once', () => {
  assert.throws(
    () => parseNodeOptions(['--port', 'x', '--election-timeout-ms', '5', '--log-level', 'loud'], { join: true }),
    (error: unknown) => error instanceof ConfigError && error.problems.length === 5,
  );
});

test('a config file supplies options and initial members/users; flags override it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'consort-opt-'));
  try {
    const path = join(dir, 'node.json');
    writeFileSync(path, JSON.stringify({ port: 8100, trustJoiners: true, users: ['a.pem'], members: ['m.pem'] }));
    const o = parseNodeOptions(['--config', path, '--port', '8200'], { join: false });
    assert.equal(o.rpcPort, 8200);
    assert.equal(o.trustJoiners, true);
    assert.deepEqual(o.userCerts, ['a.pem']);
    assert.deepEqual(o.memberCerts, ['m.pem']);
    writeFileSync(path, JSON.stringify({ bogus: 1 }));
    assert.throws(() => parseNodeOptions(['--config', path], { join: false }), ConfigError);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
