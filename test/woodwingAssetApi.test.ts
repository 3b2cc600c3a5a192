import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshFolder, untilUploaded, uploadAs } from './support/graphqlCalls.js';
import { imageFacts, untilRendered } from './support/renditionCalls.js';
import { startTestServerWithUser, type TestServer } from './support/testServer.js';
import { bearer, bodyOf, cookieSession, expectError } from './support/woodwingCalls.js';

/*
 * WoodWing's v2 asset API as the official Postman collection calls it (reference section 10): create, get,
 * the original, preview and thumbnail, and search, over the same resolvers as /services.
 */

/** A 1x1 PNG: a web image, with a preview and a thumbnail once its renditions are made. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
const TEXT = 'the bytes of a v2 api test';

let api: TestServer;
let editor: { token: string; username: string; password: string };
let folder: string;
let text: { id: string; name: string };
let image: { id: string; name: string };

const json = (_body?: unknown) => ({ 'content-type': 'application/json', ...bearer(editor.token) });

const createV2 = (body: unknown, headers: Record<string, string> = json(body)) =>
  fetch(`${api.url}/api/asset`, { method: 'POST', headers, body: JSON.stringify(body) });

beforeAll(async () => {
  ({ api, user: editor } = await startTestServerWithUser('EDITOR'));
  folder = freshFolder('/v2');
  text = await uploadAs(api, editor.token, { name: 'notes.txt', content: TEXT, input: { folderPath: folder } });
  image = await uploadAs(api, editor.token, { name: 'dot.png', content: PNG, input: { folderPath: folder } });
  await untilUploaded(api, editor.token, text.id);
  await untilUploaded(api, editor.token, image.id);
  await untilRendered(api, editor.token, image.id);
});
afterAll(() => api.close());

describe('POST /api/asset', () => {
  it('creates the asset record at assetPath with its metadata, answered as a hit with its uploadUrl', async () => {
    const body = { assetPath: `${folder}/Upload.jpg`, metadata: { headline: 'Harbour' }, metadataToReturn: ['all'] };
    const response = await createV2(body);
    expect(response.status).toBe(200);
    const hit = await bodyOf(response);
    expect(hit.metadata).toMatchObject({ folderPath: folder, filename: 'Upload.jpg', headline: 'Harbour' });
    expect(hit.uploadUrl).toBe(`${api.server.config.publicUrl}/api/asset/${hit.id}/original`);
  });

  it('renames the asset when assetPath is taken and autoRename is left out', async () => {
    await createV2({ assetPath: `${folder}/Twice.jpg` });
    const hit = await bodyOf(await createV2({ assetPath: `${folder}/Twice.jpg` }));
    expect(hit.metadata.filename).not.toBe('Twice.jpg');
  });

  it('refuses a taken assetPath with autoRename false as PathAlreadyExistsException', async () => {
    await createV2({ assetPath: `${folder}/Once.jpg` });
    const error = await expectError(await createV2({ assetPath: `${folder}/Once.jpg`, autoRename: false }), 409);
    expect(error.errorname).toBe('PathAlreadyExistsException');
  });

  it('keeps only the metadata fields named in metadataToReturn', async () => {
    const hit = await bodyOf(await createV2({ assetPath: `${folder}/Few.jpg`, metadataToReturn: ['filename'] }));
    expect(Object.keys(hit.metadata)).toEqual(['filename']);
  });

  it('refuses a body without assetPath with 400', async () => {
    await expectError(await createV2({ metadata: {} }), 400);
  });

  it('refuses a request without a login with 401', async () => {
    await expectError(await createV2({ assetPath: `${folder}/x.jpg` }, { 'content-type': 'application/json' }), 401);
  });

  it('refuses a cookie session without the csrf token with 403', async () => {
    const session = await cookieSession(api.url, editor.username, editor.password, false);
    const headers = { 'content-type': 'application/json', ...session };
    await expectError(await createV2({ assetPath: `${folder}/csrf.jpg` }, headers), 403);
  });
});

describe('PUT and POST /api/asset/<id>/original', () => {
  const sendFile = (id: string, method: string, content: string, field = 'file') => {
    const form = new FormData();
    form.append(field, new Blob([content]), 'Upload.txt');
    return fetch(`${api.url}/api/asset/${id}/original`, { method, headers: bearer(editor.token), body: form });
  };

  it('gives the record made by POST /api/asset its file, as a new version', async () => {
    const created = await bodyOf(await createV2({ assetPath: `${folder}/Upload.txt` }));
    const response = await sendFile(created.id, 'PUT', 'the uploaded bytes');
    const hit = await bodyOf(response);
    expect({ status: response.status, versionNumber: hit.metadata.versionNumber }).toEqual({
      status: 200,
      versionNumber: created.metadata.versionNumber + 1,
    });
    await untilUploaded(api, editor.token, created.id);
    const file = await fetch(`${api.url}/api/asset/${created.id}/original`, { headers: bearer(editor.token) });
    expect(await file.text()).toBe('the uploaded bytes');
  });

  it('takes the file by POST too', async () => {
    const created = await bodyOf(await createV2({ assetPath: `${folder}/Posted.txt` }));
    expect((await sendFile(created.id, 'POST', 'posted bytes')).status).toBe(200);
  });

  it('refuses a form without the file part with 400', async () => {
    const created = await bodyOf(await createV2({ assetPath: `${folder}/Empty.txt` }));
    await expectError(await sendFile(created.id, 'PUT', 'misnamed', 'other'), 400);
  });
});

describe('GET /api/asset/<id>', () => {
  it('answers the asset as a hit', async () => {
    const response = await fetch(`${api.url}/api/asset/${text.id}`, { headers: bearer(editor.token) });
    const hit = await bodyOf(response);
    expect({ status: response.status, id: hit.id, filename: hit.metadata.filename }).toEqual({
      status: 200,
      id: text.id,
      filename: 'notes.txt',
    });
  });

  it('answers an unknown asset with 404', async () => {
    await expectError(
      await fetch(`${api.url}/api/asset/AAAAAAAAAAAAAAAAAAAAAA`, { headers: bearer(editor.token) }),
      404,
    );
  });
});

describe('GET /api/asset/<id>/original, /preview and /thumbnail', () => {
  it('serves the original to a logged-in user', async () => {
    const response = await fetch(`${api.url}/api/asset/${text.id}/original`, { headers: bearer(editor.token) });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(TEXT);
  });

  it("serves an image's preview, never enlarged", async () => {
    const response = await fetch(`${api.url}/api/asset/${image.id}/preview`, { headers: bearer(editor.token) });
    expect(response.status).toBe(200);
    expect(await imageFacts(Buffer.from(await response.arrayBuffer()))).toMatchObject({ width: 1, height: 1 });
  });

  it("serves an image's thumbnail as an image", async () => {
    const response = await fetch(`${api.url}/api/asset/${image.id}/thumbnail`, { headers: bearer(editor.token) });
    expect(response.headers.get('content-type')).toMatch(/^image\/(png|jpeg)$/);
  });

  it('answers the preview of a text file with 404, as /preview does', async () => {
    await expectError(await fetch(`${api.url}/api/asset/${text.id}/preview`, { headers: bearer(editor.token) }), 404);
  });

  it('refuses the original without a login with 401', async () => {
    await expectError(await fetch(`${api.url}/api/asset/${text.id}/original`), 401);
  });
});

describe('/api/asset/search', () => {
  it('finds assets by the query language with GET, as {hits, total}', async () => {
    const q = encodeURIComponent(`id:${text.id}`);
    const body = await bodyOf(await fetch(`${api.url}/api/asset/search?q=${q}`, { headers: bearer(editor.token) }));
    expect({ total: body.total, ids: body.hits.map((hit: { id: string }) => hit.id) }).toEqual({
      total: 1,
      ids: [text.id],
    });
  });

  it('takes q, from and size in a JSON body with POST', async () => {
    const query = { q: `folderPath:"${folder}"`, from: 1, size: 1 };
    const response = await fetch(`${api.url}/api/asset/search`, {
      method: 'POST',
      headers: json(query),
      body: JSON.stringify(query),
    });
    const body = await bodyOf(response);
    expect(body.hits).toHaveLength(1);
    expect(body.total).toBeGreaterThan(1);
  });

  it('answers at most 10 hits when size is left out', async () => {
    for (let i = 0; i < 11; i++) await createV2({ assetPath: `${folder}/many-${i}.jpg` });
    const q = encodeURIComponent(`folderPath:"${folder}"`);
    const body = await bodyOf(await fetch(`${api.url}/api/asset/search?q=${q}`, { headers: bearer(editor.token) }));
    expect(body.hits).toHaveLength(10);
  });

  it('refuses a malformed query with 400', async () => {
    const response = await fetch(`${api.url}/api/asset/search?q=noSuchField%3A`, { headers: bearer(editor.token) });
    await expectError(response, 400);
  });
});

describe('calls the service does not offer', () => {
  it('answers admin/externalProcessing to an admin with 501 naming it', async () => {
    const response = await fetch(`${api.url}/services/admin/externalProcessing`, {
      headers: bearer(await api.adminToken()),
    });
    const error = await expectError(response, 501);
    expect(error.message).toContain('externalProcessing');
  });

  it('answers DELETE admin/externalProcessing/all to an admin with 501', async () => {
    const response = await fetch(`${api.url}/services/admin/externalProcessing/all`, {
      method: 'DELETE',
      headers: bearer(await api.adminToken()),
    });
    await expectError(response, 501);
  });

  it('refuses admin/externalProcessing to a user who is not an admin with 403', async () => {
    await expectError(
      await fetch(`${api.url}/services/admin/externalProcessing`, { headers: bearer(editor.token) }),
      403,
    );
  });

  it('answers signed-image-rendition-url with 501 naming it', async () => {
    const response = await fetch(`${api.url}/api/asset/${image.id}/signed-image-rendition-url?format=jpg`, {
      headers: bearer(editor.token),
    });
    const error = await expectError(response, 501);
    expect(error.message).toContain('signed-image-rendition-url');
  });
});
