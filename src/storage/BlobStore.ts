import type { Readable } from 'node:stream';

import { BadInput } from '../errors.js';

/** The stream had no bytes: nothing was stored. */
export class EmptyBlob extends BadInput {
  constructor() {
    super('The file is empty; send a file with at least one byte');
  }
}

export interface StoredBlob {
  /** The sha256 of the bytes, in hex: blobs are content-addressed. */
  key: string;
  size: number;
  md5: string;
  sha256: string;
}

export interface ByteRange {
  start: number;
  /** Inclusive, as in an HTTP Range header. */
  end: number;
}

export interface PutOptions {
  /** The stream is cut off with PayloadTooLarge past this many bytes. */
  maxBytes: number;
}

/** Where the bytes of assets live. Nothing half-written is ever visible under a key. */
export interface BlobStore {
  /** Streams `source` into the store while hashing it; nothing is kept if the stream fails or is empty. */
  put(source: Readable, options: PutOptions): Promise<StoredBlob>;
  /** A stream of the blob's bytes (or of a range of them). */
  get(key: string, range?: ByteRange): Promise<Readable>;
  /** Throws when the store cannot take a write now (for the readiness check). */
  checkWritable(): Promise<void>;
  /** Says where the blobs are, for the start banner. */
  describe(): string;
}
