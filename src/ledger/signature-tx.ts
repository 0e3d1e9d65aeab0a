// Signature transactions (DESIGN §5): the primary's ECDSA P-256 signature over the Merkle root of
// every entry before it, written to `public:ccf.internal.signatures`, with the tree's frontier in
// `public:ccf.internal.tree`. Field names follow CCF's PrimarySignature.
import { ByteReader } from '../codec/byte-reader.js';
import { ByteWriter } from '../codec/byte-writer.js';
import { FormatError } from '../ds/errors.js';
import { base64ToBytes, bytesToBase64, bytesToHex, hexToBytes, utf8 } from '../crypto/encoding.js';
import { deserializeWriteSet, serializeWriteSet } from '../kv/write-set.js';

export const SIGNATURES_MAP = 'public:ccf.internal.signatures';
export const TREE_MAP = 'public:ccf.internal.tree';
const SINGLE_KEY = utf8('0');

/** PrimarySignature is what a signature transaction records. */
export interface PrimarySignature {
  readonly view: number;
  readonly seqno: number;
  /** Hex SHA-256 root of the tree over entries 1..seqno-1. */
  readonly root: string;
  readonly nodeId: string;
  /** DER ECDSA P-256 signature over the root (as a digest), base64. */
  readonly signature: string;
  readonly commitSeqno: number;
  /** The tree frontier (peak hashes, left to right) at size seqno-1, for later appends. */
  readonly frontier: readonly Uint8Array[];
}

function encodeFrontier(frontier: readonly Uint8Array[]): Uint8Array {
  const w = new ByteWriter(2 + frontier.length * 32);
  w.u8(1);
  w.u8(frontier.length);
  for (const hash of frontier) w.raw(hash);
  return w.finish();
}

function decodeFrontier(bytes: Uint8Array): Uint8Array[] {
  const r = new ByteReader(bytes);
  if (r.u8('tree version') !== 1) throw new FormatError('unknown tree frontier version', 0);
  const count = r.u8('peak count');
  if (count > 54) throw new FormatError('too many peaks', 1);
  const out: Uint8Array[] = [];
  for (let i = 0; i < count; i++) out.push(r.raw(32, 'peak'));
  r.expectEnd('tree frontier');
  return out;
}

/** encodeSignaturePublicDomain serialises the signature's public write set. */
export function encodeSignaturePublicDomain(sig: PrimarySignature): Uint8Array {
  const json = JSON.stringify({
    view: sig.view,
    seqno: sig.seqno,
    root: sig.root,
    node: sig.nodeId,
    sig: sig.signature,
    commit_seqno: sig.commitSeqno,
  });
  const domains = serializeWriteSet({
    maps: [
      { name: SIGNATURES_MAP, writes: [{ key: SINGLE_KEY, value: utf8(json) }] },
      { name: TREE_MAP, writes: [{ key: SINGLE_KEY, value: encodeFrontier(sig.frontier) }] },
    ],
  });
  return domains.publicBytes;
}

function field<T>(value: unknown, check: (v: unknown) => v is T, name: string): T {
  if (!check(value)) throw new FormatError(`signature field ${name} is malformed`, 0);
  return value;
}
const isIndex = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const isString = (v: unknown): v is string => typeof v === 'string';

/** decodeSignaturePublicDomain parses a signature entry's public domain; throws FormatError. */
export function decodeSignaturePublicDomain(publicBytes: Uint8Array): PrimarySignature {
  const ws = deserializeWriteSet({ publicBytes, privateBytes: new Uint8Array(0) });
  const sigMap = ws.maps.find((m) => m.name === SIGNATURES_MAP);
  const treeMap = ws.maps.find((m) => m.name === TREE_MAP);
  const sigValue = sigMap?.writes[0]?.value;
  const treeValue = treeMap?.writes[0]?.value;
  if (ws.maps.length !== 2 || !sigValue || !treeValue) {
    throw new FormatError('a signature entry writes exactly the signature and tree maps', 0);
  }
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(sigValue));
  } catch (error) {
    throw new FormatError('signature record is not JSON', 0, error);
  }
  if (typeof json !== 'object' || json === null) throw new FormatError('signature record', 0);
  const root = field(json.root, isString, 'root');
  const signature = field(json.sig, isString, 'sig');
  hexToBytes(root, 32);
  base64ToBytes(signature);
  return {
    view: field(json.view, isIndex, 'view'),
    seqno: field(json.seqno, isIndex, 'seqno'),
    root,
    nodeId: field(json.node, isString, 'node'),
    signature,
    commitSeqno: field(json.commit_seqno, isIndex, 'commit_seqno'),
    frontier: decodeFrontier(treeValue),
  };
}

export { bytesToBase64, bytesToHex };
