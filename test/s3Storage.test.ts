import { createHash, randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { configProblemWith, configWith } from './support/configSettings.js';
import { freePort } from './support/freePort.js';
import { assetCount } from './support/graphqlCalls.js';
import { postStreamedGraphqlUpload } from './support/multipart.js';
import { type S3TestServer, startS3Server, useS3rverCredentials } from './support/s3Server.js';
import { eventually, startTestServer, type TestServer } from './support/testServer.js';

/*
 * Blobs in an S3-compatible object store (issue 8, item 2): s3rver on loopback stands in for the store, and
 * the service talks to it with the AWS SDK exactly as it would to AWS S3, MinIO or Ceph.
 */

const MiB = 1024 * 1024;
const UPLOAD = 'mutation($file: Upload!) { uploadAsset(file: $file) { id name size sha256 } }';
const STATE = 'query($id: ID!) { asset(id: $id) { state } }';

interface UploadedAsset {
  id: string;
  name: string;
  size: number;
  sha256: string;
}

useS3rverCredentials();

let s3: S3TestServer;
beforeAll(async () => {
  s3 = await startS3Server();
});
afterAll(() => s3.close());

const sha256Of = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** A service whose STORAGE_URL is a new, empty bucket of the test S3 server. */
async function startOnNewBucket(env: Record<string, string> = {}): Promise<{ api: TestServer; bucket: string }> {
  const bucket = await s3.createBucket();
  const api = await startTestServer({ env: { STORAGE_URL: s3.storageUrlOf(bucket), ...env } });
  return { api, bucket };
}

describe('a service that keeps its blobs in an S3 bucket', () => {
  let api: TestServer;
  let bucket: string;
  let admin: string;

  beforeEach(async () => {
    ({ api, bucket } = await startOnNewBucket({ MAX_UPLOAD_MB: '8' }));
    admin = await api.adminToken();
  });
  afterEach(() => api.close());

  async function uploadByGraphql(name: string, content: Uint8Array | string): Promise<UploadedAsset> {
    const result = await api.upload<{ uploadAsset: UploadedAsset }>(UPLOAD, {}, { name, content }, { token: admin });
    if (!result.data?.uploadAsset) throw new Error(`upload failed: ${JSON.stringify(result.errors)}`);
    return result.data.uploadAsset;
  }

  async function uploadByAssetManager(name: string, content: Uint8Array): Promise<string> {
    const form = new FormData();
    form.append('asset[file]', new Blob([content as BlobPart]), name);
    const response = await fetch(`${api.url}/assets`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}` },
      body: form,
    });
    const body = (await response.json()) as { id: string };
    if (response.status !== 201) throw new Error(`POST /assets answered ${response.status}: ${JSON.stringify(body)}`);
    return body.id.split('/').pop() as string;
  }

  async function waitUntilServable(id: string): Promise<void> {
    await eventually(async () => {
      const result = await api.graphql<{ asset: { state: string } }>(STATE, { id }, { token: admin });
      return result.data?.asset?.state === 'UPLOADED' ? true : undefined;
    });
  }

  async function download(id: string, name: string, headers: Record<string, string> = {}) {
    const response = await fetch(`${api.url}/media/${id}/${name}`, { headers });
    return { response, bytes: Buffer.from(await response.arrayBuffer()) };
  }

  const countAssets = () => assetCount(api, admin);

  /** Waits until the bucket holds exactly `expected` (temporary objects go a moment after the answer). */
  async function bucketSettlesOn(expected: string[]): Promise<void> {
    await eventually(async () => {
      const keys = await s3.keys(bucket);
      return JSON.stringify(keys) === JSON.stringify(expected) ? true : undefined;
    }, 5_000).catch(async () => {
      expect(await s3.keys(bucket)).toEqual(expected);
    });
  }

  it('stores a GraphQL upload of several parts under blobs/<sha256> and serves it back byte for byte', async () => {
    const bytes = randomBytes(6 * MiB + 123);
    const asset = await uploadByGraphql('several-parts.bin', bytes);
    expect(asset.sha256).toBe(sha256Of(bytes));
    expect(asset.size).toBe(bytes.length);
    await waitUntilServable(asset.id);
    const { response, bytes: served } = await download(asset.id, 'several-parts.bin');
    expect(response.status).toBe(200);
    expect(served.equals(bytes)).toBe(true);
    await bucketSettlesOn([`blobs/${sha256Of(bytes)}`]);
  });

  it('stores a GOV.UK POST /assets upload and serves it back byte for byte', async () => {
    const bytes = randomBytes(300 * 1024);
    // Not a PDF: a PDF gets a placeholder thumbnail and preview, blobs of their own in the same bucket.
    const id = await uploadByAssetManager('report.zip', bytes);
    await waitUntilServable(id);
    const { response, bytes: served } = await download(id, 'report.zip');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/zip');
    expect(served.equals(bytes)).toBe(true);
    await bucketSettlesOn([`blobs/${sha256Of(bytes)}`]);
  });

  it('answers a Range request with 206 and exactly the bytes asked for, across a part boundary', async () => {
    const bytes = randomBytes(6 * MiB);
    const asset = await uploadByGraphql('ranged.bin', bytes);
    await waitUntilServable(asset.id);
    const start = 5 * MiB - 10;
    const end = 5 * MiB + 9;
    const { response, bytes: served } = await download(asset.id, 'ranged.bin', { range: `bytes=${start}-${end}` });
    expect(response.status).toBe(206);
    expect(response.headers.get('content-range')).toBe(`bytes ${start}-${end}/${bytes.length}`);
    expect(served.equals(bytes.subarray(start, end + 1))).toBe(true);
  });

  it('answers a suffix Range request with 206 and the last bytes of the file', async () => {
    const bytes = randomBytes(64 * 1024);
    const asset = await uploadByGraphql('tail.bin', bytes);
    await waitUntilServable(asset.id);
    const { response, bytes: served } = await download(asset.id, 'tail.bin', { range: 'bytes=-100' });
    expect(response.status).toBe(206);
    expect(served.equals(bytes.subarray(bytes.length - 100))).toBe(true);
  });

  it('stores identical content once, whichever surface it came through', async () => {
    const bytes = randomBytes(200 * 1024);
    const first = await uploadByGraphql('first.bin', bytes);
    const secondId = await uploadByAssetManager('second.bin', bytes);
    expect(secondId).not.toBe(first.id);
    await waitUntilServable(secondId);
    expect((await download(secondId, 'second.bin')).bytes.equals(bytes)).toBe(true);
    await bucketSettlesOn([`blobs/${sha256Of(bytes)}`]);
  });

  it('leaves no object and no asset when the client cuts an upload off halfway', async () => {
    const boundary = 'cut-off-boundary';
    const head = Buffer.from(
      `--${boundary}\r\ncontent-disposition: form-data; name="asset[file]"; filename="half.bin"\r\n` +
        'content-type: application/octet-stream\r\n\r\n',
    );
    const request = httpRequest(`${api.url}/assets`, {
      method: 'POST',
      headers: {
        'content-type': `multipart/form-data; boundary=${boundary}`,
        'content-length': String(head.length + 8 * MiB),
        authorization: `Bearer ${admin}`,
      },
    });
    request.on('error', () => {});
    request.write(head);
    request.write(randomBytes(6 * MiB));
    // Cut off once the first part is on its way into the store: the multipart upload is under way.
    await eventually(async () => (s3.requests.some((line) => line.includes('partNumber=1')) ? true : undefined));
    request.destroy();

    await bucketSettlesOn([]);
    expect(await countAssets()).toBe(0);
    expect((await fetch(`${api.url}/healthcheck/live`)).status).toBe(200);
  });

  it('refuses a file over MAX_UPLOAD_MB with PAYLOAD_TOO_LARGE and leaves no object and no asset', async () => {
    const response = await postStreamedGraphqlUpload(api.url, admin, UPLOAD, 9 * MiB);
    const body = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
    expect(body.errors?.[0]?.extensions?.code).toBe('PAYLOAD_TOO_LARGE');
    await bucketSettlesOn([]);
    expect(await countAssets()).toBe(0);
  });

  it('refuses an empty file with BAD_USER_INPUT and leaves no object', async () => {
    const result = await api.upload(UPLOAD, {}, { name: 'empty.txt', content: '' }, { token: admin });
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    await bucketSettlesOn([]);
    expect(await countAssets()).toBe(0);
  });

  it('leaves no object when GOV.UK POST /assets is refused for a field that follows the file', async () => {
    const form = new FormData();
    form.append('asset[file]', new Blob([randomBytes(100 * 1024)]), 'refused.bin');
    form.append('asset[content_type]', 'text/plain; x=y');
    const response = await fetch(`${api.url}/assets`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}` },
      body: form,
    });
    expect(response.status).toBe(422);
    await bucketSettlesOn([]);
    expect(await countAssets()).toBe(0);
  });

  it('stores the 0-byte file of an asset made without one (WoodWing create without Filedata)', async () => {
    const form = new FormData();
    form.append('folderPath', '/placeholders');
    form.append('name', 'empty.txt');
    const response = await fetch(`${api.url}/services/create`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}` },
      body: form,
    });
    expect(response.status).toBe(200);
    const { id } = (await response.json()) as { id: string };
    await waitUntilServable(id);
    const { response: served, bytes } = await download(id, 'empty.txt');
    expect(served.status).toBe(200);
    expect(bytes.length).toBe(0);
    await bucketSettlesOn([`blobs/${sha256Of(new Uint8Array())}`]);
  });

  it('says it is ready, with the storage check ok, and leaves no probe object behind', async () => {
    const response = await fetch(`${api.url}/healthcheck/ready`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: 'ok',
      checks: { database: 'ok', storage: 'ok', scanner: 'off' },
    });
    await bucketSettlesOn([]);
  });
});

describe('a service whose S3 store stops answering', () => {
  it('says it is not ready, with the storage check failing', async () => {
    const ownS3 = await startS3Server();
    const bucket = await ownS3.createBucket();
    const api = await startTestServer({ env: { STORAGE_URL: ownS3.storageUrlOf(bucket) } });
    try {
      await ownS3.close();
      const response = await fetch(`${api.url}/healthcheck/ready`);
      const body = (await response.json()) as { status: string; checks: Record<string, string> };
      expect(response.status).toBe(503);
      expect(body.checks.storage).toMatch(/^failing/);
      expect(body.checks.database).toBe('ok');
    } finally {
      await api.close();
    }
  });
});

describe('starting on an S3 store that cannot be used', () => {
  it('refuses to start when the bucket does not exist, naming STORAGE_URL and the bucket', async () => {
    const start = startTestServer({ env: { STORAGE_URL: s3.storageUrlOf('no-such-bucket') } });
    await expect(start).rejects.toThrow(/^STORAGE_URL: s3:\/\/no-such-bucket at .*: the bucket does not exist$/);
  });

  it('refuses to start when the store does not know the access key, saying access was denied', async () => {
    const bucket = await s3.createBucket();
    const rightKey = process.env.AWS_ACCESS_KEY_ID;
    // s3rver checks the key id of a v4 signature, not the signature itself.
    process.env.AWS_ACCESS_KEY_ID = 'NO-SUCH-KEY';
    try {
      const start = startTestServer({ env: { STORAGE_URL: s3.storageUrlOf(bucket) } });
      await expect(start).rejects.toThrow(/^STORAGE_URL: .*access denied/);
    } finally {
      process.env.AWS_ACCESS_KEY_ID = rightKey;
    }
  });

  it('refuses to start when nothing answers at the endpoint, saying it cannot reach it', async () => {
    const port = await freePort();
    const start = startTestServer({
      env: { STORAGE_URL: `s3://some-bucket?endpoint=http://127.0.0.1:${port}&forcePathStyle=true` },
    });
    await expect(start).rejects.toThrow(/^STORAGE_URL: .*cannot reach it \(ECONNREFUSED\)/);
  });
});

describe('STORAGE_URL', () => {
  const storageOf = (env: Record<string, string>) => configWith(env).storage;

  it('keeps blobs in DATA_DIR/blobs when unset', () => {
    expect(storageOf({})).toEqual({ kind: 'file', dir: '/srv/asset-gateway/blobs' });
  });

  it('keeps blobs in the folder a file: URL names, absolute or relative', () => {
    expect(storageOf({ STORAGE_URL: 'file:///var/blobs' })).toEqual({ kind: 'file', dir: '/var/blobs' });
    expect(storageOf({ STORAGE_URL: 'file:./blobs' })).toEqual({ kind: 'file', dir: `${process.cwd()}/blobs` });
  });

  it('reads the bucket, endpoint, region and path style of an s3: URL', () => {
    expect(
      storageOf({
        STORAGE_URL: 's3://assets.bucket-1?endpoint=http://127.0.0.1:9000&region=eu-west-2&forcePathStyle=false',
      }),
    ).toEqual({
      kind: 's3',
      bucket: 'assets.bucket-1',
      endpoint: 'http://127.0.0.1:9000',
      region: 'eu-west-2',
      forcePathStyle: false,
    });
  });

  it('uses path-style URLs by default with an endpoint, and host-style ones for AWS itself', () => {
    expect(storageOf({ STORAGE_URL: 's3://assets?endpoint=https://minio.example:9000' })).toMatchObject({
      forcePathStyle: true,
    });
    expect(storageOf({ STORAGE_URL: 's3://assets' })).toMatchObject({ endpoint: undefined, forcePathStyle: false });
  });

  it('takes the region from AWS_REGION when the URL has none, else us-east-1', () => {
    expect(storageOf({ STORAGE_URL: 's3://assets', AWS_REGION: 'ap-south-1' })).toMatchObject({ region: 'ap-south-1' });
    expect(storageOf({ STORAGE_URL: 's3://assets' })).toMatchObject({ region: 'us-east-1' });
  });

  it.each([
    ['an unknown scheme', 'ftp://assets', /scheme "ftp:" is not supported/],
    ['no scheme at all', '/var/blobs', /no scheme is not supported/],
    ['file: without a folder', 'file:', /file: needs a folder/],
    ['s3: without a bucket', 's3://', /the bucket is missing/],
    ['s3: without //', 's3:assets', /the bucket is missing/],
    ['a bucket name with capitals', 's3://My_Bucket', /"My_Bucket" is not a valid bucket name/],
    ['a bucket name of two characters', 's3://ab', /"ab" is not a valid bucket name/],
    ['a bucket name with two dots in a row', 's3://my..assets', /not a valid bucket name/],
    ['a port after the bucket', 's3://assets:9000', /a port belongs in the endpoint parameter/],
    ['a key prefix after the bucket', 's3://assets/some/prefix', /a key prefix .* is not supported/],
    ['a fragment', 's3://assets#x', /fragment/],
    ['an unknown parameter', 's3://assets?endpont=http://127.0.0.1:9000', /unknown parameter "endpont"/],
    ['an endpoint that is not a URL', 's3://assets?endpoint=localhost', /the endpoint "localhost" is not a URL/],
    ['an endpoint that is not http(s)', 's3://assets?endpoint=ftp://127.0.0.1:9000', /endpoint must start with http/],
    ['an endpoint with a path', 's3://assets?endpoint=http://127.0.0.1:9000/s3', /endpoint must be scheme:\/\/host/],
    ['a region that is no region name', 's3://assets?region=EU West', /"EU West" is not a region name/],
    ['a forcePathStyle that is not a flag', 's3://assets?forcePathStyle=yes', /forcePathStyle must be true or false/],
    ['an unparseable URL', 's3://a b', /not a valid URL/],
  ])('refuses %s, naming STORAGE_URL', (_what, url, problem) => {
    const error = configProblemWith({ STORAGE_URL: url });
    expect(error.message).toMatch(/^STORAGE_URL: /);
    expect(error.message).toMatch(problem);
  });

  it('refuses credentials in the URL without repeating them', () => {
    const error = configProblemWith({ STORAGE_URL: 's3://key-id:top-secret@assets' });
    expect(error.message).toMatch(/^STORAGE_URL: credentials do not belong in the URL/);
    expect(error.message).not.toContain('top-secret');
  });

  it('refuses credentials in the endpoint without repeating them', () => {
    const error = configProblemWith({ STORAGE_URL: 's3://assets?endpoint=http://key-id:top-secret@127.0.0.1:9000' });
    expect(error.message).toMatch(/^STORAGE_URL: credentials do not belong in the endpoint/);
    expect(error.message).not.toContain('top-secret');
  });

  it('refuses a MAX_UPLOAD_MB over 5 GiB with an s3: URL, and allows it with a folder', () => {
    const error = configProblemWith({ STORAGE_URL: 's3://assets', MAX_UPLOAD_MB: '5121' });
    expect(error.message).toMatch(/^MAX_UPLOAD_MB: must be at most 5120/);
    expect(storageOf({ STORAGE_URL: 's3://assets', MAX_UPLOAD_MB: '5120' })).toMatchObject({ kind: 's3' });
    expect(storageOf({ MAX_UPLOAD_MB: '5121' })).toMatchObject({ kind: 'file' });
  });
});
