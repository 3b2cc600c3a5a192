import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authKeyFor, untilUploaded, uploadAs } from './support/graphqlCalls.js';
import { startTestServerWithUser, type TestServer } from './support/testServer.js';
import { bearer, bodyOf, expectError } from './support/woodwingCalls.js';

const REVOKE = 'mutation($keys: [String!]!) { revokeAuthKeys(keys: $keys) }';
const CONTENT = 'the original bytes of a file url test';

let api: TestServer;
let editor: { token: string };
let asset: { id: string; name: string };
let other: { id: string; name: string };

const upload = (name: string, input: Record<string, unknown> = {}) =>
  uploadAs(api, editor.token, { name, content: CONTENT, input });

const uploaded = (id: string) => untilUploaded(api, editor.token, id);

const keyFor = (assetIds: string[], downloadOriginal: boolean) =>
  authKeyFor(api, editor.token, 'files', assetIds, { downloadOriginal, downloadPreview: downloadOriginal });

const fileUrl = (target: { id: string; name: string }, query = '') =>
  `${api.url}/file/${target.id}/*/${encodeURIComponent(target.name)}${query}`;

beforeAll(async () => {
  ({ api, user: editor } = await startTestServerWithUser('EDITOR'));
  asset = await upload('report.txt');
  other = await upload('other.txt');
  await uploaded(asset.id);
  await uploaded(other.id);
});
afterAll(() => api.close());

describe('/file/<id>/*/<name>', () => {
  it('serves the original inline to a logged-in user', async () => {
    const response = await fetch(fileUrl(asset), { headers: bearer(editor.token) });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toBe('inline; filename="report.txt"');
    expect(await response.text()).toBe(CONTENT);
  });

  it('serves it as an attachment with forceDownload=true', async () => {
    const response = await fetch(fileUrl(asset, '?forceDownload=true'), { headers: bearer(editor.token) });
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="report.txt"');
  });

  it('serves a byte range', async () => {
    const response = await fetch(fileUrl(asset), { headers: { ...bearer(editor.token), range: 'bytes=0-2' } });
    expect(response.status).toBe(206);
    expect(await response.text()).toBe(CONTENT.slice(0, 3));
  });

  it('refuses a request with neither a login nor a key with 401', async () => {
    await expectError(await fetch(fileUrl(asset)), 401);
  });

  it('serves the holder of a shared link that allows originals, with no login', async () => {
    const key = await keyFor([asset.id], true);
    const response = await fetch(fileUrl(asset, `?authKey=${key}`));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(CONTENT);
  });

  it('refuses a shared link that does not allow originals with 404', async () => {
    const key = await keyFor([asset.id], false);
    await expectError(await fetch(fileUrl(asset, `?authKey=${key}`)), 404);
  });

  it('refuses a shared link that shares another asset with 404', async () => {
    const key = await keyFor([other.id], true);
    await expectError(await fetch(fileUrl(asset, `?authKey=${key}`)), 404);
  });

  it('refuses a revoked shared link with 404', async () => {
    const key = await keyFor([asset.id], true);
    await api.graphql(REVOKE, { keys: [key] }, { token: editor.token });
    await expectError(await fetch(fileUrl(asset, `?authKey=${key}`)), 404);
  });

  it('refuses a file that is not scanned and stored yet with 409 (an asset with a redirect is never scanned)', async () => {
    const pending = await upload('pending.txt', { redirectUrl: 'https://example.com/elsewhere' });
    const body = await expectError(await fetch(fileUrl(pending), { headers: bearer(editor.token) }), 409);
    expect(body.message).toContain('unscanned');
  });

  it('answers an unknown asset with 404', async () => {
    await expectError(await fetch(`${api.url}/file/${'A'.repeat(22)}/*/x.txt`, { headers: bearer(editor.token) }), 404);
  });

  it('answers a malformed asset id with 400', async () => {
    await expectError(await fetch(`${api.url}/file/not-an-id/*/x.txt`, { headers: bearer(editor.token) }), 400);
  });

  it('answers a URL without an asset id with 404', async () => {
    await expectError(await fetch(`${api.url}/file/`, { headers: bearer(editor.token) }), 404);
  });

  it('refuses POST with 405', async () => {
    const response = await fetch(fileUrl(asset), { method: 'POST', headers: bearer(editor.token) });
    expect(response.status).toBe(405);
    expect((await bodyOf(response)).errorcode).toBe(405);
  });

  it('is the originalUrl of a search hit', async () => {
    const response = await fetch(`${api.url}/services/search?q=id:${asset.id}`, { headers: bearer(editor.token) });
    const hit = (await bodyOf(response)).hits[0];
    expect(hit.originalUrl).toBe(fileUrl(asset).replace(api.url, api.server.config.publicUrl));
  });
});
