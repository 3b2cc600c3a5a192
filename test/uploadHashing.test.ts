import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/testServer.js';

// Uploads are hashed on a hash thread that several uploads share, their bytes copied to it 1 MiB at a time
// with at most 4 MiB waiting per upload: these pin that each upload still gets the digests of its own bytes.
const UPLOAD = `mutation($file: Upload!) { uploadAsset(file: $file) { size md5 sha256 } }`;
const MiB = 1024 * 1024;

let api: TestServer;
let admin: string;

beforeAll(async () => {
  api = await startTestServer();
  admin = await api.adminToken();
});

afterAll(() => api.close());

const digestsOf = (bytes: Buffer) => ({
  size: bytes.length,
  md5: createHash('md5').update(bytes).digest('hex'),
  sha256: createHash('sha256').update(bytes).digest('hex'),
});

async function upload(bytes: Buffer<ArrayBuffer>, name: string): Promise<unknown> {
  const form = new FormData();
  form.append('operations', JSON.stringify({ query: UPLOAD, variables: { file: null } }));
  form.append('map', JSON.stringify({ 0: ['variables.file'] }));
  form.append('0', new Blob([bytes]), name);
  const response = await fetch(`${api.url}/graphql`, {
    method: 'POST',
    headers: { 'apollo-require-preflight': 'true', authorization: `Bearer ${admin}` },
    body: form,
  });
  const body = (await response.json()) as { data?: { uploadAsset?: unknown } };
  return body.data?.uploadAsset;
}

describe('the digests of an upload', () => {
  it('are those of its bytes when the file is larger than what may wait for the hash thread', async () => {
    const bytes = randomBytes(9 * MiB + 7);
    expect(await upload(bytes, 'large.bin')).toEqual(digestsOf(bytes));
  });

  it('are each upload’s own when several uploads are hashed at once', async () => {
    const files = [3 * MiB + 1, 2 * MiB - 1, MiB, 5].map((size) => randomBytes(size));
    const answers = await Promise.all(files.map((bytes, index) => upload(bytes, `file-${index}.bin`)));
    expect(answers).toEqual(files.map(digestsOf));
  });
});
