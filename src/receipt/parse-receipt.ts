// Total parser from unknown JSON to a shape-checked Receipt: every failure is a ReceiptFormatError
// naming the field. It checks types, lengths and encodings; verify-receipt.ts checks meaning.
import { base64ToBytes } from '../crypto/encoding.js';
import { ReceiptFormatError } from './errors.js';
import {
  certPemCharsMax,
  commitEvidenceCharsMax,
  proofStepsMax,
  receiptJsonBytesMax,
  serviceEndorsementsCountMax,
  signatureBase64CharsMax,
} from './limits.js';
import type { Receipt, ReceiptLeafComponents, ReceiptProofStep } from './receipt.js';

type JsonObject = { readonly [key: string]: unknown };

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function field(object: JsonObject, key: string): unknown {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

function expectObject(value: unknown, path: string): JsonObject {
  if (!isObject(value)) throw new ReceiptFormatError(path, 'expected an object');
  return value;
}

function expectString(value: unknown, path: string, charsMax: number): string {
  if (typeof value !== 'string') throw new ReceiptFormatError(path, 'expected a string');
  if (value.length > charsMax) throw new ReceiptFormatError(path, `longer than ${charsMax} chars`);
  return value;
}

const DIGEST_HEX_PATTERN = /^[0-9a-fA-F]{64}$/;

function expectDigestHex(value: unknown, path: string): string {
  const text = expectString(value, path, 64);
  if (!DIGEST_HEX_PATTERN.test(text)) {
    throw new ReceiptFormatError(path, 'expected 64 hex characters (32 bytes)');
  }
  return text;
}

function expectPem(value: unknown, path: string): string {
  const text = expectString(value, path, certPemCharsMax);
  if (!text.includes('-----BEGIN CERTIFICATE-----')) {
    throw new ReceiptFormatError(path, 'expected a PEM certificate');
  }
  return text;
}

function parseProofStep(value: unknown, path: string): ReceiptProofStep {
  const step = expectObject(value, path);
  const hasLeft = Object.hasOwn(step, 'left');
  const hasRight = Object.hasOwn(step, 'right');
  if (hasLeft === hasRight) throw new ReceiptFormatError(path, 'expected exactly one of left, right');
  return hasLeft
    ? { left: expectDigestHex(step.left, `${path}.left`) }
    : { right: expectDigestHex(step.right, `${path}.right`) };
}

function parseArray<T>(value: unknown, path: string, countMax: number, item: (v: unknown, p: string) => T): T[] {
  if (!Array.isArray(value)) throw new ReceiptFormatError(path, 'expected an array');
  if (value.length > countMax) throw new ReceiptFormatError(path, `more than ${countMax} elements`);
  return value.map((element: unknown, i) => item(element, `${path}[${i}]`));
}

function parseLeafComponents(value: unknown, path: string): ReceiptLeafComponents {
  const object = expectObject(value, path);
  return {
    writeSetDigest: expectDigestHex(field(object, 'writeSetDigest'), `${path}.writeSetDigest`),
    commitEvidence: expectString(
      field(object, 'commitEvidence'),
      `${path}.commitEvidence`,
      commitEvidenceCharsMax,
    ),
    claimsDigest: expectDigestHex(field(object, 'claimsDigest'), `${path}.claimsDigest`),
  };
}

function parseSignature(value: unknown, path: string): string {
  const text = expectString(value, path, signatureBase64CharsMax);
  try {
    base64ToBytes(text);
  } catch (error) {
    throw new ReceiptFormatError(path, 'expected canonical base64', error);
  }
  return text;
}

function parseBody(object: JsonObject, prefix: string, transactionId: unknown): Receipt {
  const endorsements = field(object, 'serviceEndorsements');
  const receipt: Receipt = {
    cert: expectPem(field(object, 'cert'), `${prefix}cert`),
    leafComponents: parseLeafComponents(field(object, 'leafComponents'), `${prefix}leafComponents`),
    nodeId: expectDigestHex(field(object, 'nodeId'), `${prefix}nodeId`),
    proof: parseArray(field(object, 'proof'), `${prefix}proof`, proofStepsMax, parseProofStep),
    signature: parseSignature(field(object, 'signature'), `${prefix}signature`),
  };
  const withEndorsements =
    endorsements === undefined
      ? receipt
      : {
          ...receipt,
          serviceEndorsements: parseArray(
            endorsements,
            `${prefix}serviceEndorsements`,
            serviceEndorsementsCountMax,
            expectPem,
          ),
        };
  if (transactionId === undefined) return withEndorsements;
  return { ...withEndorsements, transactionId: expectString(transactionId, 'transactionId', 40) };
}

/**
 * parseReceipt checks the shape of a receipt: either the receipt object itself (optionally with a
 * `transactionId`), or ACL's envelope `{receipt, state, transactionId}`. Unknown fields are ignored.
 * Throws ReceiptFormatError with the path of the first bad field.
 */
export function parseReceipt(value: unknown): Receipt {
  const object = expectObject(value, '$');
  const envelope = field(object, 'receipt');
  if (!Object.hasOwn(object, 'cert') && envelope !== undefined) {
    return parseBody(expectObject(envelope, 'receipt'), 'receipt.', field(object, 'transactionId'));
  }
  return parseBody(object, '', field(object, 'transactionId'));
}

/** parseReceiptJson parses receipt text (bounded by receiptJsonBytesMax); ReceiptFormatError. */
export function parseReceiptJson(text: string): Receipt {
  if (text.length > receiptJsonBytesMax) {
    throw new ReceiptFormatError('$', `longer than ${receiptJsonBytesMax} chars`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ReceiptFormatError('$', 'not valid JSON', error);
  }
  return parseReceipt(value);
}
