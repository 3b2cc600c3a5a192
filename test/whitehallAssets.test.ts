import { randomUUID } from 'node:crypto';
import { get as httpGet } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assetCount } from './support/graphqlCalls.js';
import { eventually, startTestServer, type TestServer } from './support/testServer.js';

/** Where media is served (GOV.UK's asset root); deliberately not the host the API is asked on. */
const PUBLIC_URL = 'https://assets.example.test';

interface Presented {
  _response_info: { status: unknown };
  id: string;
  name: string;
  content_type: string;
  size: number | null;
  file_url: string;
  state: string;
  draft: boolean;
  deleted: boolean;
}

interface Reply {
  status: number;
  headers: Headers;
  json: Presented;
}

type User = { id: string; username: string; token: string };

let api: TestServer;
let admin: string;
let contributor: User;
let otherContributor: User;
let viewer: User;

beforeAll(async () => {
  api = await startTestServer({ env: { PUBLIC_URL } });
  admin = await api.adminToken();
  [contributor, otherContributor, viewer] = await Promise.all([
    api.createUser('CONTRIBUTOR'),
    api.createUser('CONTRIBUTOR'),
    api.createUser('VIEWER'),
  ]);
});
afterAll(() => api.close());

/** A legacy path of its own for each test, so that tests never share one. */
const freshPath = (name = 'tmp.txt') => `/government/uploads/${randomUUID()}/${name}`;

const idOf = (presented: Presented): string => presented.id.split('/').pop() as string;

/** POST /whitehall_assets with a file (unless `content` is null) and the given asset[...] fields. */
async function postWhitehall(
  token: string | undefined,
  fields: Record<string, string>,
  { filename = 'tmp.txt', content = `bytes ${randomUUID()}` }: { filename?: string; content?: string | null } = {},
): Promise<Reply> {
  const form = new FormData();
  if (content !== null) form.append('asset[file]', new Blob([content]), filename);
  for (const [name, value] of Object.entries(fields)) form.append(`asset[${name}]`, value);
  const response = await fetch(`${api.url}/whitehall_assets`, {
    method: 'POST',
    headers: token ? { authorization: `Bearer ${token}` } : {},
    body: form,
  });
  return { status: response.status, headers: response.headers, json: (await response.json()) as Presented };
}

async function created(token: string, fields: Record<string, string>, content?: string): Promise<Presented> {
  const reply = await postWhitehall(token, fields, content === undefined ? {} : { content });
  if (reply.status !== 201) throw new Error(`whitehall create failed: ${reply.status} ${JSON.stringify(reply.json)}`);
  return reply.json;
}

async function getAsset(token: string, id: string): Promise<Presented> {
  const response = await fetch(`${api.url}/assets/${id}`, { headers: { authorization: `Bearer ${token}` } });
  return (await response.json()) as Presented;
}

/** Polls until the asset is uploaded (scanned and stored). */
function uploaded(token: string, id: string): Promise<Presented> {
  return eventually(async () => {
    const asset = await getAsset(token, id);
    return asset.state === 'uploaded' ? asset : undefined;
  });
}

const countAssets = () => assetCount(api, admin);

describe('POST /whitehall_assets', () => {
  it('creates an asset served at its legacy path and answers 201 with file_url on that path', async () => {
    const reply = await postWhitehall(contributor.token, {
      legacy_url_path: '/government/uploads/path/to/tmp.txt',
    });
    expect(reply.status).toBe(201);
    const id = idOf(reply.json);
    expect(reply.json).toEqual({
      _response_info: { status: 'created' },
      id: `${api.url}/assets/${id}`,
      name: 'tmp.txt',
      content_type: 'text/plain; charset=utf-8',
      size: reply.json.size,
      file_url: `${PUBLIC_URL}/government/uploads/path/to/tmp.txt`,
      state: 'unscanned',
      draft: false,
      deleted: false,
    });
    expect(reply.json.size).toBeGreaterThan(0);
  });

  it('keeps file_url on the legacy path when the asset is read back with GET /assets/:id', async () => {
    const path = freshPath();
    const asset = await created(contributor.token, { legacy_url_path: path });
    expect((await getAsset(contributor.token, idOf(asset))).file_url).toBe(`${PUBLIC_URL}${path}`);
  });

  it('percent-encodes a non-ASCII legacy path in file_url', async () => {
    const folder = randomUUID();
    const asset = await created(contributor.token, { legacy_url_path: `/government/uploads/${folder}/résumé.txt` });
    expect(asset.file_url).toBe(`${PUBLIC_URL}/government/uploads/${folder}/r%C3%A9sum%C3%A9.txt`);
  });

  it('refuses a legacy_url_path outside /government/uploads with 422', async () => {
    const reply = await postWhitehall(contributor.token, { legacy_url_path: '/somewhere/else/tmp.txt' });
    expect(reply.status).toBe(422);
    expect(reply.json).toEqual({ _response_info: { status: ['Legacy url path must start with /government/uploads'] } });
  });

  it("refuses a legacy_url_path with a '..' segment with 422, creating nothing", async () => {
    const before = await countAssets();
    const reply = await postWhitehall(contributor.token, {
      legacy_url_path: '/government/uploads/../../etc/passwd.txt',
    });
    expect(reply.status).toBe(422);
    const messages = (reply.json._response_info as { status: unknown }).status;
    expect(Array.isArray(messages) && messages.length > 0).toBe(true);
    expect(await countAssets()).toBe(before);
  });

  it('refuses a request without legacy_url_path with 422', async () => {
    const reply = await postWhitehall(contributor.token, {});
    expect(reply.status).toBe(422);
    const messages = (reply.json._response_info as { status: unknown }).status;
    expect(Array.isArray(messages) && messages.length > 0).toBe(true);
  });

  it('refuses a request without a file with 422 "File can\'t be blank"', async () => {
    const reply = await postWhitehall(contributor.token, { legacy_url_path: freshPath() }, { content: null });
    expect(reply.status).toBe(422);
    expect(reply.json).toEqual({ _response_info: { status: ["File can't be blank"] } });
  });

  it('answers a request without a bearer token with 401 "No bearer token was provided"', async () => {
    const reply = await postWhitehall(undefined, { legacy_url_path: freshPath() });
    expect(reply.status).toBe(401);
    expect(reply.json).toEqual({ message: 'No bearer token was provided' });
  });

  it('refuses a VIEWER with 403 FORB', async () => {
    const reply = await postWhitehall(viewer.token, { legacy_url_path: freshPath() });
    expect(reply.status).toBe(403);
    expect(reply.json).toEqual({
      _response_info: { status: "Forbidden. You don't have permission to access this resource." },
    });
  });
});

/** DELETE /assets/:id (a soft delete) as `token`. */
async function removeAsset(token: string, id: string): Promise<void> {
  const response = await fetch(`${api.url}/assets/${id}`, {
    method: 'DELETE',
    headers: { authorization: `Bearer ${token}` },
  });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`delete failed: ${response.status}`);
}

describe('a legacy path posted to again', () => {
  it('serves the new asset at the legacy path once the one before it is deleted and the new one uploaded', async () => {
    const path = freshPath();
    const first = await created(contributor.token, { legacy_url_path: path }, 'the first bytes');
    await uploaded(contributor.token, idOf(first));
    await removeAsset(contributor.token, idOf(first));
    const second = await created(contributor.token, { legacy_url_path: path }, 'the second bytes');
    await uploaded(contributor.token, idOf(second));
    const media = await fetch(`${api.url}${path}`);
    expect(media.status).toBe(200);
    expect(await media.text()).toBe('the second bytes');
  });

  it('refuses a CONTRIBUTOR a path held by another CONTRIBUTOR\'s asset with 422 "already been taken"', async () => {
    const path = freshPath();
    await created(otherContributor.token, { legacy_url_path: path });
    const reply = await postWhitehall(contributor.token, { legacy_url_path: path });
    expect(reply.status).toBe(422);
    expect(reply.json).toEqual({ _response_info: { status: ['Legacy url path has already been taken'] } });
  });

  it("leaves another CONTRIBUTOR's asset at the path undeleted after the refusal", async () => {
    const path = freshPath();
    const holder = await created(otherContributor.token, { legacy_url_path: path });
    await postWhitehall(contributor.token, { legacy_url_path: path });
    expect((await getAsset(otherContributor.token, idOf(holder))).deleted).toBe(false);
  });
});

describe('restoring an asset displaced from its legacy path', () => {
  it('does not leave two undeleted assets holding the same legacy path', async () => {
    const path = freshPath();
    const first = await created(contributor.token, { legacy_url_path: path });
    await removeAsset(contributor.token, idOf(first));
    const second = await created(contributor.token, { legacy_url_path: path });
    const response = await fetch(`${api.url}/assets/${idOf(first)}/restore`, {
      method: 'POST',
      headers: { authorization: `Bearer ${contributor.token}` },
    });
    await response.arrayBuffer();
    const firstAfter = await getAsset(contributor.token, idOf(first));
    const secondAfter = await getAsset(contributor.token, idOf(second));
    expect([firstAfter.deleted, secondAfter.deleted]).not.toEqual([false, false]);
  });
});

describe('legacy cache validators', () => {
  it('serves legacy_etag, quoted, as the media ETag', async () => {
    const path = freshPath();
    const asset = await created(contributor.token, { legacy_url_path: path, legacy_etag: 'legacy-5a9986b0-643cc' });
    await uploaded(contributor.token, idOf(asset));
    const media = await fetch(`${api.url}${path}`);
    await media.arrayBuffer();
    expect(media.status).toBe(200);
    expect(media.headers.get('etag')).toBe('"legacy-5a9986b0-643cc"');
  });

  it('serves legacy_last_modified as the media Last-Modified', async () => {
    const path = freshPath();
    const asset = await created(contributor.token, {
      legacy_url_path: path,
      legacy_last_modified: '2017-07-18T16:18:38Z',
    });
    await uploaded(contributor.token, idOf(asset));
    const media = await fetch(`${api.url}${path}`);
    await media.arrayBuffer();
    expect(media.status).toBe(200);
    expect(media.headers.get('last-modified')).toBe('Tue, 18 Jul 2017 16:18:38 GMT');
  });

  it('answers a conditional GET with the legacy ETag with 304', async () => {
    const path = freshPath();
    const asset = await created(contributor.token, { legacy_url_path: path, legacy_etag: 'legacy-etag-304' });
    await uploaded(contributor.token, idOf(asset));
    // node:http, not fetch: fetch adds Cache-Control: no-cache to a conditional request, which is another case.
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const request = httpGet(
        `${api.url}${path}`,
        { headers: { 'if-none-match': '"legacy-etag-304"' } },
        (response) => {
          response.resume();
          resolve(response.statusCode);
        },
      );
      request.on('error', reject);
    });
    expect(status).toBe(304);
  });
});
