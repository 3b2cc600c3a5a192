import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * What a data folder or bucket holds against what the database points at, after a crash and a restart:
 * the figures of the README's reliability section.
 */
export interface BlobCensus {
  /** Staging files or tmp/ objects still there: uploads that no process will finish. */
  stagingLeftovers: number;
  /** Blobs that no asset, version or rendition row points at. */
  orphanBlobs: number;
  /** Rows whose blob is not there. */
  rowsWithoutBlob: number;
}

type Sql = (query: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;

async function referencedKeys(sql: Sql): Promise<Set<string>> {
  const rows = await sql(
    'select blob_key from assets union select blob_key from asset_versions union select blob_key from renditions where blob_key is not null',
  );
  return new Set(rows.map((row) => String(row.blob_key)));
}

function census(stagingLeftovers: number, blobs: string[], referenced: Set<string>): BlobCensus {
  const held = new Set(blobs);
  return {
    stagingLeftovers,
    orphanBlobs: blobs.filter((key) => !referenced.has(key)).length,
    rowsWithoutBlob: [...referenced].filter((key) => !held.has(key)).length,
  };
}

/** The census of the filesystem store in `blobsDir` (DATA_DIR/blobs by default). */
export async function fileBlobCensus(blobsDir: string, sql: Sql): Promise<BlobCensus> {
  const staging = await readdir(join(blobsDir, '.tmp'));
  const blobs: string[] = [];
  for (const entry of await readdir(blobsDir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && /^[0-9a-f]{64}$/.test(entry.name) && !entry.parentPath.includes('.tmp')) {
      blobs.push(entry.name);
    }
  }
  return census(staging.length, blobs, await referencedKeys(sql));
}

/** The census of an S3 bucket, from the keys under tmp/ and blobs/ (s3rver's `.keep` files aside). */
export async function bucketBlobCensus(
  keysUnder: (prefix: string) => Promise<string[]>,
  sql: Sql,
): Promise<BlobCensus> {
  const objects = (prefix: string) =>
    keysUnder(prefix).then((keys) =>
      keys.filter((key) => !key.endsWith('/.keep')).map((key) => key.slice(prefix.length)),
    );
  return census((await objects('tmp/')).length, await objects('blobs/'), await referencedKeys(sql));
}
