import { createHmac, timingSafeEqual } from 'node:crypto';
import type { SecretBox } from './secretBox.js';

/** What a signed URL opens: one file of one asset. */
export type SignedFile = 'original' | 'preview' | 'thumbnail';

export interface UrlSignature {
  /** Seconds since the epoch after which the URL no longer works. */
  expires: number;
  signature: string;
}

/**
 * Signs and checks the URLs of WoodWing's v2 `signed-*-url` calls: an HMAC-SHA256 over the asset id, the file
 * and the expiry, under a key derived from the server's secret (SECRET_KEY, or the key file in DATA_DIR), so
 * that every instance sharing that secret accepts the URLs of every other. Nothing is stored.
 */
export class UrlSigner {
  private readonly key: Buffer;

  constructor(secretBox: SecretBox) {
    this.key = secretBox.keyFor('asset-gateway signed urls v1');
  }

  private mac(assetId: string, file: SignedFile, expires: number): Buffer {
    return createHmac('sha256', this.key).update(`${assetId}\n${file}\n${expires}`).digest();
  }

  sign(assetId: string, file: SignedFile, expires: number): UrlSignature {
    return { expires, signature: this.mac(assetId, file, expires).toString('base64url') };
  }

  /** Whether `signature` is this server's for that asset, file and expiry (compared in constant time). */
  holds(assetId: string, file: SignedFile, expires: number, signature: string): boolean {
    const given = Buffer.from(signature, 'base64url');
    // Base64 decoding ignores the last character's spare bits: only the one spelling this server writes is its.
    if (given.toString('base64url') !== signature) return false;
    const expected = this.mac(assetId, file, expires);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}
