import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authKeyFor, untilUploaded, uploadAs } from './support/graphqlCalls.js';
import { imageFacts, untilRendered } from './support/renditionCalls.js';
import { startTestServerWithUser, type TestServer } from './support/testServer.js';
import { bearer, bodyOf, expectError } from './support/woodwingCalls.js';

/*
 * WoodWing's /preview/<id>/... and /thumbnail/<id>/... URLs and the previewUrl and thumbnailUrl of hits
 * (reference section 3, "Hit shape" and the file URL row). They serve the image's renditions (issue #16,
 * pinned in renditions.test.ts); assets of other kinds have none, answered 404 (not 409, which WoodWing's
 * own client retries as "not available yet").
 */

const REVOKE = 'mutation($keys: [String!]!) { revokeAuthKeys(keys: $keys) }';

/** A 1x1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

let api: TestServer;
let editor: { token: string };
let image: { id: string; name: string };
let text: { id: string; name: string };
let otherImage: { id: string; name: string };

const upload = (name: string, content: Uint8Array | string, input: Record<string, unknown> = {}) =>
  uploadAs(api, editor.token, { name, content, input: { folderPath: '/previews', ...input } });

const uploaded = (id: string) => untilUploaded(api, editor.token, id);

const keyFor = (assetIds: string[], rights: { downloadPreview: boolean; downloadOriginal: boolean }) =>
  authKeyFor(api, editor.token, 'previews', assetIds, rights);

const urlOf = (kind: 'preview' | 'thumbnail', asset: { id: string; name: string }, query = '') =>
  `${api.url}/${kind}/${asset.id}/*/${encodeURIComponent(asset.name)}${query}`;

async function hitOf(id: string) {
  const response = await fetch(`${api.url}/services/search?q=id:${id}`, { headers: bearer(editor.token) });
  return (await bodyOf(response)).hits[0];
}

beforeAll(async () => {
  ({ api, user: editor } = await startTestServerWithUser('EDITOR'));
  image = await upload('dot.png', PNG);
  otherImage = await upload('other.png', PNG);
  text = await upload('notes.txt', 'plain text');
  for (const asset of [image, otherImage, text]) await uploaded(asset.id);
  await untilRendered(api, editor.token, image.id);
});
afterAll(() => api.close());

describe.each(['preview', 'thumbnail'] as const)('/%s/<id>/*/<name>', (kind) => {
  const renditionName = `dot_${kind === 'thumbnail' ? 'thumb' : 'preview'}.png`;

  it(`serves an image's ${kind} to a logged-in user, inline, with its type`, async () => {
    const response = await fetch(urlOf(kind, image), { headers: bearer(editor.token) });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(response.headers.get('content-disposition')).toBe(`inline; filename="${renditionName}"`);
    expect(await imageFacts(Buffer.from(await response.arrayBuffer()))).toEqual({ width: 1, height: 1, format: 'png' });
  });

  it('serves it as an attachment with forceDownload=true', async () => {
    const response = await fetch(urlOf(kind, image, '?forceDownload=true'), { headers: bearer(editor.token) });
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="${renditionName}"`);
  });

  it('answers HEAD with the headers and no body', async () => {
    const response = await fetch(urlOf(kind, image), { method: 'HEAD', headers: bearer(editor.token) });
    const got = await fetch(urlOf(kind, image), { headers: bearer(editor.token) });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe(String((await got.arrayBuffer()).byteLength));
    expect(await response.text()).toBe('');
  });

  it('answers err(404) for an asset that is no image, which has none', async () => {
    const body = await expectError(await fetch(urlOf(kind, text), { headers: bearer(editor.token) }), 404);
    expect(body.message).toContain(`no ${kind}`);
  });

  it('answers err(409) for an image not scanned and stored yet (an asset with a redirect is never scanned)', async () => {
    const pending = await upload('pending.png', PNG, { redirectUrl: 'https://example.com/elsewhere' });
    await expectError(await fetch(urlOf(kind, pending), { headers: bearer(editor.token) }), 409);
  });

  it('refuses a request with neither a login nor a key with err(401)', async () => {
    await expectError(await fetch(urlOf(kind, image)), 401);
  });

  it('serves the holder of a shared link that allows previews, with no login', async () => {
    const key = await keyFor([image.id], { downloadPreview: true, downloadOriginal: false });
    const response = await fetch(urlOf(kind, image, `?authKey=${key}`));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
  });

  it('refuses a shared link that shares another asset with err(404)', async () => {
    const key = await keyFor([otherImage.id], { downloadPreview: true, downloadOriginal: true });
    await expectError(await fetch(urlOf(kind, image, `?authKey=${key}`)), 404);
  });

  it('refuses a revoked shared link with err(404)', async () => {
    const key = await keyFor([image.id], { downloadPreview: true, downloadOriginal: true });
    await api.graphql(REVOKE, { keys: [key] }, { token: editor.token });
    await expectError(await fetch(urlOf(kind, image, `?authKey=${key}`)), 404);
  });

  it('refuses an unknown key with err(404)', async () => {
    await expectError(await fetch(urlOf(kind, image, '?authKey=no-such-key')), 404);
  });

  it('answers err(404) for an unknown asset', async () => {
    await expectError(
      await fetch(`${api.url}/${kind}/${'A'.repeat(22)}/*/x.png`, { headers: bearer(editor.token) }),
      404,
    );
  });

  it('answers err(400) for a malformed asset id', async () => {
    await expectError(await fetch(`${api.url}/${kind}/not-an-id/*/x.png`, { headers: bearer(editor.token) }), 400);
  });

  it('answers err(404) for a URL without an asset id', async () => {
    await expectError(await fetch(`${api.url}/${kind}/`, { headers: bearer(editor.token) }), 404);
  });

  it('refuses POST with 405', async () => {
    await expectError(await fetch(urlOf(kind, image), { method: 'POST', headers: bearer(editor.token) }), 405);
  });
});

describe('what a shared link allows', () => {
  it('serves thumbnails to every holder, even of a link that allows no previews', async () => {
    const key = await keyFor([image.id], { downloadPreview: false, downloadOriginal: false });
    expect((await fetch(urlOf('thumbnail', image, `?authKey=${key}`))).status).toBe(200);
  });

  it('refuses the preview with err(404) to the holder of a link that allows no previews', async () => {
    const key = await keyFor([image.id], { downloadPreview: false, downloadOriginal: false });
    await expectError(await fetch(urlOf('preview', image, `?authKey=${key}`)), 404);
  });
});

describe('previewUrl and thumbnailUrl of a search hit', () => {
  it('are the preview and thumbnail URLs of an image', async () => {
    const hit = await hitOf(image.id);
    const publicUrl = api.server.config.publicUrl;
    expect(hit.previewUrl).toBe(urlOf('preview', image).replace(api.url, publicUrl));
    expect(hit.thumbnailUrl).toBe(urlOf('thumbnail', image).replace(api.url, publicUrl));
  });

  it('serve the image when fetched as given', async () => {
    const hit = await hitOf(image.id);
    const response = await fetch(hit.previewUrl.replace(api.server.config.publicUrl, api.url), {
      headers: bearer(editor.token),
    });
    expect(response.status).toBe(200);
  });

  it('are left out for an asset that has no preview, beside its originalUrl', async () => {
    const hit = await hitOf(text.id);
    expect(hit.originalUrl).toContain(`/file/${text.id}/`);
    expect(hit).not.toHaveProperty('previewUrl');
    expect(hit).not.toHaveProperty('thumbnailUrl');
  });
});
