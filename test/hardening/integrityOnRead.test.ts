import { createHash, randomBytes } from 'node:crypto';
import { open, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestServer, type TestServer } from '../support/testServer.js';

/*
 * Issue 17, integrity: a blob changed or truncated on disk after it was stored is found out when it is read
 * (its size against the row's, its sha256 against its key) and answered with an error: never served as the
 * asset. The blobs are files here (STORAGE_URL empty), so that the test can damage them.
 */

const KiB = 1024;
const UPLOAD = 'mutation($file: Upload!) { uploadAsset(file: $file) { id name sha256 } }';
const STATE = 'query($id: ID!) { asset(id: $id) { state } }';

interface Stored {
  id: string;
  name: string;
  sha256: string;
  content: Buffer;
}

let api: TestServer;
let token: string;

beforeAll(async () => {
  api = await startTestServer({ env: { STORAGE_URL: '' } });
  token = await api.adminToken();
});
afterAll(() => api.close());

const sha256Of = (content: Uint8Array) => createHash('sha256').update(content).digest('hex');

async function stored(bytes: number): Promise<Stored> {
  const content = randomBytes(bytes);
  const name = `file-${randomBytes(4).toString('hex')}.bin`;
  const result = await api.upload<{ uploadAsset: Omit<Stored, 'content'> }>(UPLOAD, {}, { name, content }, { token });
  const asset = result.data?.uploadAsset;
  if (!asset) throw new Error(`upload failed: ${JSON.stringify(result.errors)}`);
  await eventually(async () => {
    const state = await api.graphql<{ asset: { state: string } }>(STATE, { id: asset.id }, { token });
    return state.data?.asset?.state === 'UPLOADED' ? true : undefined;
  });
  return { ...asset, content };
}

function blobPathOf(asset: Stored): string {
  const key = asset.sha256;
  return join(api.dataDir, 'blobs', key.slice(0, 2), key.slice(2, 4), key);
}

/** Overwrites one byte of the blob's file in place, at `offset` from its end. */
async function flipByte(asset: Stored, fromEnd: number): Promise<void> {
  const file = await open(blobPathOf(asset), 'r+');
  try {
    const position = asset.content.length - fromEnd;
    const original = asset.content[position] ?? 0;
    await file.write(Buffer.from([original ^ 0xff]), 0, 1, position);
  } finally {
    await file.close();
  }
}

function download(asset: Stored, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${api.url}/media/${asset.id}/${asset.name}`, { headers });
}

/** The whole body as received, or null when it did not arrive whole (the connection cut short). */
async function bodyOf(response: Response): Promise<Buffer | null> {
  try {
    return Buffer.from(await response.arrayBuffer());
  } catch {
    return null;
  }
}

describe('a blob changed on disk before its first download', () => {
  let asset: Stored;
  let response: Response;

  beforeAll(async () => {
    asset = await stored(40 * KiB);
    await flipByte(asset, 100);
    response = await download(asset);
  });

  it('is answered with a server error, not its bytes', async () => {
    expect(response.status).toBe(500);
    expect((await response.text()).includes(asset.content.subarray(0, 64).toString('latin1'))).toBe(false);
  });

  it('is answered with an error again on the next download', async () => {
    expect((await download(asset)).status).toBe(500);
  });

  it('is answered with an error for a range of it', async () => {
    expect((await download(asset, { range: 'bytes=0-99' })).status).toBe(500);
  });
});

describe('a blob truncated on disk', () => {
  it('is answered with a server error before any byte', async () => {
    const asset = await stored(40 * KiB);
    await truncate(blobPathOf(asset), 10 * KiB);
    expect((await download(asset)).status).toBe(500);
  });
});

describe('a blob of many read chunks changed on disk after it was served intact', () => {
  let asset: Stored;
  let firstBody: Buffer | null;
  let damagedBody: Buffer | null;

  beforeAll(async () => {
    asset = await stored(1536 * KiB + 123);
    firstBody = await bodyOf(await download(asset));
    // The last bytes: everything before them goes out before the damage can be known.
    await flipByte(asset, 10);
    damagedBody = await bodyOf(await download(asset));
  });

  it('was served whole while intact', () => {
    expect(firstBody && sha256Of(firstBody)).toBe(asset.sha256);
  });

  it('is never received whole once changed', () => {
    expect(damagedBody).toBeNull();
  });

  it('is answered with a server error before any byte after that', async () => {
    expect((await download(asset)).status).toBe(500);
  });
});

describe('an intact blob', () => {
  it('is served byte for byte on every download, ranges too', async () => {
    const asset = await stored(700 * KiB);
    const whole = [await bodyOf(await download(asset)), await bodyOf(await download(asset))];
    const range = await bodyOf(await download(asset, { range: 'bytes=1000-1999' }));
    expect(whole.map((body) => body && sha256Of(body))).toEqual([asset.sha256, asset.sha256]);
    expect(range?.equals(asset.content.subarray(1000, 2000))).toBe(true);
  });
});
