// Goal: the forwarder's in-flight table is bounded and every forward settles exactly once — with
// the primary's answer, 429 when the table is full, 503 when the channel refuses, 504 on timeout
// (TransactionFateUnknown for writes), and on close; answers from the wrong node are ignored.
// Method: a Forwarder over a recording channel and a manual timer list.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeForwarded, type ForwardedRequest } from './forward-codec.js';
import { type ForwardChannel, Forwarder } from './forwarder.js';

const request: ForwardedRequest = {
  method: 'POST',
  path: '/app/log/public',
  params: {},
  query: {},
  body: { id: 1, msg: 'x' },
  caller: { policy: 'no_auth' },
};

function setup(options: { accept?: boolean; inFlightCountMax?: number } = {}) {
  const sent: { to: string; payload: Uint8Array }[] = [];
  const timers: { callback: () => void; live: boolean }[] = [];
  const channel: ForwardChannel = {
    send: (to, payload) => {
      sent.push({ to, payload });
      return options.accept ?? true;
    },
    onMessage: () => {},
  };
  const forwarder = new Forwarder(
    {
      channel,
      setTimer: (_delayMs, callback) => {
        const timer = { callback, live: true };
        timers.push(timer);
        return () => {
          timer.live = false;
        };
      },
    },
    { timeoutMs: 1000, inFlightCountMax: options.inFlightCountMax ?? 8 },
  );
  const fire = () => {
    for (const t of timers.splice(0)) if (t.live) t.callback();
  };
  return { forwarder, sent, fire };
}

const codeOf = (body: string) => (JSON.parse(body) as { error: { code: string } }).error.code;

describe('Forwarder', () => {
  it('matches the answer by id and sender; ignores answers from other nodes', async () => {
    const { forwarder, sent } = setup();
    const pending = forwarder.forward('p', request, { write: true });
    const message = decodeForwarded(sent[0]!.payload);
    assert.equal(message.kind, 'request');
    const answer = { status: 200, headers: { 'x-ms-ccf-transaction-id': '2.3' }, body: 'true' };
    forwarder.onResponse('not-p', message.id, { status: 500, headers: {}, body: '' });
    forwarder.onResponse('p', message.id, answer);
    assert.deepEqual(await pending, answer);
    assert.equal(forwarder.inFlightCount, 0);
    assert.equal(forwarder.counters.unexpectedResponses, 1);
  });

  it('times out: 504 TransactionFateUnknown (write), ForwardingTimeout (read)', async () => {
    const { forwarder, fire } = setup();
    const write = forwarder.forward('p', request, { write: true });
    const read = forwarder.forward('p', { ...request, method: 'GET' }, { write: false });
    fire();
    const [w, r] = await Promise.all([write, read]);
    assert.equal(w.status, 504);
    assert.equal(codeOf(w.body), 'TransactionFateUnknown');
    assert.equal(r.status, 504);
    assert.equal(codeOf(r.body), 'ForwardingTimeout');
    assert.equal(forwarder.counters.timedOut, 2);
  });

  it('bounds the table (429 + Retry-After); 503 when the channel refuses', async () => {
    const full = setup({ inFlightCountMax: 1 });
    void full.forwarder.forward('p', request, { write: true });
    const rejected = await full.forwarder.forward('p', request, { write: true });
    assert.equal(rejected.status, 429);
    assert.equal(rejected.headers['retry-after'], '1');
    assert.equal(codeOf(rejected.body), 'TooManyPendingForwards');
    const refused = await setup({ accept: false }).forwarder.forward('p', request, { write: true });
    assert.equal(refused.status, 503);
    assert.equal(refused.headers['retry-after'], '1');
    assert.equal(codeOf(refused.body), 'PrimaryNotFound');
  });

  it('close settles every pending forward', async () => {
    const { forwarder } = setup();
    const pending = forwarder.forward('p', request, { write: false });
    forwarder.close();
    assert.equal((await pending).status, 504);
    assert.equal(forwarder.inFlightCount, 0);
  });

  it('a change of primary settles forwards to the old one at once (no waiting for the timeout)', async () => {
    const { forwarder } = setup();
    const write = forwarder.forward('old', request, { write: true });
    const read = forwarder.forward('old', { ...request, method: 'GET' }, { write: false });
    const toNew = forwarder.forward('new', request, { write: true });
    forwarder.primaryChanged('new');
    const [w, r] = await Promise.all([write, read]);
    assert.equal(codeOf(w.body), 'TransactionFateUnknown');
    assert.equal(r.status, 503);
    assert.equal(codeOf(r.body), 'PrimaryNotFound');
    assert.equal(forwarder.inFlightCount, 1);
    forwarder.close();
    await toNew;
  });
});
