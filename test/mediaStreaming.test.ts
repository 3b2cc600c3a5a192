import { createHash, randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestServer, type TestServer } from './support/testServer.js';

/*
 * How /media streams a file's bytes: a download reads the blob in chunks into buffers that later downloads
 * reuse, so these pin that every byte arrives, in order, whatever the chunk boundaries, and that no download
 * ever sees another's bytes. The blobs are files (STORAGE_URL empty): one test removes one.
 */

const MIB = 1024 * 1024;
const UPLOAD = 'mutation($file: Upload!) { uploadAsset(file: $file) { id name } }';
const STATE = 'query($id: ID!) { asset(id: $id) { state } }';

interface Uploaded {
  id: string;
  name: string;
  content: Buffer;
}

let api: TestServer;
let token: string;

beforeAll(async () => {
  api = await startTestServer({ env: { STORAGE_URL: '' } });
  token = (await api.createUser('EDITOR')).token;
});
afterAll(() => api.close());

const sha256 = (content: Uint8Array) => createHash('sha256').update(content).digest('hex');

async function uploaded(name: string, content: Buffer): Promise<Uploaded> {
  const result = await api.upload<{ uploadAsset: { id: string; name: string } }>(
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
  return { ...asset, content };
}

function download(asset: Uploaded, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${api.url}/media/${asset.id}/${encodeURIComponent(asset.name)}`, { headers });
}

const bytesOf = async (response: Response) => Buffer.from(await response.arrayBuffer());

describe('a file of many read chunks', () => {
  let asset: Uploaded;

  beforeAll(async () => {
    // Not a multiple of any power of two, so the last chunk is a short one.
    asset = await uploaded('chunks.bin', randomBytes(3 * MIB + 12_345));
  });

  it('arrives whole and byte for byte', async () => {
    const response = await download(asset);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe(String(asset.content.length));
    const body = await bytesOf(response);
    expect(body.length).toBe(asset.content.length);
    expect(sha256(body)).toBe(sha256(asset.content));
  });

  it('answers a range that starts and ends inside different chunks with exactly those bytes', async () => {
    const response = await download(asset, { range: 'bytes=100000-1700000' });
    expect(response.status).toBe(206);
    expect(response.headers.get('content-range')).toBe(`bytes 100000-1700000/${asset.content.length}`);
    expect((await bytesOf(response)).equals(asset.content.subarray(100_000, 1_700_001))).toBe(true);
  });

  it('answers a range that ends at the last byte with the short last chunk', async () => {
    const start = asset.content.length - 300_000;
    const response = await download(asset, { range: `bytes=${start}-` });
    expect(response.status).toBe(206);
    expect((await bytesOf(response)).equals(asset.content.subarray(start))).toBe(true);
  });

  it('answers a one-byte range in the middle of a chunk with that byte', async () => {
    const response = await download(asset, { range: 'bytes=300001-300001' });
    expect(response.status).toBe(206);
    expect((await bytesOf(response)).equals(asset.content.subarray(300_001, 300_002))).toBe(true);
  });
});

describe('downloads at the same time', () => {
  it('each get their own file, byte for byte', async () => {
    const assets = await Promise.all(
      [0, 1, 2, 3].map((n) => uploaded(`concurrent-${n}.bin`, randomBytes(2 * MIB + n * 1000))),
    );
    const downloads = [...assets, ...assets].map(async (asset) => ({
      asset,
      body: await bytesOf(await download(asset)),
    }));
    for (const { asset, body } of await Promise.all(downloads)) {
      expect(sha256(body)).toBe(sha256(asset.content));
    }
  });
});

describe('a blob missing from the store', () => {
  it('is answered 500 with a JSON error, not a partial body', async () => {
    const asset = await uploaded('missing.bin', randomBytes(1000));
    const key = sha256(asset.content);
    await rm(join(api.dataDir, 'blobs', key.slice(0, 2), key.slice(2, 4), key));
    const response = await download(asset);
    expect(response.status).toBe(500);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toMatchObject({ error: 'Internal error' });
  });
});
