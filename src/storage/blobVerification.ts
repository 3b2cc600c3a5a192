import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type BlobStore, DamagedBlob, MissingBlob } from './BlobStore.js';

/** A blob the database points at: its key and the size its rows say it has. */
export interface ExpectedBlob {
  key: string;
  size: number;
  /** The assets whose rows (current or earlier versions) point at it, to name in the report. */
  assetIds: string[];
}

export interface BlobProblem {
  key: string;
  kind: 'damaged' | 'missing';
  reason: string;
  assetIds: string[];
}

export interface VerificationReport {
  /** Blobs hashed, and their bytes. */
  checked: number;
  bytes: number;
  problems: BlobProblem[];
  /** Blobs in the store that no row points at (left by a crash between storing and recording; harmless). */
  unreferenced: string[];
}

export interface VerificationProgress {
  done: number;
  total: number;
  bytes: number;
}

/**
 * Reads every blob the store holds and every blob the rows point at, each hashed anew: damaged when its
 * bytes do not hash to its key or its size is not the rows', missing when a row points at nothing. One at a
 * time, so that a verify beside a serving instance takes one disk read's share.
 */
export async function verifyBlobs(
  store: BlobStore,
  expected: ExpectedBlob[],
  onProgress: (progress: VerificationProgress) => void,
): Promise<VerificationReport> {
  const byKey = new Map(expected.map((blob) => [blob.key, blob]));
  const held = new Set<string>();
  for await (const key of store.keys()) held.add(key);
  const keys = [...new Set([...byKey.keys(), ...held])].sort();
  const report: VerificationReport = { checked: 0, bytes: 0, problems: [], unreferenced: [] };
  for (const [index, key] of keys.entries()) {
    const rows = byKey.get(key);
    if (!rows) report.unreferenced.push(key);
    const problem = (kind: BlobProblem['kind'], reason: string) =>
      report.problems.push({ key, kind, reason, assetIds: rows?.assetIds ?? [] });
    try {
      const size = await byteCountOf(store, key);
      report.checked++;
      report.bytes += size;
      if (rows && size !== rows.size) problem('damaged', `${size} bytes, ${rows.size} recorded`);
    } catch (error) {
      if (error instanceof MissingBlob) problem('missing', 'no blob under its key');
      else if (error instanceof DamagedBlob) problem('damaged', error.reason);
      else problem('damaged', `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    onProgress({ done: index + 1, total: keys.length, bytes: report.bytes });
  }
  return report;
}

/** Reads the blob through the store's hashing read (DamagedBlob at its end when damaged); its length. */
async function byteCountOf(store: BlobStore, key: string): Promise<number> {
  let size = 0;
  const counter = new Writable({
    write(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      done();
    },
  });
  await pipeline(await store.get(key), counter);
  return size;
}
