// Goal: framing a batch of records in place (logRecordSizeBytes + encodeLogRecordInto, what ledger
// files write) gives exactly the bytes of encodeLogRecord, record by record, and scans back.
// Method: data, signature and config entries with varint edge sizes, framed one after another.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LogEntry } from '../consensus/types.js';
import { encodeLogRecord, encodeLogRecordInto, logRecordSizeBytes, scanRecords } from './log-record.js';

const entries: LogEntry[] = [
  { view: 1, seqno: 1, kind: 'data', data: new Uint8Array(0) },
  { view: 127, seqno: 2, kind: 'signature', data: new Uint8Array(127).fill(3) },
  { view: 128, seqno: 3, kind: 'config', data: new Uint8Array(5).fill(4), config: { voters: ['a', 'bé'], learners: ['c'] } },
  { view: 2 ** 40, seqno: 4, kind: 'data', data: new Uint8Array(20_000).fill(5) },
];

describe('log records framed in place', () => {
  it('equal encodeLogRecord byte for byte and scan back', () => {
    const sizes = entries.map(logRecordSizeBytes);
    assert.deepEqual(sizes, entries.map((e) => encodeLogRecord(e).length));
    const buffer = new Uint8Array(sizes.reduce((a, b) => a + b, 0) + 3).fill(0xee);
    let offset = 3;
    for (const entry of entries) {
      const end = encodeLogRecordInto(entry, buffer, offset);
      assert.deepEqual(buffer.subarray(offset, end), encodeLogRecord(entry));
      offset = end;
    }
    assert.equal(offset, buffer.length);
    const scanned = scanRecords(buffer.subarray(3), 1);
    assert.equal(scanned.problem, null);
    assert.deepEqual(scanned.entries.map((e) => e.seqno), [1, 2, 3, 4]);
  });
});
