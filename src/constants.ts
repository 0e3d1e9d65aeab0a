// constants.ts holds every limit in Consort (STYLE rule 4): names carry their unit last, and the
// relationships between limits are asserted once, at load time, with the reason beside them.
// Sections are appended by the owners of each subsystem; keep each one grouped and commented.
import { assert } from './ds/assert.js';

// ---- Store and ledger sizes (DESIGN §10) ----

/** mapNameBytesMax bounds the UTF-8 length of a KV map name. */
export const mapNameBytesMax = 256;
/** keyBytesMax bounds one KV key. */
export const keyBytesMax = 64 * 1024;
/** valueBytesMax bounds one KV value. */
export const valueBytesMax = 1024 * 1024;
/** ledgerEntryBytesMax bounds one serialised ledger entry (and each of its write-set domains). */
export const ledgerEntryBytesMax = 8 * 1024 * 1024;
/** requestBodyBytesMax bounds one HTTP request body. */
export const requestBodyBytesMax = 1024 * 1024;

// A transaction that writes one maximal key and value must still fit in one ledger entry,
// otherwise a write accepted by the store could never be replicated.
assert(
  mapNameBytesMax + keyBytesMax + valueBytesMax + 64 < ledgerEntryBytesMax,
  'one maximal write fits in a ledger entry',
);
// A request body is turned into at most one value; a body that fits must be storable.
assert(requestBodyBytesMax <= valueBytesMax, 'a maximal request body fits in one value');

// ---- Node-to-node wire and transport (DESIGN §8, docs/wire.md) ----

/** frameBytesMax bounds one frame's payload on a node-to-node stream (checked before buffering). */
export const frameBytesMax = 64 * 1024 * 1024;
/** helloBytesMax bounds the hello payload, and every frame that arrives before the hello. */
export const helloBytesMax = 1024;
/** wireNodeIdBytesMax bounds the UTF-8 length of a node id inside a wire message. */
export const wireNodeIdBytesMax = 256;
/** wireConfigNodesCountMax bounds voters + learners of one configuration on the wire. */
export const wireConfigNodesCountMax = 1024;
/** wireSnapshotConfigsCountMax bounds the configurations carried by one snapshot. */
export const wireSnapshotConfigsCountMax = 16;
/** wireEntriesCountMax bounds the entries of one AppendEntries message. */
export const wireEntriesCountMax = 1_000_000;
/** peerQueueBytesMax bounds the payload bytes queued for one peer (more is dropped). */
export const peerQueueBytesMax = 2 * frameBytesMax;
/** peerQueueCountMax bounds the frames queued for one peer (more are dropped). */
export const peerQueueCountMax = 16_384;
/** reconnectDelayMsMin/Max bound the exponential reconnect backoff (before jitter). */
export const reconnectDelayMsMin = 50;
export const reconnectDelayMsMax = 5_000;
/** connectTimeoutMs bounds TCP connect + TLS handshake of an outgoing connection. */
export const connectTimeoutMs = 5_000;
/** helloTimeoutMs bounds handshake + hello of an incoming connection. */
export const helloTimeoutMs = 5_000;
/** incomingConnectionsCountMax bounds simultaneous incoming node-to-node connections. */
export const incomingConnectionsCountMax = 256;

// One maximal ledger entry must fit in one frame, or a stored entry could never be replicated.
assert(ledgerEntryBytesMax + 4096 <= frameBytesMax, 'a maximal entry fits in one frame');
// A peer queue must hold at least one maximal frame, or such a frame could never be sent.
assert(peerQueueBytesMax >= frameBytesMax, 'a maximal frame fits in a peer queue');
// The hello is one frame, so it is bounded by the frame limit too.
assert(helloBytesMax <= frameBytesMax, 'a hello fits in a frame');
assert(reconnectDelayMsMin < reconnectDelayMsMax, 'backoff range is not empty');
