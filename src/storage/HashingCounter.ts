import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { PayloadTooLarge } from '../errors.js';

/**
 * Passes bytes through unchanged while counting them and hashing them (md5 and sha256), and fails with
 * PayloadTooLarge as soon as more than `maxBytes` have passed, before the extra bytes go any further.
 */
export class HashingCounter extends Transform {
  // Not `size`: lib-storage's Upload would take a `size` on its body for the total length, known in advance.
  bytesPassed = 0;
  private readonly md5 = createHash('md5');
  private readonly sha256 = createHash('sha256');

  constructor(private readonly maxBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.bytesPassed += chunk.length;
    if (this.bytesPassed > this.maxBytes) {
      done(new PayloadTooLarge(`The file is larger than the limit of ${this.maxBytes} bytes`));
      return;
    }
    this.md5.update(chunk);
    this.sha256.update(chunk);
    done(null, chunk);
  }

  /** The hex digests of everything that passed; call once, after the stream has ended. */
  digests(): { md5: string; sha256: string } {
    return { md5: this.md5.digest('hex'), sha256: this.sha256.digest('hex') };
  }
}
