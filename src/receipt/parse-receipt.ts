// Total parser from unknown JSON to a shape-checked Receipt: every failure is a ReceiptFormatError
// naming the field. It checks types, lengths and encodings; verify-receipt.ts checks meaning.
import { base64ToBytes, isCanonicalBase64 } from '../crypto/encoding.js';
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

/** IS_HEX[code] is 1 for the char codes of 0-9, a-f, A-F (codes below 128). */
const IS_HEX = Uint8Array.from({ length: 128 }, (_, c) =>
  (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70) ? 1 : 0,
);

/** isDigestHex: exactly 64 hex digits, either case (a table loop: about twice a regex's speed). */
function isDigestHex(text: string): boolean {
  if (text.length !== 64) return false;
  for (let i = 0; i < 64; i++) {
    const c = text.charCodeAt(i);
    if (c > 127 || IS_HEX[c] === 0) return false;
  }
  return true;
}

function expectDigestHex(value: unknown, path: string): string {
  const text = expectString(value, path, 64);
  if (!isDigestHex(text)) {
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

/** parseProof parses the path; element paths are only built for the error of a bad element. */
function parseProof(value: unknown, path: string): ReceiptProofStep[] {
  if (!Array.isArray(value)) throw new ReceiptFormatError(path, 'expected an array');
  if (value.length > proofStepsMax) throw new ReceiptFormatError(path, `more than ${proofStepsMax} elements`);
  const steps: ReceiptProofStep[] = [];
  for (let i = 0; i < value.length; i++) {
    const element: unknown = value[i];
    if (isObject(element)) {
      const hasLeft = Object.hasOwn(element, 'left');
      const hex = hasLeft ? element.left : element.right;
      if (hasLeft !== Object.hasOwn(element, 'right') && typeof hex === 'string' && isDigestHex(hex)) {
        steps.push(hasLeft ? { left: hex } : { right: hex });
        continue;
      }
    }
    steps.push(parseProofStep(element, `${path}[${i}]`)); // throws the precise error
  }
  return steps;
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
  if (!isCanonicalBase64(text)) {
    try {
      base64ToBytes(text);
    } catch (error) {
      throw new ReceiptFormatError(path, 'expected canonical base64', error);
    }
  }
  return text;
}

function parseBody(object: JsonObject, prefix: string, transactionId: unknown): Receipt {
  const endorsements = field(object, 'serviceEndorsements');
  // One object, optional fields added in place (cheaper than spreading it twice).
  const receipt: { -readonly [K in keyof Receipt]: Receipt[K] } = {
    cert: expectPem(field(object, 'cert'), `${prefix}cert`),
    leafComponents: parseLeafComponents(field(object, 'leafComponents'), `${prefix}leafComponents`),
    nodeId: expectDigestHex(field(object, 'nodeId'), `${prefix}nodeId`),
    proof: parseProof(field(object, 'proof'), `${prefix}proof`),
    signature: parseSignature(field(object, 'signature'), `${prefix}signature`),
  };
  if (endorsements !== undefined) {
    receipt.serviceEndorsements = parseArray(
      endorsements,
      `${prefix}serviceEndorsements`,
      serviceEndorsementsCountMax,
      expectPem,
    );
  }
  if (transactionId !== undefined) receipt.transactionId = expectString(transactionId, 'transactionId', 40);
  return receipt;
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
