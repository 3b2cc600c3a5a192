import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BlobCensus, bucketBlobCensus, fileBlobCensus } from '../support/blobCensus.js';
import { type ChildServerData, childServerData } from '../support/childServer.js';
import { postStreamedGraphqlUpload } from '../support/multipart.js';
import { S3RVER_CREDENTIALS, type S3TestServer, startS3Server } from '../support/s3Server.js';
import { eventually } from '../support/testServer.js';

/*
 * Issue 17, crashes: the service is killed with SIGKILL while a 300 MB upload streams in, then started again
 * on the same data folder and database. After the start's cleanup nothing of the upload is left, and every
 * row still has its blob. Once with blobs on the filesystem, once in an S3 bucket (s3rver).
 */

const MiB = 1024 * 1024;
const UPLOAD_BYTES = 300 * MiB;
const UPLOAD = 'mutation($file: Upload!) { uploadAsset(file: $file) { id } }';
/**
 * Stores one small asset, starts the big upload, kills the process once `underWay` says the upload's bytes
 * are reaching the store, starts the service again and returns what the store and the database then hold.
 */
async function killMidUploadAndRestart(
  data: ChildServerData,
  env: Record<string, string>,
  underWay: () => Promise<boolean>,
  censusOf: () => Promise<BlobCensus>,
): Promise<{ beforeKill: BlobCensus; afterRestart: BlobCensus; rowsBefore: number; rowsAfter: number }> {
  const settings = { MAX_UPLOAD_MB: '400', ...env };
  const first = await data.start(settings);
  const token = await data.adminToken(first);
  await data.upload(first, token, 'kept.txt', 'stored before the crash');
  const upload = postStreamedGraphqlUpload(first.url, token, UPLOAD, UPLOAD_BYTES).catch(() => undefined);
  await eventually(async () => ((await underWay()) ? true : undefined), 120_000);
  await first.kill9();
  await upload;
  const beforeKill = await censusOf();
  const rowsBefore = (await data.sql('select id from assets')).length;

  const second = await data.start(settings);
  const afterRestart = await censusOf();
  const rowsAfter = (await data.sql('select id from assets')).length;
  await second.kill9();
  return { beforeKill, afterRestart, rowsBefore, rowsAfter };
}

describe('SIGKILL during a 300 MB upload into the filesystem store, then a restart', () => {
  let data: ChildServerData;
  let outcome: Awaited<ReturnType<typeof killMidUploadAndRestart>>;

  beforeAll(async () => {
    data = await childServerData();
    const blobsDir = join(data.dataDir, 'blobs');
    const stagedBytes = async () => {
      const names = await readdir(join(blobsDir, '.tmp')).catch(() => []);
      const sizes = await Promise.all(names.map((name) => stat(join(blobsDir, '.tmp', name)).then((s) => s.size)));
      return sizes.reduce((sum, size) => sum + size, 0);
    };
    outcome = await killMidUploadAndRestart(
      data,
      { STORAGE_URL: '' },
      async () => (await stagedBytes()) > 32 * MiB,
      () => fileBlobCensus(blobsDir, data.sql),
    );
  }, 180_000);
  afterAll(() => data?.remove());

  it('is killed with the upload half-written in the staging folder', () => {
    expect(outcome.beforeKill.stagingLeftovers).toBe(1);
  });

  it('leaves no staging file after the restart', () => {
    expect(outcome.afterRestart.stagingLeftovers).toBe(0);
  });

  it('leaves no blob that no row points at', () => {
    expect(outcome.afterRestart.orphanBlobs).toBe(0);
  });

  it('leaves no row pointing at a missing blob', () => {
    expect(outcome.afterRestart.rowsWithoutBlob).toBe(0);
  });

  it('keeps the asset stored before the crash and adds none', () => {
    expect(outcome.rowsBefore).toBe(1);
    expect(outcome.rowsAfter).toBe(1);
  });
});

describe('SIGKILL during a 300 MB upload into an S3 bucket, then a restart', () => {
  let s3: S3TestServer;
  let data: ChildServerData;
  let outcome: Awaited<ReturnType<typeof killMidUploadAndRestart>>;

  beforeAll(async () => {
    s3 = await startS3Server();
    const bucket = await s3.createBucket();
    data = await childServerData();
    const partsSent = () => s3.requests.filter((request) => request.includes('partNumber=')).length;
    outcome = await killMidUploadAndRestart(
      data,
      {
        STORAGE_URL: s3.storageUrlOf(bucket),
        AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
      },
      async () => partsSent() > 6,
      () => bucketBlobCensus((prefix) => s3.keys(bucket, prefix), data.sql),
    );
  }, 180_000);
  afterAll(async () => {
    await data?.remove();
    await s3?.close();
  });

  it('leaves no temporary object after the restart', () => {
    expect(outcome.afterRestart.stagingLeftovers).toBe(0);
  });

  it('leaves no blob that no row points at', () => {
    expect(outcome.afterRestart.orphanBlobs).toBe(0);
  });

  it('leaves no row pointing at a missing blob', () => {
    expect(outcome.afterRestart.rowsWithoutBlob).toBe(0);
  });

  it('keeps the asset stored before the crash and adds none', () => {
    expect(outcome.rowsBefore).toBe(1);
    expect(outcome.rowsAfter).toBe(1);
  });
});
