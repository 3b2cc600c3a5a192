import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { DamagedBlob } from './BlobStore.js';

/**
 * Passes a blob's bytes on while hashing them, one chunk behind: the last chunk goes only once the sha256
 * is the key's, so a damaged blob never reaches a reader whole; it ends with DamagedBlob instead.
 */
export class VerifyingStream extends Transform {
  private readonly hash: Hash = createHash('sha256');
  private held: Buffer | null = null;

  constructor(
    private readonly key: string,
    private readonly onVerdict: (intact: boolean) => void,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.hash.update(chunk);
    const previous = this.held;
    this.held = chunk;
    done(null, previous ?? undefined);
  }

  override _flush(done: TransformCallback): void {
    const intact = this.hash.digest('hex') === this.key;
    this.onVerdict(intact);
    if (!intact) {
      done(new DamagedBlob(this.key, 'its bytes do not hash to its key'));
      return;
    }
    done(null, this.held ?? undefined);
  }
}
