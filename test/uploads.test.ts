import { createHash, randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assetCount } from './support/graphqlCalls.js';
import { graphqlUploadFrame, postStreamedGraphqlUpload } from './support/multipart.js';
import { ADMIN, eventually, startTestServer, type TestServer } from './support/testServer.js';

const UPLOAD = `mutation($file: Upload!, $input: UploadAssetInput) {
  uploadAsset(file: $file, input: $input) { id name size sha256 state }
}`;

const MiB = 1024 * 1024;

interface UploadedAsset {
  id: string;
  name: string;
  size: number;
  sha256: string;
  state: string;
}

interface ErrorBody {
  data?: unknown;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

let api: TestServer;
let admin: string;

async function startFresh(env: Record<string, string> = {}): Promise<void> {
  api = await startTestServer({ env });
  admin = await api.adminToken();
}

afterEach(() => api.close());

const countAssets = () => assetCount(api, admin);

/**
 * For the tests that look at the files in DATA_DIR/blobs: the filesystem store, even when TEST_STORAGE_URL puts
 * every other test's blobs in an S3 store.
 */
const ON_THE_FILESYSTEM = { STORAGE_URL: '' };

/** Every file under <dataDir>/blobs, as paths relative to it (the .tmp folder's files included). */
async function blobFiles(): Promise<string[]> {
  const root = join(api.dataDir, 'blobs');
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)))
    .sort();
}

async function topLevelOfBlobs(): Promise<string[]> {
  return (await readdir(join(api.dataDir, 'blobs'))).sort();
}

function blobPathOf(sha256: string): string {
  return join(api.dataDir, 'blobs', sha256.slice(0, 2), sha256.slice(2, 4), sha256);
}

function sha256Of(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

const multipartFrame = (boundary: string, filename: string) => graphqlUploadFrame(UPLOAD, boundary, filename);

function readBody(response: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    response.on('error', reject);
  });
}

/** Logs in as the admin and returns the authToken cookie and the csrf token that came with it. */
async function loginForCookie(): Promise<{ cookie: string; csrfToken: string }> {
  const response = await fetch(`${api.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      query: 'mutation($u: String!, $p: String!) { login(username: $u, password: $p) { csrfToken } }',
      variables: { u: ADMIN.username, p: ADMIN.password },
    }),
  });
  const body = (await response.json()) as { data: { login: { csrfToken: string } } };
  const cookie = response.headers
    .getSetCookie()
    .map((line) => line.split(';')[0] as string)
    .find((pair) => pair.startsWith('authToken='));
  if (!cookie) throw new Error('login set no authToken cookie');
  return { cookie, csrfToken: body.data.login.csrfToken };
}

function uploadForm(content: string): FormData {
  const form = new FormData();
  form.set('operations', JSON.stringify({ query: UPLOAD, variables: { file: null } }));
  form.set('map', JSON.stringify({ 0: ['variables.file'] }));
  form.set('0', new Blob([content]), 'note.txt');
  return form;
}

describe('cross-site request forgery on multipart requests', () => {
  beforeEach(() => startFresh());

  it('refuses a cookie-authenticated multipart request without a non-simple header, with 403 and nothing created', async () => {
    const { cookie } = await loginForCookie();
    const response = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { cookie },
      body: uploadForm('forged'),
    });
    const body = (await response.json()) as ErrorBody;
    expect(response.status).toBe(403);
    expect(body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await countAssets()).toBe(0);
  });

  it('accepts the same cookie-authenticated upload once it carries the X-CSRF-TOKEN header', async () => {
    const { cookie, csrfToken } = await loginForCookie();
    const response = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { cookie, 'x-csrf-token': csrfToken },
      body: uploadForm('wanted'),
    });
    const body = (await response.json()) as { data?: { uploadAsset?: UploadedAsset }; errors?: unknown };
    expect(body.errors).toBeUndefined();
    expect(body.data?.uploadAsset?.name).toBe('note.txt');
    expect(await countAssets()).toBe(1);
  });
});

describe('malformed multipart requests', () => {
  beforeEach(() => startFresh(ON_THE_FILESYSTEM));

  it('answers a map that names no file for the Upload! variable with an error, and creates nothing', async () => {
    const result = await api.upload(UPLOAD, {}, null, { token: admin });
    expect(result.data?.uploadAsset ?? null).toBeNull();
    expect(result.errors?.length).toBeGreaterThan(0);
    const error = result.errors?.[0];
    const isGraphqlVariableError = /\$file/.test(error?.message ?? '');
    expect(error?.extensions?.code === 'BAD_USER_INPUT' || isGraphqlVariableError, JSON.stringify(error)).toBe(true);
    expect(await countAssets()).toBe(0);
  });

  it('answers a map that names a file part the request never sends with BAD_USER_INPUT', async () => {
    const form = new FormData();
    form.set('operations', JSON.stringify({ query: UPLOAD, variables: { file: null } }));
    form.set('map', JSON.stringify({ 0: ['variables.file'] }));
    const response = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'apollo-require-preflight': 'true', authorization: `Bearer ${admin}` },
      body: form,
    });
    const body = (await response.json()) as ErrorBody;
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(await countAssets()).toBe(0);
  });

  it('answers operations that are not JSON with 400 and BAD_USER_INPUT', async () => {
    const form = new FormData();
    form.set('operations', '{not json');
    form.set('map', '{}');
    const response = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'apollo-require-preflight': 'true', authorization: `Bearer ${admin}` },
      body: form,
    });
    const body = (await response.json()) as ErrorBody;
    expect(response.status).toBe(400);
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('refuses an empty file with BAD_USER_INPUT and leaves no asset and no blob', async () => {
    const result = await api.upload(UPLOAD, {}, { name: 'empty.txt', content: '' }, { token: admin });
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(await countAssets()).toBe(0);
    expect(await topLevelOfBlobs()).toEqual(['.tmp']);
    expect(await blobFiles()).toEqual([]);
  });
});

describe('the upload size limit', () => {
  beforeEach(() => startFresh({ ...ON_THE_FILESYSTEM, MAX_UPLOAD_MB: '1' }));

  it('answers a declared Content-Length over the limit with 413 before the body is sent', async () => {
    const boundary = 'limit-boundary';
    const { head, tail } = multipartFrame(boundary, 'big.bin');
    const length = head.length + 2 * MiB + tail.length;
    const request = httpRequest(`${api.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': `multipart/form-data; boundary=${boundary}`,
        'content-length': String(length),
        'apollo-require-preflight': 'true',
        authorization: `Bearer ${admin}`,
      },
    });
    request.on('error', () => {});
    // Only the headers go out: the answer must come without a single byte of the body.
    request.flushHeaders();
    const response = await new Promise<IncomingMessage>((resolve) => request.once('response', resolve));
    const body = JSON.parse(await readBody(response)) as ErrorBody;
    request.destroy();
    expect(response.statusCode).toBe(413);
    expect(body.errors?.[0]?.extensions?.code).toBe('PAYLOAD_TOO_LARGE');
    expect(await countAssets()).toBe(0);
    expect(await blobFiles()).toEqual([]);
  });

  it('refuses a streamed body without Content-Length once the file passes the limit, leaving nothing', async () => {
    const response = await postStreamedGraphqlUpload(api.url, admin, UPLOAD, 2 * MiB);
    const result = (await response.json()) as ErrorBody;
    expect(result.errors?.[0]?.extensions?.code).toBe('PAYLOAD_TOO_LARGE');
    expect(await countAssets()).toBe(0);
    await eventually(async () => ((await blobFiles()).length === 0 ? true : undefined), 5_000);
  });
});

describe('uploads near and past the limit', () => {
  it('accepts a file of exactly the limit', async () => {
    await startFresh({ MAX_UPLOAD_MB: '1' });
    const bytes = randomBytes(MiB);
    const result = await api.upload<{ uploadAsset: UploadedAsset }>(
      UPLOAD,
      {},
      { name: 'exactly.bin', content: bytes },
      { token: admin },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.uploadAsset.size).toBe(MiB);
  });

  it('accepts a file larger than the JSON body limit of the GraphQL server (25 MB)', async () => {
    await startFresh();
    const bytes = randomBytes(30 * MiB);
    const result = await api.upload<{ uploadAsset: UploadedAsset }>(
      UPLOAD,
      {},
      { name: 'thirty.bin', content: bytes },
      { token: admin },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.uploadAsset.sha256).toBe(sha256Of(bytes));
  });
});

describe('an upload cut off halfway', () => {
  beforeEach(() => startFresh(ON_THE_FILESYSTEM));

  it('leaves no asset and no blob, and the server keeps answering', async () => {
    const boundary = 'aborted-boundary';
    const { head, tail } = multipartFrame(boundary, 'half.bin');
    const fileSize = 5 * MiB;
    const request = httpRequest(`${api.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': `multipart/form-data; boundary=${boundary}`,
        'content-length': String(head.length + fileSize + tail.length),
        'apollo-require-preflight': 'true',
        authorization: `Bearer ${admin}`,
      },
    });
    request.on('error', () => {});
    request.write(head);
    request.write(randomBytes(fileSize / 2));
    // Wait until the bytes are on their way into the blob store, then cut the connection.
    const tmp = join(api.dataDir, 'blobs', '.tmp');
    await eventually(async () => ((await readdir(tmp)).length > 0 ? true : undefined));
    request.destroy();

    await eventually(async () => ((await readdir(tmp)).length === 0 ? true : undefined), 5_000);
    expect(await blobFiles()).toEqual([]);
    expect(await countAssets()).toBe(0);
    const live = await fetch(`${api.url}/healthcheck/live`);
    expect(live.status).toBe(200);
  });
});

describe('stored bytes', () => {
  beforeEach(() => startFresh(ON_THE_FILESYSTEM));

  it('stores the uploaded bytes exactly, at the path named by their sha256', async () => {
    const bytes = randomBytes(3 * MiB);
    const result = await api.upload<{ uploadAsset: UploadedAsset }>(
      UPLOAD,
      {},
      { name: 'random.bin', content: bytes },
      { token: admin },
    );
    expect(result.errors).toBeUndefined();
    const expected = sha256Of(bytes);
    expect(result.data?.uploadAsset.sha256).toBe(expected);
    expect(result.data?.uploadAsset.size).toBe(bytes.length);
    const stored = await readFile(blobPathOf(expected));
    expect(sha256Of(stored)).toBe(expected);
  });

  it('keeps one blob file for two assets with identical bytes', async () => {
    const bytes = randomBytes(100 * 1024);
    const first = await api.upload<{ uploadAsset: UploadedAsset }>(
      UPLOAD,
      {},
      { name: 'one.bin', content: bytes },
      { token: admin },
    );
    const second = await api.upload<{ uploadAsset: UploadedAsset }>(
      UPLOAD,
      {},
      { name: 'two.bin', content: bytes },
      { token: admin },
    );
    const sha256 = sha256Of(bytes);
    expect(first.data?.uploadAsset.id).toBeDefined();
    expect(second.data?.uploadAsset.id).toBeDefined();
    expect(first.data?.uploadAsset.id).not.toBe(second.data?.uploadAsset.id);
    expect(second.data?.uploadAsset.sha256).toBe(sha256);
    expect(await blobFiles()).toEqual([join(sha256.slice(0, 2), sha256.slice(2, 4), sha256)]);
  });
});

describe('the file of a REST request', () => {
  beforeEach(() => startFresh(ON_THE_FILESYSTEM));

  /** A form whose file comes first and whose fields follow it, as the legacy clients may send them. */
  function fileThenFields(fileField: string, content: string, fields: Record<string, string>): FormData {
    const form = new FormData();
    form.append(fileField, new Blob([content]), 'late-fields.txt');
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    return form;
  }

  const post = (path: string, form: FormData) =>
    fetch(`${api.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${admin}` }, body: form });

  const noBlobFiles = () => eventually(async () => ((await blobFiles()).length === 0 ? true : undefined), 3_000);

  it('is not kept when GOV.UK POST /assets is refused for a field that follows it', async () => {
    const response = await post(
      '/assets',
      fileThenFields('asset[file]', 'refused by a later field', { 'asset[content_type]': 'text/plain; x=y' }),
    );
    expect(response.status).toBe(422);
    await noBlobFiles();
    expect(await countAssets()).toBe(0);
  });

  it('is not kept when WoodWing create is refused for a field that follows it', async () => {
    const response = await post('/services/create', fileThenFields('Filedata', 'refused too', { metadata: '[1,2]' }));
    expect(response.status).toBe(400);
    await noBlobFiles();
    expect(await countAssets()).toBe(0);
  });

  it('is kept under its sha256, with nothing left in the staging folder, when the request is accepted', async () => {
    const content = `accepted ${randomBytes(8).toString('hex')}`;
    const response = await post('/assets', fileThenFields('asset[file]', content, {}));
    expect(response.status).toBe(201);
    const sha256 = sha256Of(Buffer.from(content));
    expect(await blobFiles()).toEqual([join(sha256.slice(0, 2), sha256.slice(2, 4), sha256)]);
  });
});
