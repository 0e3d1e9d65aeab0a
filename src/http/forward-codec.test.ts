// Goal: the forwarding encoding is a total, versioned codec: every valid message round-trips, and
// every truncation, bad header byte, bad JSON part or seeded mutation throws FormatError (never
// anything else), so a bad peer cannot crash the primary.
// Method: fixed messages round-trip; exhaustive truncation; targeted corruptions; 5,000 seeded
// byte mutations (SeededRng) decoded with only FormatError or a valid message allowed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FormatError, LimitExceededError } from '../ds/errors.js';
import { SeededRng } from '../ds/rng.js';
import {
  decodeForwarded,
  encodeForwarded,
  type ForwardedMessage,
  forwardedKindOf,
  forwardLimits,
} from './forward-codec.js';

const request: ForwardedMessage = {
  kind: 'request',
  id: 123456,
  request: {
    method: 'POST',
    path: '/app/log/public',
    params: { hash: 'ab' },
    query: { wait_for_commit: true },
    body: { id: 1, msg: 'héllo \u2028 "quoted"' },
    caller: { policy: 'user_cert', userId: 'f'.repeat(64) },
  },
};
const noBody: ForwardedMessage = {
  kind: 'request',
  id: 0,
  request: {
    method: 'GET',
    path: '/app/log/public',
    params: {},
    query: { id: 3 },
    body: undefined,
    caller: { policy: 'no_auth' },
  },
};
const response: ForwardedMessage = {
  kind: 'response',
  id: 77,
  response: {
    status: 504,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'x-ms-ccf-transaction-id': '2.15',
    },
    body: '{"error":{"code":"TransactionFateUnknown","message":"m"}}',
  },
};

function decodesOrFormatError(bytes: Uint8Array): void {
  try {
    decodeForwarded(bytes);
  } catch (error) {
    assert.ok(error instanceof FormatError, String(error));
  }
}

describe('forward codec', () => {
  it('round-trips requests and responses; forwardedKindOf peeks at the kind', () => {
    for (const message of [request, noBody, response]) {
      const bytes = encodeForwarded(message);
      assert.deepEqual(decodeForwarded(bytes), message);
      assert.equal(forwardedKindOf(bytes), message.kind);
    }
    assert.equal(forwardedKindOf(new Uint8Array([9, 1])), null);
  });

  it('every truncation and trailing byte is a FormatError', () => {
    for (const message of [request, noBody, response]) {
      const bytes = encodeForwarded(message);
      for (let n = 0; n < bytes.length; n++) {
        assert.throws(() => decodeForwarded(bytes.subarray(0, n)), FormatError);
      }
      const longer = new Uint8Array(bytes.length + 1);
      longer.set(bytes);
      assert.throws(() => decodeForwarded(longer), FormatError);
    }
  });

  it('rejects unknown versions, kinds, methods, policies and unsafe headers', () => {
    const bytes = encodeForwarded(request);
    const patch = (at: number, value: number) => {
      const copy = bytes.slice();
      copy[at] = value;
      return copy;
    };
    assert.throws(() => decodeForwarded(patch(0, 2)), FormatError);
    assert.throws(() => decodeForwarded(patch(1, 3)), FormatError);
    assert.throws(() => decodeForwarded(patch(bytes.length - 66, 9)), FormatError);
    const evil = encodeForwarded({
      kind: 'response',
      id: 1,
      response: { status: 200, headers: { 'set-cookie': 'a\r\nx-injected: 1' }, body: '' },
    });
    assert.throws(() => decodeForwarded(evil), FormatError);
  });

  it('refuses to encode a field above its limit', () => {
    const huge = { ...request.request, path: `/${'p'.repeat(forwardLimits.pathBytesMax)}` };
    assert.throws(
      () => encodeForwarded({ kind: 'request', id: 1, request: huge }),
      LimitExceededError,
    );
  });

  it('seeded mutations decode or throw FormatError only', () => {
    const rng = new SeededRng(7);
    const seeds = [request, noBody, response].map((m) => encodeForwarded(m));
    for (let i = 0; i < 5000; i++) {
      const bytes = seeds[i % seeds.length]!.slice();
      const flips = rng.int(1, 4);
      for (let f = 0; f < flips; f++) bytes[rng.int(0, bytes.length - 1)] = rng.int(0, 255);
      decodesOrFormatError(bytes);
    }
  });
});
