import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authKeyFor, untilUploaded, uploadAs } from './support/graphqlCalls.js';
import { startTestServer, type TestServer, type TestUser } from './support/testServer.js';
import { bearer, bodyOf, expectError, postServices, postServicesFile } from './support/woodwingCalls.js';

/*
 * The rate limits of issue 17 on the two REST surfaces: each refuses with 429, Retry-After and its own error
 * body (WoodWing's {errorname, message, errorcode}, GOV.UK's Rails JSON).
 */

let api: TestServer;
let editor: TestUser;

beforeAll(async () => {
  api = await startTestServer({
    env: {
      // createUser's GraphQL login is the first of the two.
      RATE_LIMIT_LOGIN_PER_USER: '2/3600',
      RATE_LIMIT_UPLOAD_PER_USER: '1/3600',
      RATE_LIMIT_SHARED_LINK_PER_LINK: '1/3600',
    },
  });
  editor = await api.createUser('EDITOR');
});
afterAll(() => api.close());

const file = () => ({ name: 'report.txt', content: `bytes ${randomUUID()}` });

/** A 429 in WoodWing's error shape, with Retry-After; its body. */
async function expectWoodwingRefusal(response: Response): Promise<{ errorname: string; message: string }> {
  expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
  return expectError(response, 429);
}

/** POST /assets or /whitehall_assets with asset[file] and the given asset[...] fields, as `user`. */
function postAssetManager(path: string, user: TestUser, fields: Record<string, string> = {}): Promise<Response> {
  const form = new FormData();
  const { name, content } = file();
  form.append('asset[file]', new Blob([content]), name);
  for (const [field, value] of Object.entries(fields)) form.append(`asset[${field}]`, value);
  return fetch(`${api.url}${path}`, { method: 'POST', headers: bearer(user.token), body: form });
}

describe('WoodWing /services', () => {
  it('refuses /services/login past the limit for its username with 429, Retry-After and its error body', async () => {
    const user = await api.createUser('VIEWER');
    const credentials = { username: user.username, password: user.password };
    expect((await bodyOf(await postServices(api.url, 'login', credentials))).loginSuccess).toBe(true);
    const body = await expectWoodwingRefusal(await postServices(api.url, 'login', credentials));
    expect(body.errorname).toBe('TooManyRequestsException');
    expect(body.message).toMatch(/^Too many logins for this username/);
  });

  it("keeps login's failure fields in that refusal, for clients that read only loginSuccess", async () => {
    const user = await api.createUser('VIEWER');
    const credentials = { username: user.username, password: user.password };
    await postServices(api.url, 'login', credentials);
    const body = await bodyOf(await postServices(api.url, 'login', credentials));
    expect(body).toMatchObject({ loginSuccess: false, errorcode: 429 });
    expect(body.loginFaultMessage).toBe(body.message);
  });

  it('counts /services/apilogin as a login', async () => {
    const user = await api.createUser('VIEWER');
    const credentials = { username: user.username, password: user.password };
    expect((await bodyOf(await postServices(api.url, 'apilogin', credentials))).loginSuccess).toBe(true);
    await expectWoodwingRefusal(await postServices(api.url, 'apilogin', credentials));
  });

  it('refuses /services/create with a file past the upload limit of its user', async () => {
    const user = await api.createUser('CONTRIBUTOR');
    const folderPath = `/rate/${randomUUID()}`;
    const first = await postServicesFile(api.url, 'create', { folderPath }, file(), bearer(user.token));
    expect(first.status).toBe(200);
    const body = await expectWoodwingRefusal(
      await postServicesFile(api.url, 'create', { folderPath }, file(), bearer(user.token)),
    );
    expect(body.message).toMatch(/^Too many uploads by this user/);
  });

  it('does not count /services/create without a file as an upload', async () => {
    const user = await api.createUser('CONTRIBUTOR');
    const folderPath = `/rate/${randomUUID()}`;
    await postServicesFile(api.url, 'create', { folderPath }, file(), bearer(user.token));
    const fields = { folderPath, name: 'later.txt' };
    const placeholder = await postServicesFile(api.url, 'create', fields, undefined, bearer(user.token));
    expect(placeholder.status).toBe(200);
  });

  it('refuses /services/update with a file past the upload limit, and still takes one without a file', async () => {
    const user = await api.createUser('CONTRIBUTOR');
    const folderPath = `/rate/${randomUUID()}`;
    const hit = await bodyOf(await postServicesFile(api.url, 'create', { folderPath }, file(), bearer(user.token)));
    await expectWoodwingRefusal(await postServicesFile(api.url, 'update', { id: hit.id }, file(), bearer(user.token)));
    const fields = { id: hit.id, headline: 'New' };
    const metadataOnly = await postServicesFile(api.url, 'update', fields, undefined, bearer(user.token));
    expect(metadataOnly.status).toBe(200);
  });

  it('refuses a file opened by authKey past the limit of its shared link', async () => {
    const asset = await uploadAs(api, (await api.createUser('EDITOR')).token);
    await untilUploaded(api, editor.token, asset.id);
    const key = await authKeyFor(api, editor.token, 'rest', [asset.id], {
      downloadOriginal: true,
      downloadPreview: true,
    });
    const url = `${api.url}/file/${asset.id}/*/${encodeURIComponent(asset.name)}?authKey=${key}`;
    expect((await fetch(url)).status).toBe(200);
    const body = await expectWoodwingRefusal(await fetch(url));
    expect(body.message).toMatch(/of this shared link/);
  });
});

describe('GOV.UK Asset Manager', () => {
  it('refuses POST /assets past the upload limit with 429, Retry-After and a Rails JSON message', async () => {
    const user = await api.createUser('CONTRIBUTOR');
    expect((await postAssetManager('/assets', user)).status).toBe(201);
    const refused = await postAssetManager('/assets', user);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(((await refused.json()) as { message: string }).message).toMatch(/^Too many uploads by this user/);
  });

  it('refuses POST /whitehall_assets past the upload limit', async () => {
    const user = await api.createUser('CONTRIBUTOR');
    const legacyPath = () => ({ legacy_url_path: `/government/uploads/${randomUUID()}/report.txt` });
    expect((await postAssetManager('/whitehall_assets', user, legacyPath())).status).toBe(201);
    const refused = await postAssetManager('/whitehall_assets', user, legacyPath());
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
