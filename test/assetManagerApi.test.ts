import { randomBytes, randomUUID } from 'node:crypto';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assetCount } from './support/graphqlCalls.js';
import { streamedMultipart } from './support/multipart.js';
import { ADMIN, eventually, startTestServer, type TestServer } from './support/testServer.js';

/** Where media is served (GOV.UK's asset root); deliberately not the host the API is asked on. */
const PUBLIC_URL = 'https://assets.example.test';
const MiB = 1024 * 1024;

const NF = { _response_info: { status: 'not found' } };
const FORB = { _response_info: { status: "Forbidden. You don't have permission to access this resource." } };
const NO_BEARER = { message: 'No bearer token was provided' };
const INVALID_BEARER = { message: 'Bearer token does not appear to be valid' };
const BASE_KEYS = ['_response_info', 'id', 'name', 'content_type', 'size', 'file_url', 'state', 'draft', 'deleted'];

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
  redirect_url?: string;
  replacement_id?: string;
  parent_document_url?: string;
}

interface Reply<T = Presented> {
  status: number;
  headers: Headers;
  text: string;
  json: T;
}

type User = { id: string; username: string; token: string };

/** A multipart part: a field, or a file with its name. */
type Part = [name: string, value: string] | [name: string, value: Blob, filename: string];

let api: TestServer;
let admin: string;
let contributor: User;
let otherContributor: User;
let viewer: User;
let editor: User;
let adminUser: User;

function formOf(parts: Part[]): FormData {
  const form = new FormData();
  for (const [name, value, filename] of parts) {
    if (typeof value === 'string') form.append(name, value);
    else form.append(name, value, filename);
  }
  return form;
}

function filePart(filename: string, content: string | Uint8Array = `bytes ${randomUUID()}`): Part {
  return ['asset[file]', new Blob([content as BlobPart]), filename];
}

async function call<T = Presented>(
  method: string,
  path: string,
  options: { token?: string; body?: FormData | string; headers?: Record<string, string> } = {},
): Promise<Reply<T>> {
  const response = await fetch(`${api.url}${path}`, {
    method,
    headers: {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    ...(options.body !== undefined ? { body: options.body } : {}),
    redirect: 'manual',
  });
  const text = await response.text();
  let json: T = undefined as T;
  try {
    json = JSON.parse(text) as T;
  } catch {
    // Not JSON (an empty 413, a served file): the test looks at `text`.
  }
  return { status: response.status, headers: response.headers, text, json };
}

const idOf = (presented: Presented): string => presented.id.split('/').pop() as string;

/** POST /assets with the given parts (a small .txt file when none given); fails unless it is a 201. */
async function create(token: string, parts: Part[] = [filePart('tmp.txt')]): Promise<Presented> {
  const reply = await call('POST', '/assets', { token, body: formOf(parts) });
  if (reply.status !== 201) throw new Error(`create failed: ${reply.status} ${reply.text}`);
  return reply.json;
}

const put = (token: string, id: string, parts: Part[]) => call('PUT', `/assets/${id}`, { token, body: formOf(parts) });

/** Polls GET /assets/:id until the asset is uploaded (scanned and stored). */
function uploaded(token: string, id: string): Promise<Presented> {
  return eventually(async () => {
    const reply = await call('GET', `/assets/${id}`, { token });
    return reply.json.state === 'uploaded' ? reply.json : undefined;
  });
}

/** The access lists as GraphQL shows them to the admin (the REST presenter never shows them). */
async function accessListsOf(id: string): Promise<{ accessLimitedUserIds: string[]; authBypassIds: string[] }> {
  const result = await api.graphql<{ asset: { accessLimitedUserIds: string[]; authBypassIds: string[] } }>(
    'query($id: ID!) { asset(id: $id) { accessLimitedUserIds authBypassIds } }',
    { id },
    { token: admin },
  );
  if (!result.data?.asset) throw new Error(`asset query failed: ${JSON.stringify(result.errors)}`);
  return result.data.asset;
}

const countAssets = () => assetCount(api, admin);

describe('GOV.UK Asset Manager management API', () => {
  beforeAll(async () => {
    api = await startTestServer({ env: { PUBLIC_URL } });
    admin = await api.adminToken();
    [contributor, otherContributor, viewer, editor, adminUser] = await Promise.all([
      api.createUser('CONTRIBUTOR'),
      api.createUser('CONTRIBUTOR'),
      api.createUser('VIEWER'),
      api.createUser('EDITOR'),
      api.createUser('ADMIN'),
    ]);
  });
  afterAll(() => api.close());

  describe('POST /assets', () => {
    it('creates an asset from asset[file] and answers 201 with the presenter body (#1)', async () => {
      const png = randomBytes(57705);
      const reply = await call('POST', '/assets', {
        token: contributor.token,
        body: formOf([filePart('asset.png', png)]),
      });
      expect(reply.status).toBe(201);
      const id = idOf(reply.json);
      expect(reply.json.id).toMatch(new RegExp(`^${api.url}/assets/[A-Za-z0-9_-]{22}$`));
      expect(reply.json).toEqual({
        _response_info: { status: 'created' },
        id: `${api.url}/assets/${id}`,
        name: 'asset.png',
        content_type: 'image/png',
        size: 57705,
        file_url: `${PUBLIC_URL}/media/${id}/asset.png`,
        state: 'unscanned',
        draft: false,
        deleted: false,
      });
    });

    it('answers an empty asset[file] with 422 "File can\'t be blank" (#2)', async () => {
      const reply = await call('POST', '/assets', {
        token: contributor.token,
        body: formOf([filePart('empty.txt', '')]),
      });
      expect(reply.status).toBe(422);
      expect(reply.json).toEqual({ _response_info: { status: ["File can't be blank"] } });
    });

    it('answers asset[file] sent as an empty field with 422 "File can\'t be blank"', async () => {
      const reply = await call('POST', '/assets', {
        token: contributor.token,
        body: formOf([['asset[file]', '']]),
      });
      expect(reply.status).toBe(422);
      expect(reply.json).toEqual({ _response_info: { status: ["File can't be blank"] } });
    });

    it('gives a .txt file the content type "text/plain; charset=utf-8" (#4)', async () => {
      const asset = await create(contributor.token, [filePart('lorem.txt', 'Lorem ipsum')]);
      expect(asset.content_type).toBe('text/plain; charset=utf-8');
    });

    it('gives a file with an unknown extension the content type application/octet-stream', async () => {
      const asset = await create(contributor.token, [filePart('data.zzqx', 'opaque')]);
      expect(asset.content_type).toBe('application/octet-stream');
    });

    it('lets an explicit asset[content_type] win over the extension, in the answer (#5)', async () => {
      const asset = await create(contributor.token, [
        filePart('asset.png', randomBytes(64)),
        ['asset[content_type]', 'application/pdf'],
      ]);
      expect(asset.content_type).toBe('application/pdf');
    });

    it('serves the media with the explicit asset[content_type] once uploaded (#5)', async () => {
      const asset = await create(contributor.token, [
        filePart('asset.png', randomBytes(64)),
        ['asset[content_type]', 'application/pdf'],
      ]);
      await uploaded(contributor.token, idOf(asset));
      const media = await fetch(`${api.url}/media/${idOf(asset)}/asset.png`);
      await media.arrayBuffer();
      expect(media.status).toBe(200);
      expect(media.headers.get('content-type')).toBe('application/pdf');
    });

    it('refuses an asset[content_type] with parameters with 422 and the rfc6838 message (#6)', async () => {
      const reply = await call('POST', '/assets', {
        token: contributor.token,
        body: formOf([filePart('tmp.txt'), ['asset[content_type]', 'text/plain; charset=utf-8']]),
      });
      expect(reply.status).toBe(422);
      expect((reply.json._response_info as { status: string[] }).status).toContain(
        'Content type must match the format defined in rfc6838',
      );
    });

    it('refuses an asset[replacement_id] that names no asset with 422 "Replacement not found" (#7)', async () => {
      const reply = await call('POST', '/assets', {
        token: contributor.token,
        body: formOf([filePart('tmp.txt'), ['asset[replacement_id]', 'non-existent-asset-id']]),
      });
      expect(reply.status).toBe(422);
      expect((reply.json._response_info as { status: string[] }).status).toContain('Replacement not found');
    });

    it('accepts an asset[replacement_id] of an existing asset and shows it as replacement_id (#8)', async () => {
      const replacement = await create(contributor.token);
      const reply = await call('POST', '/assets', {
        token: contributor.token,
        body: formOf([filePart('old.txt'), ['asset[replacement_id]', idOf(replacement)]]),
      });
      expect(reply.status).toBe(201);
      expect(reply.json.replacement_id).toBe(idOf(replacement));
    });

    it('accepts a deleted asset as asset[replacement_id]', async () => {
      const replacement = await create(contributor.token);
      await call('DELETE', `/assets/${idOf(replacement)}`, { token: contributor.token });
      const reply = await call('POST', '/assets', {
        token: contributor.token,
        body: formOf([filePart('old.txt'), ['asset[replacement_id]', idOf(replacement)]]),
      });
      expect(reply.status).toBe(201);
      expect(reply.json.replacement_id).toBe(idOf(replacement));
    });

    it('creates a draft from asset[draft]=true (#9)', async () => {
      const asset = await create(contributor.token, [filePart('tmp.txt'), ['asset[draft]', 'true']]);
      expect(asset.draft).toBe(true);
    });

    it('refuses a parent_document_url that is not http(s) with 422 (#10)', async () => {
      const reply = await call('POST', '/assets', {
        token: contributor.token,
        body: formOf([filePart('tmp.txt'), ['asset[parent_document_url]', 'ftp://x']]),
      });
      expect(reply.status).toBe(422);
      expect(reply.json).toEqual({ _response_info: { status: ['Parent document url must be an http(s) URL'] } });
    });

    it('refuses a draft-origin parent_document_url on a live asset with 422 (#11)', async () => {
      const reply = await call('POST', '/assets', {
        token: contributor.token,
        body: formOf([filePart('tmp.txt'), ['asset[parent_document_url]', 'https://draft-origin.example/x']]),
      });
      expect(reply.status).toBe(422);
      expect(reply.json).toEqual({
        _response_info: { status: ['Parent document url must be a public GOV.UK URL'] },
      });
    });

    it('accepts a draft-origin parent_document_url on a draft (#11)', async () => {
      const asset = await create(contributor.token, [
        filePart('tmp.txt'),
        ['asset[draft]', 'true'],
        ['asset[parent_document_url]', 'https://draft-origin.example/x'],
      ]);
      expect(asset.parent_document_url).toBe('https://draft-origin.example/x');
    });
  });

  describe('GET /assets/:id', () => {
    it('answers 200 with status "ok" and Cache-Control: no-cache for the owner (#13)', async () => {
      const asset = await create(contributor.token);
      const reply = await call('GET', `/assets/${idOf(asset)}`, { token: contributor.token });
      expect(reply.status).toBe(200);
      expect(reply.json._response_info).toEqual({ status: 'ok' });
      expect(reply.json.id).toBe(asset.id);
      expect(reply.headers.get('cache-control')).toBe('no-cache');
    });

    it('answers with Content-Type application/json; charset=utf-8', async () => {
      const asset = await create(contributor.token);
      const reply = await call('GET', `/assets/${idOf(asset)}`, { token: contributor.token });
      expect(reply.headers.get('content-type')).toBe('application/json; charset=utf-8');
    });

    it('answers an id that is not an asset id (/assets/blah) with 404 NF (#12)', async () => {
      const reply = await call('GET', '/assets/blah', { token: contributor.token });
      expect(reply.status).toBe(404);
      expect(reply.json).toEqual(NF);
    });

    it('answers a well-formed id that names no asset with 404 NF', async () => {
      const reply = await call('GET', `/assets/${'A'.repeat(22)}`, { token: contributor.token });
      expect(reply.status).toBe(404);
      expect(reply.json).toEqual(NF);
    });

    it('answers invalid UTF-8 in the path (/assets/%FF) with 404 NF', async () => {
      const reply = await call('GET', '/assets/%FF', { token: contributor.token });
      expect(reply.status).toBe(404);
      expect(reply.json).toEqual(NF);
    });
  });

  describe('the presenter', () => {
    it('emits the keys in AssetPresenter order, without the optional ones when unset', async () => {
      const asset = await create(contributor.token);
      const reply = await call('GET', `/assets/${idOf(asset)}`, { token: contributor.token });
      expect(Object.keys(reply.json)).toEqual(BASE_KEYS);
    });

    it('appends redirect_url, replacement_id and parent_document_url, in that order, when set', async () => {
      const replacement = await create(contributor.token);
      const asset = await create(contributor.token, [
        filePart('tmp.txt'),
        ['asset[redirect_url]', 'https://www.gov.uk/moved'],
        ['asset[replacement_id]', idOf(replacement)],
        ['asset[parent_document_url]', 'https://www.gov.uk/parent'],
      ]);
      expect(Object.keys(asset)).toEqual([...BASE_KEYS, 'redirect_url', 'replacement_id', 'parent_document_url']);
      expect(asset.redirect_url).toBe('https://www.gov.uk/moved');
      expect(asset.parent_document_url).toBe('https://www.gov.uk/parent');
    });

    it('builds id from the origin the request was made to', async () => {
      const asset = await create(contributor.token);
      expect(asset.id).toBe(`${api.url}/assets/${idOf(asset)}`);
    });

    it('builds id from X-Forwarded-Host and X-Forwarded-Proto when a proxy sends them', async () => {
      const asset = await create(contributor.token);
      const reply = await call('GET', `/assets/${idOf(asset)}`, {
        token: contributor.token,
        headers: { 'x-forwarded-host': 'asset-manager.example.test', 'x-forwarded-proto': 'https' },
      });
      expect(reply.json.id).toBe(`https://asset-manager.example.test/assets/${idOf(asset)}`);
    });

    it('builds file_url on PUBLIC_URL with a non-ASCII name percent-encoded', async () => {
      const asset = await create(contributor.token, [filePart('résumé.txt', 'cv')]);
      expect(asset.name).toBe('résumé.txt');
      expect(asset.file_url).toBe(`${PUBLIC_URL}/media/${idOf(asset)}/r%C3%A9sum%C3%A9.txt`);
    });

    it('shows the state in lower case once the asset is uploaded', async () => {
      const asset = await create(contributor.token);
      const done = await uploaded(contributor.token, idOf(asset));
      expect(done.state).toBe('uploaded');
    });
  });

  describe('parameters', () => {
    it('takes asset[access_limited_user_ids][] as an alias of access_limited', async () => {
      const asset = await create(contributor.token, [
        filePart('tmp.txt'),
        ['asset[draft]', 'true'],
        ['asset[access_limited_user_ids][]', 'user-1'],
        ['asset[access_limited_user_ids][]', 'user-2'],
      ]);
      expect((await accessListsOf(idOf(asset))).accessLimitedUserIds).toEqual(['user-1', 'user-2']);
    });

    it('takes asset[access_limited]="" as an empty list', async () => {
      const asset = await create(contributor.token, [
        filePart('tmp.txt'),
        ['asset[draft]', 'true'],
        ['asset[access_limited][]', 'user-1'],
      ]);
      expect((await accessListsOf(idOf(asset))).accessLimitedUserIds).toEqual(['user-1']);
      const reply = await put(contributor.token, idOf(asset), [['asset[access_limited]', '']]);
      expect(reply.status).toBe(200);
      expect((await accessListsOf(idOf(asset))).accessLimitedUserIds).toEqual([]);
    });

    it('ignores asset[legacy_url_path] and unknown keys such as asset[foo] on POST /assets', async () => {
      const reply = await call('POST', '/assets', {
        token: contributor.token,
        body: formOf([
          filePart('tmp.txt'),
          ['asset[legacy_url_path]', `/government/uploads/ignored/${randomUUID()}.txt`],
          ['asset[foo]', 'bar'],
        ]),
      });
      expect(reply.status).toBe(201);
      expect(reply.json.file_url).toBe(`${PUBLIC_URL}/media/${idOf(reply.json)}/tmp.txt`);
      expect(Object.keys(reply.json)).toEqual(BASE_KEYS);
    });

    it('casts asset[draft]="true" to true on PUT', async () => {
      const asset = await create(contributor.token);
      const reply = await put(contributor.token, idOf(asset), [['asset[draft]', 'true']]);
      expect(reply.status).toBe(200);
      expect(reply.json.draft).toBe(true);
    });

    it('casts asset[draft]="false" to false on PUT', async () => {
      const asset = await create(contributor.token, [filePart('tmp.txt'), ['asset[draft]', 'true']]);
      const reply = await put(contributor.token, idOf(asset), [['asset[draft]', 'false']]);
      expect(reply.status).toBe(200);
      expect(reply.json.draft).toBe(false);
    });

    it('accepts a JSON body {"asset": {...}} on PUT', async () => {
      const asset = await create(contributor.token);
      const reply = await call('PUT', `/assets/${idOf(asset)}`, {
        token: contributor.token,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ asset: { draft: true, parent_document_url: 'https://www.gov.uk/parent' } }),
      });
      expect(reply.status).toBe(200);
      expect(reply.json.draft).toBe(true);
      expect(reply.json.parent_document_url).toBe('https://www.gov.uk/parent');
    });

    it('honours fields that come after the file part in the multipart body', async () => {
      const reply = await call('POST', '/assets', {
        token: contributor.token,
        body: formOf([
          filePart('first.txt'),
          ['asset[draft]', 'true'],
          ['asset[parent_document_url]', 'https://www.gov.uk/after'],
        ]),
      });
      expect(reply.status).toBe(201);
      expect(reply.json.draft).toBe(true);
      expect(reply.json.parent_document_url).toBe('https://www.gov.uk/after');
    });

    it('answers a multipart POST without the asset key with 400 Bad Request', async () => {
      const reply = await call('POST', '/assets', {
        token: contributor.token,
        body: formOf([['foo', 'bar']]),
      });
      expect(reply.status).toBe(400);
      expect(reply.json).toEqual({ status: 400, error: 'Bad Request' });
    });

    it('answers a JSON PUT without the asset key with 400 Bad Request', async () => {
      const asset = await create(contributor.token);
      const reply = await call('PUT', `/assets/${idOf(asset)}`, {
        token: contributor.token,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ draft: true }),
      });
      expect(reply.status).toBe(400);
      expect(reply.json).toEqual({ status: 400, error: 'Bad Request' });
    });
  });

  describe('authentication', () => {
    it('answers a POST without an Authorization header with 401 "No bearer token was provided" (#21)', async () => {
      const reply = await call('POST', '/assets', { body: formOf([filePart('tmp.txt')]) });
      expect(reply.status).toBe(401);
      expect(reply.json).toEqual(NO_BEARER);
      expect(reply.headers.get('www-authenticate')).toBe('Bearer error="invalid_request"');
    });

    it('answers a request carrying only the login cookie with 401 "No bearer token was provided"', async () => {
      const login = await fetch(`${api.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          query: 'mutation($u: String!, $p: String!) { login(username: $u, password: $p) { csrfToken } }',
          variables: { u: ADMIN.username, p: ADMIN.password },
        }),
      });
      const { data } = (await login.json()) as { data: { login: { csrfToken: string } } };
      const cookie = login.headers
        .getSetCookie()
        .map((line) => line.split(';')[0] as string)
        .find((pair) => pair.startsWith('authToken='));
      expect(cookie).toBeDefined();
      const reply = await call('POST', '/assets', {
        headers: { cookie: cookie as string, 'x-csrf-token': data.login.csrfToken },
        body: formOf([filePart('tmp.txt')]),
      });
      expect(reply.status).toBe(401);
      expect(reply.json).toEqual(NO_BEARER);
      expect(reply.headers.get('www-authenticate')).toBe('Bearer error="invalid_request"');
    });

    it('answers an unknown bearer token with 401 "Bearer token does not appear to be valid" (#22)', async () => {
      const reply = await call('POST', '/assets', { token: 'bogus', body: formOf([filePart('tmp.txt')]) });
      expect(reply.status).toBe(401);
      expect(reply.json).toEqual(INVALID_BEARER);
      expect(reply.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    });

    it('creates nothing for a request without a valid bearer token', async () => {
      const before = await countAssets();
      await call('POST', '/assets', { body: formOf([filePart('tmp.txt')]) });
      await call('POST', '/assets', { token: 'bogus', body: formOf([filePart('tmp.txt')]) });
      expect(await countAssets()).toBe(before);
    });
  });

  describe('authorisation', () => {
    type Action = { name: string; expected: number; run: (id: string, token: string) => Promise<Reply> };
    const actions: Action[] = [
      { name: 'GET', expected: 200, run: (id, token) => call('GET', `/assets/${id}`, { token }) },
      { name: 'PUT', expected: 200, run: (id, token) => put(token, id, [['asset[draft]', 'false']]) },
      { name: 'DELETE', expected: 200, run: (id, token) => call('DELETE', `/assets/${id}`, { token }) },
      { name: 'POST restore', expected: 200, run: (id, token) => call('POST', `/assets/${id}/restore`, { token }) },
    ];

    it('refuses a POST from a VIEWER with 403 FORB', async () => {
      const reply = await call('POST', '/assets', { token: viewer.token, body: formOf([filePart('tmp.txt')]) });
      expect(reply.status).toBe(403);
      expect(reply.json).toEqual(FORB);
    });

    it.each(actions)('lets a CONTRIBUTOR $name its own asset', async ({ run, expected }) => {
      const asset = await create(contributor.token);
      const reply = await run(idOf(asset), contributor.token);
      expect(reply.status).toBe(expected);
      expect(reply.json.id).toBe(asset.id);
    });

    it.each(actions)("answers a CONTRIBUTOR's $name on another user's asset with 403 FORB (#14)", async ({ run }) => {
      const asset = await create(otherContributor.token);
      const reply = await run(idOf(asset), contributor.token);
      expect(reply.status).toBe(403);
      expect(reply.json).toEqual(FORB);
    });

    it("leaves another user's asset as it was after a CONTRIBUTOR's refused DELETE", async () => {
      const asset = await create(otherContributor.token);
      await call('DELETE', `/assets/${idOf(asset)}`, { token: contributor.token });
      const reply = await call('GET', `/assets/${idOf(asset)}`, { token: otherContributor.token });
      expect(reply.json.deleted).toBe(false);
    });

    it.each(
      actions.flatMap((action) => [
        { ...action, role: 'EDITOR' },
        { ...action, role: 'ADMIN' },
      ]),
    )("lets an $role $name another user's asset (#14)", async ({ run, expected, role }) => {
      const asset = await create(contributor.token);
      const token = role === 'EDITOR' ? editor.token : adminUser.token;
      const reply = await run(idOf(asset), token);
      expect(reply.status).toBe(expected);
      expect(reply.json.id).toBe(asset.id);
    });

    // GOV.UK lets "Manage all Assets" users see every asset; here an access-limited draft is hidden from
    // everyone its limits leave out but ADMIN, on every surface alike, so that it stays hidden.
    it("answers an EDITOR's GET on another user's access-limited draft with 404, as if it did not exist", async () => {
      const asset = await create(contributor.token, [
        filePart('tmp.txt'),
        ['asset[draft]', 'true'],
        ['asset[access_limited][]', 'someone-else'],
      ]);
      const reply = await call('GET', `/assets/${idOf(asset)}`, { token: editor.token });
      expect(reply.status).toBe(404);
      expect(reply.json).toEqual(NF);
    });

    it("lets an ADMIN GET another user's access-limited draft", async () => {
      const asset = await create(contributor.token, [
        filePart('tmp.txt'),
        ['asset[draft]', 'true'],
        ['asset[access_limited][]', 'someone-else'],
      ]);
      const reply = await call('GET', `/assets/${idOf(asset)}`, { token: await api.adminToken() });
      expect(reply.status).toBe(200);
      expect(reply.json.id).toBe(asset.id);
    });
  });

  describe('PUT and PATCH /assets/:id', () => {
    it('replaces the file and answers 200 "success" with the new name, type and state (#17)', async () => {
      const asset = await create(contributor.token, [filePart('asset.png', randomBytes(64))]);
      await uploaded(contributor.token, idOf(asset));
      const reply = await put(contributor.token, idOf(asset), [filePart('asset2.jpg', randomBytes(80))]);
      expect(reply.status).toBe(200);
      expect(reply.json._response_info).toEqual({ status: 'success' });
      expect(reply.json.id.endsWith(`/${idOf(asset)}`)).toBe(true);
      expect(reply.json.name).toBe('asset2.jpg');
      expect(reply.json.content_type).toBe('image/jpeg');
      expect(reply.json.size).toBe(80);
      expect(reply.json.state).toBe('unscanned');
    });

    it('brings a new file to "uploaded" after the scan', async () => {
      const asset = await create(contributor.token);
      await uploaded(contributor.token, idOf(asset));
      const reply = await put(contributor.token, idOf(asset), [filePart('tmp123.txt')]);
      expect(reply.json.state).toBe('unscanned');
      const done = await uploaded(contributor.token, idOf(asset));
      expect(done.name).toBe('tmp123.txt');
    });

    it('scans a new file again even when it has the same name as the old one', async () => {
      const asset = await create(contributor.token, [filePart('same.txt')]);
      await uploaded(contributor.token, idOf(asset));
      const reply = await put(contributor.token, idOf(asset), [filePart('same.txt', 'different bytes')]);
      expect(reply.json.name).toBe('same.txt');
      expect(reply.json.state).toBe('unscanned');
    });

    it('clears the replacement given asset[replacement_id]="" and drops replacement_id from the answer', async () => {
      const replacement = await create(contributor.token);
      const asset = await create(contributor.token, [
        filePart('tmp.txt'),
        ['asset[replacement_id]', idOf(replacement)],
      ]);
      const reply = await put(contributor.token, idOf(asset), [['asset[replacement_id]', '']]);
      expect(reply.status).toBe(200);
      expect(Object.keys(reply.json)).not.toContain('replacement_id');
    });

    it('redirects the old filename to the new one once the new file is uploaded (#28)', async () => {
      const asset = await create(contributor.token, [filePart('tmp.txt')]);
      await uploaded(contributor.token, idOf(asset));
      await put(contributor.token, idOf(asset), [filePart('tmp123.txt', 'the new bytes')]);
      await uploaded(contributor.token, idOf(asset));
      const old = await fetch(`${api.url}/media/${idOf(asset)}/tmp.txt`, { redirect: 'manual' });
      expect(old.status).toBe(302);
      expect(old.headers.get('location')).toBe(`/media/${idOf(asset)}/tmp123.txt`);
      const current = await fetch(`${api.url}/media/${idOf(asset)}/tmp123.txt`);
      expect(await current.text()).toBe('the new bytes');
    });

    it('keeps an explicit asset[content_type] sent with a new file', async () => {
      const asset = await create(contributor.token);
      const reply = await put(contributor.token, idOf(asset), [
        filePart('report.bin'),
        ['asset[content_type]', 'application/pdf'],
      ]);
      expect(reply.json.content_type).toBe('application/pdf');
    });

    it('answers a PUT on a deleted live asset with 404 NF (#18)', async () => {
      const asset = await create(contributor.token);
      await call('DELETE', `/assets/${idOf(asset)}`, { token: contributor.token });
      const reply = await put(contributor.token, idOf(asset), [['asset[redirect_url]', 'https://www.gov.uk/x']]);
      expect(reply.status).toBe(404);
      expect(reply.json).toEqual(NF);
    });

    it('updates a deleted draft, and draft=false sticks (#18)', async () => {
      const asset = await create(contributor.token, [filePart('tmp.txt'), ['asset[draft]', 'true']]);
      await call('DELETE', `/assets/${idOf(asset)}`, { token: contributor.token });
      const reply = await put(contributor.token, idOf(asset), [['asset[draft]', 'false']]);
      expect(reply.status).toBe(200);
      expect(reply.json.draft).toBe(false);
      const again = await call('GET', `/assets/${idOf(asset)}`, { token: contributor.token });
      expect(again.json.draft).toBe(false);
    });

    it('refuses draft=true on a replaced live asset with 422 "already replaced" (#19)', async () => {
      const replacement = await create(contributor.token);
      const asset = await create(contributor.token, [
        filePart('tmp.txt'),
        ['asset[replacement_id]', idOf(replacement)],
      ]);
      const reply = await put(contributor.token, idOf(asset), [['asset[draft]', 'true']]);
      expect(reply.status).toBe(422);
      expect(reply.json).toEqual({ _response_info: { status: ['Draft cannot be true, because already replaced'] } });
    });

    it('refuses draft=true on a redirected live asset with 422 "already redirected" (#19)', async () => {
      const asset = await create(contributor.token, [
        filePart('tmp.txt'),
        ['asset[redirect_url]', 'https://www.gov.uk/elsewhere'],
      ]);
      const reply = await put(contributor.token, idOf(asset), [['asset[draft]', 'true']]);
      expect(reply.status).toBe(422);
      expect(reply.json).toEqual({
        _response_info: { status: ['Draft cannot be true, because already redirected'] },
      });
    });

    it('clears redirect_url given as empty, and drops the key from the answer (#20)', async () => {
      const asset = await create(contributor.token, [
        filePart('tmp.txt'),
        ['asset[redirect_url]', 'https://www.gov.uk/elsewhere'],
      ]);
      expect(asset.redirect_url).toBe('https://www.gov.uk/elsewhere');
      const reply = await put(contributor.token, idOf(asset), [['asset[redirect_url]', '']]);
      expect(reply.status).toBe(200);
      expect(Object.keys(reply.json)).not.toContain('redirect_url');
    });

    it('treats PATCH as PUT', async () => {
      const asset = await create(contributor.token);
      const reply = await call('PATCH', `/assets/${idOf(asset)}`, {
        token: contributor.token,
        body: formOf([['asset[draft]', 'true']]),
      });
      expect(reply.status).toBe(200);
      expect(reply.json._response_info).toEqual({ status: 'success' });
      expect(reply.json.draft).toBe(true);
    });

    it('answers a PUT on an unknown id with 404 NF', async () => {
      const reply = await put(contributor.token, 'B'.repeat(22), [['asset[draft]', 'true']]);
      expect(reply.status).toBe(404);
      expect(reply.json).toEqual(NF);
    });
  });

  describe('DELETE /assets/:id and POST /assets/:id/restore', () => {
    it('soft-deletes and answers 200 "success" with deleted:true (#15)', async () => {
      const asset = await create(contributor.token);
      await uploaded(contributor.token, idOf(asset));
      const reply = await call('DELETE', `/assets/${idOf(asset)}`, { token: contributor.token });
      expect(reply.status).toBe(200);
      expect(reply.json._response_info).toEqual({ status: 'success' });
      expect(reply.json.deleted).toBe(true);
    });

    it('still shows a deleted asset on GET, with deleted:true (#15)', async () => {
      const asset = await create(contributor.token);
      await call('DELETE', `/assets/${idOf(asset)}`, { token: contributor.token });
      const reply = await call('GET', `/assets/${idOf(asset)}`, { token: contributor.token });
      expect(reply.status).toBe(200);
      expect(reply.json.deleted).toBe(true);
    });

    it('answers a second DELETE with 404 NF (#15)', async () => {
      const asset = await create(contributor.token);
      await call('DELETE', `/assets/${idOf(asset)}`, { token: contributor.token });
      const reply = await call('DELETE', `/assets/${idOf(asset)}`, { token: contributor.token });
      expect(reply.status).toBe(404);
      expect(reply.json).toEqual(NF);
    });

    it('restores a deleted asset and answers 200 "success" with deleted:false (#16)', async () => {
      const asset = await create(contributor.token);
      await call('DELETE', `/assets/${idOf(asset)}`, { token: contributor.token });
      const reply = await call('POST', `/assets/${idOf(asset)}/restore`, { token: contributor.token });
      expect(reply.status).toBe(200);
      expect(reply.json._response_info).toEqual({ status: 'success' });
      expect(reply.json.deleted).toBe(false);
    });

    it('serves the media of a restored asset again (#16)', async () => {
      const asset = await create(contributor.token, [filePart('asset.txt', 'restored bytes')]);
      await uploaded(contributor.token, idOf(asset));
      await call('DELETE', `/assets/${idOf(asset)}`, { token: contributor.token });
      const whileDeleted = await fetch(`${api.url}/media/${idOf(asset)}/asset.txt`);
      await whileDeleted.arrayBuffer();
      expect(whileDeleted.status).toBe(410);
      await call('POST', `/assets/${idOf(asset)}/restore`, { token: contributor.token });
      const media = await fetch(`${api.url}/media/${idOf(asset)}/asset.txt`);
      expect(media.status).toBe(200);
      expect(await media.text()).toBe('restored bytes');
    });

    it('answers a restore of an asset that is not deleted with 200 "success"', async () => {
      const asset = await create(contributor.token);
      const reply = await call('POST', `/assets/${idOf(asset)}/restore`, { token: contributor.token });
      expect(reply.status).toBe(200);
      expect(reply.json._response_info).toEqual({ status: 'success' });
      expect(reply.json.deleted).toBe(false);
    });

    it('answers a restore of an unknown id with 404 NF', async () => {
      const reply = await call('POST', `/assets/${'C'.repeat(22)}/restore`, { token: contributor.token });
      expect(reply.status).toBe(404);
      expect(reply.json).toEqual(NF);
    });

    it('answers a DELETE of an unknown id with 404 NF', async () => {
      const reply = await call('DELETE', `/assets/${'D'.repeat(22)}`, { token: contributor.token });
      expect(reply.status).toBe(404);
      expect(reply.json).toEqual(NF);
    });
  });

  describe('filenames', () => {
    it("sanitises 'my file (1).pdf' to 'my_file__1_.pdf'", async () => {
      const asset = await create(contributor.token, [filePart('my file (1).pdf')]);
      expect(asset.name).toBe('my_file__1_.pdf');
      expect(asset.file_url).toBe(`${PUBLIC_URL}/media/${idOf(asset)}/my_file__1_.pdf`);
    });

    it("stores '../../etc/passwd' as 'passwd'", async () => {
      const asset = await create(contributor.token, [filePart('../../etc/passwd')]);
      expect(asset.name).toBe('passwd');
      expect(asset.file_url).toBe(`${PUBLIC_URL}/media/${idOf(asset)}/passwd`);
    });

    it('refuses a 300-character filename with 422', async () => {
      const before = await countAssets();
      const reply = await call('POST', '/assets', {
        token: contributor.token,
        body: formOf([filePart(`${'a'.repeat(296)}.txt`)]),
      });
      expect(reply.status).toBe(422);
      expect(Array.isArray((reply.json._response_info as { status: unknown }).status)).toBe(true);
      expect(await countAssets()).toBe(before);
    });
  });
});

describe('GOV.UK Asset Manager request size limit (MAX_UPLOAD_MB=1)', () => {
  beforeAll(async () => {
    api = await startTestServer({ env: { PUBLIC_URL, MAX_UPLOAD_MB: '1' } });
    admin = await api.adminToken();
  });
  afterAll(() => api.close());

  function readBody(response: IncomingMessage): Promise<string> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      response.on('error', reject);
    });
  }

  /** Sends only the headers of a request that declares `length` bytes, and returns the answer. */
  async function declareOnly(method: string, path: string, length: number): Promise<{ status: number; body: string }> {
    const request = httpRequest(`${api.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${admin}`,
        'content-type': 'multipart/form-data; boundary=size-limit',
        'content-length': String(length),
      },
    });
    request.on('error', () => {});
    // Not a byte of the body goes out: the answer must come from the headers alone.
    request.flushHeaders();
    const response = await new Promise<IncomingMessage>((resolve) => request.once('response', resolve));
    const body = await readBody(response);
    request.destroy();
    return { status: response.statusCode ?? 0, body };
  }

  it('answers a POST declaring a body well over the limit with 413 and an empty body, unread (#3)', async () => {
    const reply = await declareOnly('POST', '/assets', 3 * MiB);
    expect(reply.status).toBe(413);
    expect(reply.body).toBe('');
  });

  it('answers a PUT declaring a body well over the limit with 413 and an empty body, unread (#3)', async () => {
    const asset = await create(admin);
    const reply = await declareOnly('PUT', `/assets/${idOf(asset)}`, 3 * MiB);
    expect(reply.status).toBe(413);
    expect(reply.body).toBe('');
  });

  it('answers a streamed body without Content-Length whose file passes the limit with 413, creating nothing', async () => {
    const before = await countAssets();
    const boundary = 'streamed-limit';
    const head = Buffer.from(
      `--${boundary}\r\ncontent-disposition: form-data; name="asset[file]"; filename="big.bin"\r\n` +
        'content-type: application/octet-stream\r\n\r\n',
    );
    const body = streamedMultipart(head, boundary, 2 * MiB);
    // A server that never answers must fail this test, not hang it: the request gives up after 10 s.
    const response = await fetch(`${api.url}/assets`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
      body,
      duplex: 'half',
      signal: AbortSignal.timeout(10_000),
    } as RequestInit).catch((error: unknown) => error as Error);
    const status = response instanceof Response ? response.status : `no answer (${response.name})`;
    if (response instanceof Response) await response.arrayBuffer();
    expect(status).toBe(413);
    expect(await countAssets()).toBe(before);
  });
});
