// ECDSA P-256 with SHA-256 (DESIGN §6). Signatures are DER-encoded (as in CCF receipts and X.509).
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';
import { assert } from '../ds/assert.js';
import { CryptoFormatError } from './errors.js';

const P256_CURVE = 'prime256v1';

function checkP256(key: KeyObject, what: string): void {
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (key.asymmetricKeyType !== 'ec' || curve !== P256_CURVE) {
    throw new CryptoFormatError(`${what} is not an ECDSA P-256 key`);
  }
}

/** PublicKey is an ECDSA P-256 public key (opaque; `keyObject` is for src/crypto only). */
export class PublicKey {
  /** spkiDer memoises toDer: exporting a KeyObject costs more than an ECDSA verification. */
  private spkiDer: Uint8Array | null = null;

  private constructor(readonly keyObject: KeyObject) {}

  /** PublicKey.fromKeyObject wraps a node:crypto key; throws CryptoFormatError unless P-256. */
  static fromKeyObject(key: KeyObject): PublicKey {
    assert(key.type === 'public', 'fromKeyObject: expected a public key');
    checkP256(key, 'public key');
    return new PublicKey(key);
  }

  /** PublicKey.fromPem parses an SPKI PEM; throws CryptoFormatError. */
  static fromPem(pem: string): PublicKey {
    let key: KeyObject;
    try {
      key = createPublicKey({ key: pem, format: 'pem' });
    } catch (error) {
      throw new CryptoFormatError('public key PEM does not parse', error);
    }
    return PublicKey.fromKeyObject(key);
  }

  /** PublicKey.fromDer parses an SPKI DER; throws CryptoFormatError. */
  static fromDer(der: Uint8Array): PublicKey {
    let key: KeyObject;
    try {
      key = createPublicKey({ key: Buffer.from(der), format: 'der', type: 'spki' });
    } catch (error) {
      throw new CryptoFormatError('public key DER does not parse', error);
    }
    return PublicKey.fromKeyObject(key);
  }

  /** toDer returns the SubjectPublicKeyInfo DER (what node ids hash, DESIGN §6). */
  toDer(): Uint8Array {
    this.spkiDer ??= new Uint8Array(this.keyObject.export({ format: 'der', type: 'spki' }));
    return this.spkiDer.slice();
  }

  /** toPem returns the SubjectPublicKeyInfo PEM. */
  toPem(): string {
    return this.keyObject.export({ format: 'pem', type: 'spki' }).toString();
  }
}

/** PrivateKey is an ECDSA P-256 private key. */
export class PrivateKey {
  private constructor(readonly keyObject: KeyObject) {}

  /** PrivateKey.fromKeyObject wraps a node:crypto key; throws CryptoFormatError unless P-256. */
  static fromKeyObject(key: KeyObject): PrivateKey {
    assert(key.type === 'private', 'fromKeyObject: expected a private key');
    checkP256(key, 'private key');
    return new PrivateKey(key);
  }

  /** PrivateKey.fromPem parses a PKCS#8 or SEC1 PEM; throws CryptoFormatError. */
  static fromPem(pem: string): PrivateKey {
    let key: KeyObject;
    try {
      key = createPrivateKey({ key: pem, format: 'pem' });
    } catch (error) {
      throw new CryptoFormatError('private key PEM does not parse', error);
    }
    return PrivateKey.fromKeyObject(key);
  }

  /** toPem returns the PKCS#8 PEM. */
  toPem(): string {
    return this.keyObject.export({ format: 'pem', type: 'pkcs8' }).toString();
  }

  /** toPkcs8Der returns the PKCS#8 DER. */
  toPkcs8Der(): Uint8Array {
    return new Uint8Array(this.keyObject.export({ format: 'der', type: 'pkcs8' }));
  }

  /** publicKey derives the matching public key. */
  publicKey(): PublicKey {
    return PublicKey.fromKeyObject(createPublicKey(this.keyObject));
  }
}

/** KeyPair is a private key with its public key. */
export interface KeyPair {
  readonly privateKey: PrivateKey;
  readonly publicKey: PublicKey;
}

/** generateKeyPair creates a fresh ECDSA P-256 key pair (randomness from node:crypto). */
export function generateKeyPair(): KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: P256_CURVE });
  return {
    privateKey: PrivateKey.fromKeyObject(privateKey),
    publicKey: PublicKey.fromKeyObject(publicKey),
  };
}

/**
 * signSha256 signs SHA-256(data) with ECDSA and returns the DER signature. To sign a value that is
 * itself a digest (a Merkle root, DESIGN §11), pass its preimage: the digest computed here is it.
 */
export function signSha256(privateKey: PrivateKey, data: Uint8Array): Uint8Array {
  return new Uint8Array(sign('sha256', data, { key: privateKey.keyObject, dsaEncoding: 'der' }));
}

/**
 * verifySha256 checks a DER ECDSA signature over SHA-256(data). Returns false (never throws) for a
 * wrong or malformed signature.
 */
export function verifySha256(publicKey: PublicKey, data: Uint8Array, signature: Uint8Array): boolean {
  try {
    return verify('sha256', data, { key: publicKey.keyObject, dsaEncoding: 'der' }, signature);
  } catch {
    return false;
  }
}
