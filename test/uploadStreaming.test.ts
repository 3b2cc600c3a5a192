import { createHash, randomBytes } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assetCount } from './support/graphqlCalls.js';
import { graphqlUploadFrame } from './support/multipart.js';
import { eventually, startTestServer, type TestServer } from './support/testServer.js';

const UPLOAD = `mutation($file: Upload!) { uploadAsset(file: $file) { id name sha256 } }`;
const UPLOAD_TWO = `mutation($first: Upload!, $second: Upload!) {
  a: uploadAsset(file: $first) { name sha256 }
  b: uploadAsset(file: $second) { name sha256 }
}`;
const MiB = 1024 * 1024;

interface Answer {
  data?: Record<string, { name: string; sha256: string } | null> | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

let api: TestServer;
let admin: string;

// The filesystem store, even when TEST_STORAGE_URL names an S3 one: these tests look at its files.
beforeEach(async () => {
  api = await startTestServer({ env: { STORAGE_URL: '' } });
  admin = await api.adminToken();
});

afterEach(() => api.close());

const blobsDir = () => join(api.dataDir, 'blobs');
const stagingDir = () => join(blobsDir(), '.tmp');
const sha256Of = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');
const keyPath = (sha256: string) => join(sha256.slice(0, 2), sha256.slice(2, 4), sha256);

/** Every file under the blob folder, staging folder included, relative to it. */
async function blobFiles(): Promise<string[]> {
  const entries = await readdir(blobsDir(), { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(blobsDir(), join(entry.parentPath, entry.name)))
    .sort();
}

const settlesOn = (expected: string[]) =>
  eventually(async () => (JSON.stringify(await blobFiles()) === JSON.stringify(expected) ? true : undefined), 5_000);

/** POSTs a multipart form to /graphql as the admin; the form's entries go in the order they were appended. */
async function postForm(form: FormData): Promise<{ status: number; body: Answer }> {
  const response = await fetch(`${api.url}/graphql`, {
    method: 'POST',
    headers: { 'apollo-require-preflight': 'true', authorization: `Bearer ${admin}` },
    body: form,
  });
  return { status: response.status, body: (await response.json()) as Answer };
}

function operationsAndMap(query: string, variables: Record<string, null>, map: Record<string, string[]>): FormData {
  const form = new FormData();
  form.append('operations', JSON.stringify({ query, variables }));
  form.append('map', JSON.stringify(map));
  return form;
}

describe('a GraphQL multipart upload', () => {
  it('streams its file into the staging folder of the blob store while the request is still arriving', async () => {
    const boundary = 'streaming-boundary';
    const { head, tail } = graphqlUploadFrame(UPLOAD, boundary, 'slow.bin');
    const request = httpRequest(`${api.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': `multipart/form-data; boundary=${boundary}`,
        'content-length': String(head.length + 4 * MiB + tail.length),
        'apollo-require-preflight': 'true',
        authorization: `Bearer ${admin}`,
      },
    });
    request.on('error', () => {});
    request.write(head);
    request.write(randomBytes(2 * MiB));
    const stagedBytes = async () => {
      const names = await readdir(stagingDir());
      const sizes = await Promise.all(names.map(async (name) => (await stat(join(stagingDir(), name))).size));
      return sizes.reduce((sum, size) => sum + size, 0);
    };
    const staged = await eventually(async () => ((await stagedBytes()) >= MiB ? stagedBytes() : undefined));
    request.destroy();
    expect(staged).toBeGreaterThanOrEqual(MiB);
    expect(staged).toBeLessThanOrEqual(2 * MiB);
    await settlesOn([]);
  });

  it('stores files sent in another order than the map lists them, each as its own variable', async () => {
    const form = operationsAndMap(
      UPLOAD_TWO,
      { first: null, second: null },
      { one: ['variables.first'], two: ['variables.second'] },
    );
    form.append('two', new Blob(['the second file']), 'second.txt');
    form.append('one', new Blob(['the first file']), 'first.txt');
    const { body } = await postForm(form);
    expect(body.errors).toBeUndefined();
    expect(body.data?.a).toEqual({ name: 'first.txt', sha256: sha256Of('the first file') });
    expect(body.data?.b).toEqual({ name: 'second.txt', sha256: sha256Of('the second file') });
  });

  it('drains a file part the map does not name, and keeps nothing of it', async () => {
    const form = operationsAndMap(UPLOAD, { file: null }, { 0: ['variables.file'] });
    form.append('stray', new Blob(['not asked for']), 'stray.txt');
    form.append('0', new Blob(['asked for']), 'wanted.txt');
    const { body } = await postForm(form);
    expect(body.data?.uploadAsset?.name).toBe('wanted.txt');
    await settlesOn([keyPath(sha256Of('asked for'))]);
  });

  it('keeps no blob of a mapped file that the operation never uses', async () => {
    const form = operationsAndMap(
      UPLOAD,
      { file: null, unused: null },
      { 0: ['variables.file'], 1: ['variables.unused'] },
    );
    form.append('0', new Blob(['used']), 'used.txt');
    form.append('1', new Blob(['never used']), 'unused.txt');
    const { body } = await postForm(form);
    expect(body.data?.uploadAsset?.name).toBe('used.txt');
    await settlesOn([keyPath(sha256Of('used'))]);
  });

  it('leaves only the stored blob of an upload that was stored, no staged copy', async () => {
    const content = `stored-${randomBytes(8).toString('hex')}`;
    const result = await api.upload(UPLOAD, {}, { name: 'kept.txt', content }, { token: admin });
    expect(result.errors).toBeUndefined();
    await settlesOn([keyPath(sha256Of(content))]);
  });

  it('leaves nothing of an upload refused before its file was used (a VIEWER may not upload)', async () => {
    const viewer = await api.createUser('VIEWER');
    const result = await api.upload(UPLOAD, {}, { name: 'refused.txt', content: 'refused' }, { token: viewer.token });
    expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    await settlesOn([]);
  });

  it('refuses a file part sent before the map with 400 and BAD_USER_INPUT, and stores nothing', async () => {
    const form = new FormData();
    form.append('operations', JSON.stringify({ query: UPLOAD, variables: { file: null } }));
    form.append('0', new Blob(['too early']), 'early.txt');
    form.append('map', JSON.stringify({ 0: ['variables.file'] }));
    const { status, body } = await postForm(form);
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(await assetCount(api, admin)).toBe(0);
    await settlesOn([]);
  });

  it('refuses a map path that the operations do not have with 400 and BAD_USER_INPUT', async () => {
    const form = operationsAndMap(UPLOAD, { file: null }, { 0: ['variables.nested.file'] });
    form.append('0', new Blob(['misplaced']), 'misplaced.txt');
    const { status, body } = await postForm(form);
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('refuses a map of more than 10 files with 413 and PAYLOAD_TOO_LARGE', async () => {
    const map = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [String(i), [`variables.f${i}`]]));
    const variables = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`f${i}`, null]));
    const form = operationsAndMap(UPLOAD, variables, map);
    const { status, body } = await postForm(form);
    expect(status).toBe(413);
    expect(body.errors?.[0]?.extensions?.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('refuses an Upload variable given a string in a JSON request with BAD_USER_INPUT', async () => {
    const result = await api.graphql(UPLOAD, { file: 'not a file' }, { token: admin });
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(await assetCount(api, admin)).toBe(0);
  });
});
