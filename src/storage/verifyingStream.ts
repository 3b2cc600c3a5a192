import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { DamagedBlob } from './BlobStore.js';

/** Bytes held back at least: a blob this small is checked whole before its first byte goes on. */
const HELD_BYTES = 256 * 1024;

/**
 * Passes a blob's bytes on while hashing them, its last HELD_BYTES held back until the sha256 is the key's,
 * so a damaged blob never reaches a reader whole (a small one, not at all); it ends with DamagedBlob instead.
 */
export class VerifyingStream extends Transform {
  private readonly hash: Hash = createHash('sha256');
  private readonly held: Buffer[] = [];
  private heldBytes = 0;

  constructor(
    private readonly key: string,
    private readonly onVerdict: (intact: boolean) => void,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.hash.update(chunk);
    this.held.push(chunk);
    this.heldBytes += chunk.length;
    for (let oldest = this.held[0]; oldest && this.heldBytes - oldest.length >= HELD_BYTES; oldest = this.held[0]) {
      this.held.shift();
      this.heldBytes -= oldest.length;
      this.push(oldest);
    }
    done();
  }

  override _flush(done: TransformCallback): void {
    const intact = this.hash.digest('hex') === this.key;
    this.onVerdict(intact);
    if (!intact) {
      done(new DamagedBlob(this.key, 'its bytes do not hash to its key'));
      return;
    }
    for (const chunk of this.held) this.push(chunk);
    done();
  }
}
