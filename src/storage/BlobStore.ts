import type { Readable, Writable } from 'node:stream';

import { BadInput, InsufficientStorage } from '../errors.js';

/** No blob under that key: a row points at bytes the store does not hold (a server fault, not the client's). */
export class MissingBlob extends Error {
  constructor(key: string) {
    super(`no blob under the key ${key}`);
    this.name = 'MissingBlob';
  }
}

/**
 * The bytes under a key are not the ones stored there (changed or truncated on disk, or in the bucket): they
 * are never served as the asset. A server fault, answered with an error and logged.
 */
export class DamagedBlob extends Error {
  constructor(
    readonly key: string,
    readonly reason: string,
  ) {
    super(`the blob ${key} is damaged: ${reason}`);
    this.name = 'DamagedBlob';
  }
}

/** Which blob to read, and its size as stored (from its row), checked before any byte goes out. */
export interface BlobRef {
  key: string;
  size: number;
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

/**
 * Bytes received and hashed but not yet under their key: the caller decides whether they are kept (an
 * empty file, a request refused for a field that followed the file). Until `keep`, nothing names them:
 * `discard` (or a restart, for an hour-old leftover) removes them.
 */
export interface StagedBlob extends StoredBlob {
  /** The first bytes (up to 4 KiB), read as they streamed in, to tell the file's type by its content. */
  head: Buffer;
  /** Moves the bytes under their key (removes them if that fails); again, the same blob. Refused after `discard`. */
  keep(): Promise<StoredBlob>;
  /** Removes the bytes unless `keep` was called first; safe to call more than once. */
  discard(): Promise<void>;
}

/** Where the bytes of assets live. Nothing half-written is ever visible under a key. */
export interface BlobStore {
  /** Streams `source` into the store's staging area while hashing it; nothing is left if the stream fails. */
  stage(source: Readable, options: PutOptions): Promise<StagedBlob>;
  /**
   * A stream of the blob's bytes (or of a range of them); MissingBlob when there is none under the key. Bytes
   * that do not hash to their key end the stream with DamagedBlob before its last chunk.
   */
  get(key: string, range?: ByteRange): Promise<Readable>;
  /**
   * Writes the blob's bytes (or a range of them) into `destination` and ends it: MissingBlob before anything
   * is written when there is none under the key, DamagedBlob when its size or hash is not the stored one
   * (before anything is written when that can be known, else in place of the last chunk, the destination
   * destroyed); rejects when the destination is destroyed first.
   */
  writeTo(blob: BlobRef, destination: Writable, range?: ByteRange): Promise<void>;
  /**
   * Removes the blob unless it was stored within the last `recentMs` (another request may have just stored
   * the same bytes and not yet written the row that points at them): true when it is gone or was never
   * there, false when it was kept. The caller has checked that no row points at it.
   */
  removeUnlessRecent(key: string, recentMs: number): Promise<boolean>;
  /** Every key the store holds a blob under, in no set order (for `verify`). */
  keys(): AsyncIterable<string>;
  /** Throws when the store cannot take a write now (for the readiness check). */
  checkWritable(): Promise<void>;
  /** Says where the blobs are, for the start banner. */
  describe(): string;
  /** Lets go of connections and sockets at shutdown; nothing is read or written after it. */
  close(): Promise<void>;
}

/** ENOSPC (disk full) or EDQUOT (quota) as the client's InsufficientStorage; any other error as it is. */
export function asStorageFull(error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code !== 'ENOSPC' && code !== 'EDQUOT') return error;
  return new InsufficientStorage('The server has no room left to store this file; nothing was stored. Try again later');
}

const BLOB_KEY = /^[0-9a-f]{64}$/;

/** Keys are sha256 hex and nothing else: checked before one becomes part of a path or an object key. */
export function checkBlobKey(key: string): void {
  if (!BLOB_KEY.test(key)) throw new Error(`not a blob key: ${JSON.stringify(key.slice(0, 100))}`);
}

/**
 * A staged blob whose `keep` and `discard` run at most once each, and never both. `moveIntoPlace` removes
 * the staged bytes itself when it fails.
 */
export function stagedBlob(
  blob: StoredBlob,
  head: Buffer,
  moveIntoPlace: () => Promise<void>,
  remove: () => Promise<void>,
): StagedBlob {
  let kept: Promise<StoredBlob> | null = null;
  let discarded: Promise<void> | null = null;
  return {
    ...blob,
    head,
    keep() {
      if (discarded) return Promise.reject(new BadInput('The request ended before its file was stored'));
      kept ??= moveIntoPlace().then(() => ({ ...blob }));
      return kept;
    },
    discard() {
      if (kept) return Promise.resolve();
      discarded ??= remove().catch(() => {});
      return discarded;
    },
  };
}
