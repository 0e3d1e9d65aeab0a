// X.509 parsing and signature checks with node:crypto's X509Certificate (DESIGN §11).
import { type KeyObject, X509Certificate } from 'node:crypto';
import { PublicKey } from './ecdsa.js';
import { CryptoFormatError } from './errors.js';

/** Certificate is a parsed X.509 certificate whose subject key is ECDSA P-256. */
export class Certificate {
  /** publicKey is the subject's P-256 key. */
  readonly publicKey: PublicKey;

  private constructor(
    private readonly x509: X509Certificate,
    publicKey: PublicKey,
  ) {
    this.publicKey = publicKey;
  }

  /**
   * Certificate.fromPem parses one PEM certificate. Throws CryptoFormatError when it does not parse
   * or its key is not P-256.
   */
  static fromPem(pem: string): Certificate {
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
      throw new CryptoFormatError('not a PEM certificate');
    }
    return Certificate.parse(pem);
  }

  /** Certificate.fromDer parses a DER certificate; throws CryptoFormatError. */
  static fromDer(der: Uint8Array): Certificate {
    return Certificate.parse(Buffer.from(der));
  }

  private static parse(input: string | Buffer): Certificate {
    let x509: X509Certificate;
    let key: KeyObject;
    try {
      x509 = new X509Certificate(input);
      // The key is decoded lazily by node: a certificate can parse while its key does not.
      key = x509.publicKey;
    } catch (error) {
      throw new CryptoFormatError('certificate does not parse', error);
    }
    return new Certificate(x509, PublicKey.fromKeyObject(key));
  }

  /** der is the certificate's DER encoding (what member/user ids hash). */
  get der(): Uint8Array {
    return new Uint8Array(this.x509.raw);
  }

  /** pem is the certificate in PEM form. */
  get pem(): string {
    return this.x509.toString();
  }

  get subject(): string {
    return this.x509.subject;
  }

  get issuer(): string {
    return this.x509.issuer;
  }

  get isCa(): boolean {
    return this.x509.ca;
  }

  get validFrom(): Date {
    return new Date(this.x509.validFrom);
  }

  get validTo(): Date {
    return new Date(this.x509.validTo);
  }

  /** isValidAt tells whether `at` lies within [validFrom, validTo]. */
  isValidAt(at: Date): boolean {
    const t = at.getTime();
    return this.validFrom.getTime() <= t && t <= this.validTo.getTime();
  }

  /** isSignedBy checks this certificate's signature with `issuerKey` (never throws). */
  isSignedBy(issuerKey: PublicKey): boolean {
    try {
      return this.x509.verify(issuerKey.keyObject);
    } catch {
      return false;
    }
  }
}
