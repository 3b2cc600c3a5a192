import { randomBytes } from 'node:crypto';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3RVER_CREDENTIALS, type S3TestServer, startS3Server, useS3rverCredentials } from '../support/s3Server.js';
import { eventually, startTestServer, type TestServer } from '../support/testServer.js';

/*
 * Issue 17, integrity, with blobs in an S3 bucket (s3rver): an object written over under its key, behind the
 * service's back, is found out when it is read (its length against the row's size, its sha256 against its
 * key) and answered with an error, never served as the asset.
 */

const UPLOAD = 'mutation($file: Upload!) { uploadAsset(file: $file) { id name sha256 } }';
const STATE = 'query($id: ID!) { asset(id: $id) { state } }';

useS3rverCredentials();

let s3: S3TestServer;
let bucket: string;
let client: S3Client;
let api: TestServer;
let token: string;

beforeAll(async () => {
  s3 = await startS3Server();
  bucket = await s3.createBucket();
  client = new S3Client({
    endpoint: s3.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: S3RVER_CREDENTIALS,
  });
  api = await startTestServer({ env: { STORAGE_URL: s3.storageUrlOf(bucket) } });
  token = await api.adminToken();
});
afterAll(async () => {
  await api?.close();
  client?.destroy();
  await s3?.close();
});

async function storedThenOverwritten(overwrite: Buffer): Promise<{ id: string; name: string }> {
  const content = randomBytes(30_000);
  const name = `file-${randomBytes(4).toString('hex')}.bin`;
  const result = await api.upload<{ uploadAsset: { id: string; name: string; sha256: string } }>(
    UPLOAD,
    {},
    { name, content },
    { token },
  );
  const asset = result.data?.uploadAsset;
  if (!asset) throw new Error(`upload failed: ${JSON.stringify(result.errors)}`);
  await eventually(async () => {
    const state = await api.graphql<{ asset: { state: string } }>(STATE, { id: asset.id }, { token });
    return state.data?.asset?.state === 'UPLOADED' ? true : undefined;
  });
  await client.send(new PutObjectCommand({ Bucket: bucket, Key: `blobs/${asset.sha256}`, Body: overwrite }));
  return asset;
}

describe('an object written over with other bytes of the same length', () => {
  it('is answered with a server error, not its bytes', async () => {
    const asset = await storedThenOverwritten(randomBytes(30_000));
    expect((await fetch(`${api.url}/media/${asset.id}/${asset.name}`)).status).toBe(500);
  });
});

describe('an object written over with fewer bytes', () => {
  it('is answered with a server error, not its bytes', async () => {
    const asset = await storedThenOverwritten(randomBytes(1_000));
    expect((await fetch(`${api.url}/media/${asset.id}/${asset.name}`)).status).toBe(500);
  });
});
