import { Transform, type TransformCallback } from 'node:stream';
import { PayloadTooLarge } from '../errors.js';
import type { HashReply } from './hashMessages.js';
import { type HashJob, startHashJob } from './hashThreads.js';
import { uploadBytesPassed } from './youngBuffers.js';

/**
 * The bytes are copied for the hash thread into slots of this size in memory shared with it, one message per
 * full slot. Shared, not transferred: a buffer transferred back would be new memory to the main thread each
 * time, and V8 answers every 64 MiB of that with a full garbage collection.
 */
const SLOT_BYTES = 512 * 1024;
/** Slots per stream: how far the hash thread may lag behind before the stream waits for it. */
const SLOTS = 4;
/** How many of the first bytes are kept aside, for telling a file's type by its content (file-type reads no more). */
export const HEAD_BYTES = 4096;

/**
 * Passes bytes through unchanged while counting them and hashing them (md5 and sha256), and fails with
 * PayloadTooLarge as soon as more than `maxBytes` have passed, before the extra bytes go any further. The
 * hashing runs on a hash thread (hashThreads.ts), so that it costs the main thread only a copy of the bytes;
 * the stream ends once the digests are back.
 */
export class HashingCounter extends Transform {
  // Not `size`: lib-storage's Upload would take a `size` on its body for the total length, known in advance.
  bytesPassed = 0;
  private readonly job: HashJob;
  private hashes: { md5: string; sha256: string } | null = null;
  private slots: Buffer | null = null;
  private readonly freeSlots: number[] = [];
  /** The slot being filled, and how far. */
  private slot = -1;
  private filled = 0;
  /** A chunk that waits for a slot to be hashed. */
  private waiting: { resume: () => void; done: TransformCallback } | null = null;
  private flushed: TransformCallback | null = null;
  private failure: Error | null = null;
  private finished = false;
  private readonly headBytes = Buffer.allocUnsafe(HEAD_BYTES);
  private headLength = 0;

  constructor(private readonly maxBytes: number) {
    super();
    this.job = startHashJob((reply) => this.onReply(reply));
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    if (this.failure) {
      done(this.failure);
      return;
    }
    this.bytesPassed += chunk.length;
    uploadBytesPassed(chunk.length);
    if (this.bytesPassed > this.maxBytes) {
      done(new PayloadTooLarge(`The file is larger than the limit of ${this.maxBytes} bytes`));
      return;
    }
    if (this.headLength < HEAD_BYTES) this.headLength += chunk.copy(this.headBytes, this.headLength);
    this.push(chunk);
    this.copy(chunk, 0, done);
  }

  override _flush(done: TransformCallback): void {
    if (this.failure) {
      done(this.failure);
      return;
    }
    if (this.filled > 0) this.sendSlot();
    this.open();
    this.flushed = done;
    this.job.send({ job: this.job.id, op: 'end' });
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    this.waiting = null;
    if (!this.finished) {
      this.job.send({ job: this.job.id, op: 'abort' });
      this.finish();
    }
    done(error);
  }

  /** The first bytes that passed, up to HEAD_BYTES of them. */
  head(): Buffer {
    return this.headBytes.subarray(0, this.headLength);
  }

  /** The hex digests of everything that passed; call once the stream has ended. */
  digests(): { md5: string; sha256: string } {
    if (!this.hashes) throw new Error('The digests are known once the stream has ended');
    return this.hashes;
  }

  /** Opens the job with its slots: at the first bytes, since a stream that fails at once needs none. */
  private open(): Buffer {
    if (!this.slots) {
      const slots = new SharedArrayBuffer(SLOTS * SLOT_BYTES);
      this.slots = Buffer.from(slots);
      for (let slot = SLOTS - 1; slot >= 0; slot--) this.freeSlots.push(slot);
      this.job.send({ job: this.job.id, op: 'open', slots, slotBytes: SLOT_BYTES });
    }
    return this.slots;
  }

  /** Copies `chunk` from `from` into slots, sending each one full; waits while every slot is being hashed. */
  private copy(chunk: Buffer, from: number, done: TransformCallback): void {
    const slots = this.open();
    let at = from;
    while (at < chunk.length) {
      if (this.slot < 0) {
        const slot = this.freeSlots.pop();
        if (slot === undefined) {
          this.waiting = { resume: () => this.copy(chunk, at, done), done };
          return;
        }
        this.slot = slot;
        this.filled = 0;
      }
      const to = Math.min(chunk.length, at + SLOT_BYTES - this.filled);
      this.filled += chunk.copy(slots, this.slot * SLOT_BYTES + this.filled, at, to);
      at = to;
      if (this.filled === SLOT_BYTES) this.sendSlot();
    }
    done();
  }

  private sendSlot(): void {
    this.job.send({ job: this.job.id, op: 'bytes', slot: this.slot, length: this.filled });
    this.slot = -1;
    this.filled = 0;
  }

  private onReply(reply: HashReply): void {
    if (reply.op === 'hashed') {
      this.freeSlots.push(reply.slot);
      const waiting = this.waiting;
      this.waiting = null;
      waiting?.resume();
      return;
    }
    if (reply.op === 'digests') this.hashes = { md5: reply.md5, sha256: reply.sha256 };
    else this.failure = new Error(`The file could not be hashed: ${reply.message}`);
    this.finish();
    const waiting = this.waiting;
    const flushed = this.flushed;
    this.waiting = null;
    this.flushed = null;
    waiting?.done(this.failure);
    flushed?.(this.failure);
  }

  private finish(): void {
    this.finished = true;
    this.job.finish();
  }
}
