import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFolder } from './support/graphqlCalls.js';
import { startTestServerWithUser, type TestServer, type TestUser } from './support/testServer.js';
import { bearer, bodyOf, cookieSession, expectError, postServices } from './support/woodwingCalls.js';

/* Defects of issue #15 in WoodWing's /services, each in the shape the client that met it sends. */

let api: TestServer;
let user: TestUser;

beforeAll(async () => {
  ({ api, user } = await startTestServerWithUser('EDITOR'));
});
afterAll(() => api.close());

/** The authToken Set-Cookie of a response, if any. */
const authTokenCookieOf = (response: Response) =>
  response.headers.getSetCookie().find((header) => header.startsWith('authToken='));

describe('POST /services/logout', () => {
  it('clears the authToken cookie of a cookie session', async () => {
    const session = await cookieSession(api.url, user.username, user.password);
    const response = await postServices(api.url, 'logout', {}, 'urlencoded', session);
    expect(await bodyOf(response)).toEqual({ logoutSuccess: true });
    expect(authTokenCookieOf(response)).toMatch(/^authToken=; Max-Age=0; Path=\//);
  });

  it('clears the authToken cookie when the session also comes as a Bearer token, as Postman sends it', async () => {
    const session = await cookieSession(api.url, user.username, user.password);
    const token = (session.cookie ?? '').slice('authToken='.length);
    const response = await postServices(api.url, 'logout', {}, 'urlencoded', { ...session, ...bearer(token) });
    expect(await bodyOf(response)).toEqual({ logoutSuccess: true });
    expect(authTokenCookieOf(response)).toMatch(/^authToken=; Max-Age=0/);
  });

  it('leaves the cleared cookie naming no session: the old cookie then gets err(401)', async () => {
    const session = await cookieSession(api.url, user.username, user.password);
    await (await postServices(api.url, 'logout', {}, 'urlencoded', session)).arrayBuffer();
    await expectError(await postServices(api.url, 'search', { q: '' }, 'urlencoded', session), 401);
  });
});

describe('/services/browse with path sent empty (DER SPIEGEL sends path= by default)', () => {
  const browse = async (form: Record<string, string>) => {
    const body = new FormData();
    for (const [name, value] of Object.entries(form)) body.append(name, value);
    const response = await fetch(`${api.url}/services/browse`, { method: 'POST', headers: bearer(user.token), body });
    expect(response.status).toBe(200);
    return bodyOf(response);
  };

  it('answers the root, as path=/ does', async () => {
    await createFolder(api, user.token, `/browse-root-${randomUUID()}`);
    const root = await browse({ path: '/' });
    expect(root.length).toBeGreaterThan(0);
    expect(await browse({ path: '' })).toEqual(root);
  });

  it('answers the root for a valueless ?path in the query string, as Postman sends it', async () => {
    await createFolder(api, user.token, `/browse-root-${randomUUID()}`);
    const response = await fetch(`${api.url}/services/browse?path&fromRoot&includeFolders`, {
      headers: bearer(user.token),
    });
    expect(await bodyOf(response)).toEqual(await browse({ path: '/' }));
  });

  it('still refuses a call with no path at all with err(400)', async () => {
    await expectError(await postServices(api.url, 'browse', {}, 'multipart', bearer(user.token)), 400);
  });
});

describe('/services/create with Filedata and metadata as separate form parts', () => {
  const METADATA = JSON.stringify({ description: 'from the metadata part' });

  /** A multipart create of the given parts, in order, answered with metadataToReturn=all. */
  async function create(parts: [name: string, value: string | Blob, filename?: string][]) {
    const form = new FormData();
    if (!parts.some(([name]) => name === 'folderPath')) form.append('folderPath', `/defects/${randomUUID()}`);
    form.append('metadataToReturn', 'all');
    for (const [name, value, filename] of parts) {
      if (typeof value === 'string') form.append(name, value);
      else form.append(name, value, filename);
    }
    const response = await fetch(`${api.url}/services/create`, {
      method: 'POST',
      headers: bearer(user.token),
      body: form,
    });
    expect(response.status).toBe(200);
    const hit = await bodyOf(response);
    return {
      filename: hit.metadata.filename,
      fileSize: hit.metadata.fileSize?.value,
      description: hit.metadata.description,
    };
  }

  const file = () => new Blob(['12345']);
  const metadataBlob = () => new Blob([METADATA], { type: 'application/json' });
  const BOTH = { filename: 'photo.txt', fileSize: 5, description: 'from the metadata part' };

  it('keeps both when metadata is a text field after Filedata', async () => {
    expect(
      await create([
        ['Filedata', file(), 'photo.txt'],
        ['metadata', METADATA],
      ]),
    ).toEqual(BOTH);
  });

  it('keeps both when metadata is a JSON part with a file name before Filedata', async () => {
    expect(
      await create([
        ['metadata', metadataBlob(), 'blob'],
        ['Filedata', file(), 'photo.txt'],
      ]),
    ).toEqual(BOTH);
  });

  it('keeps both when metadata is a JSON part with a file name after Filedata', async () => {
    expect(
      await create([
        ['Filedata', file(), 'photo.txt'],
        ['metadata', metadataBlob(), 'blob'],
      ]),
    ).toEqual(BOTH);
  });

  it('takes any other field sent as a file part as its text, e.g. folderPath', async () => {
    const folderPath = `/defects/${randomUUID()}`;
    const hit = await create([
      ['folderPath', new Blob([folderPath]), 'folderPath.txt'],
      ['Filedata', file(), 'photo.txt'],
    ]);
    expect(hit.filename).toBe('photo.txt');
    const search = await postServices(
      api.url,
      'search',
      { q: `folderPath:"${folderPath}"` },
      'urlencoded',
      bearer(user.token),
    );
    expect((await bodyOf(search)).totalHits).toBe(1);
  });

  it('refuses a field part larger than 1 MiB with err(400)', async () => {
    const form = new FormData();
    form.append('metadata', new Blob(['x'.repeat(1024 * 1024 + 1)]), 'blob');
    form.append('Filedata', file(), 'photo.txt');
    const response = await fetch(`${api.url}/services/create`, {
      method: 'POST',
      headers: bearer(user.token),
      body: form,
    });
    await expectError(response, 400);
  });
});
