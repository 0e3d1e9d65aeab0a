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
