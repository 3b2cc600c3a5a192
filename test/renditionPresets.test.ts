import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, untilUploaded, uploadAs } from './support/graphqlCalls.js';
import { imageFacts, pictureOf, untilRendered } from './support/renditionCalls.js';
import { startTestServer, type TestServer } from './support/testServer.js';
import { bearer, bodyOf, expectError } from './support/woodwingCalls.js';

/*
 * Download presets (issue #16): DownloadPreset's width, height, fit, format and quality, rendered on first
 * request and kept; WoodWing's /services/renditionpreset/list, listAll, save and remove (reference section 7);
 * /zip with downloadPresetId.
 */

let api: TestServer;
let admin: string;
let editor: string;
let photo: { id: string; name: string };

const CREATE =
  'mutation($input: CreateDownloadPresetInput!) { createDownloadPreset(input: $input) { id name fit quality } }';

async function preset(input: Record<string, unknown>): Promise<{ id: string; name: string }> {
  const data = await dataOf(api, CREATE, { input: { name: `preset ${randomUUID().slice(0, 8)}`, ...input } }, admin);
  return data.createDownloadPreset;
}

const presetUrl = (presetId: string, query = '') =>
  `${api.url}/preview/${photo.id}/*/${photo.name}?downloadPresetId=${presetId}${query}`;

function services(path: string, token: string, body?: unknown, query = '') {
  return fetch(`${api.url}/services/renditionpreset/${path}${query}`, {
    method: 'POST',
    headers: { ...bearer(token), ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
}

beforeAll(async () => {
  api = await startTestServer();
  admin = await api.adminToken();
  editor = (await api.createUser('EDITOR')).token;
  photo = await uploadAs(api, editor, {
    name: 'tall.jpg',
    content: await pictureOf(1000, 2000),
    input: { folderPath: '/presets' },
  });
  await untilUploaded(api, editor, photo.id);
  await untilRendered(api, editor, photo.id);
});
afterAll(() => api.close());

describe('a download preset rendition', () => {
  it('is rendered on first request with the preset width, height and format', async () => {
    const { id } = await preset({ width: 300, height: 300, format: 'webp' });
    const response = await fetch(presetUrl(id), { headers: bearer(editor) });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/webp');
    expect(await imageFacts(Buffer.from(await response.arrayBuffer()))).toEqual({
      width: 150,
      height: 300,
      format: 'webp',
    });
  });

  it('fills the box with fit=cover', async () => {
    const { id } = await preset({ width: 200, height: 200, format: 'png', fit: 'cover' });
    const response = await fetch(presetUrl(id), { headers: bearer(editor) });
    expect(await imageFacts(Buffer.from(await response.arrayBuffer()))).toMatchObject({ width: 200, height: 200 });
  });

  it('is kept: a second request gets the same bytes (same ETag)', async () => {
    const { id } = await preset({ width: 120, format: 'jpeg', quality: 40 });
    const first = await fetch(presetUrl(id), { headers: bearer(editor) });
    const second = await fetch(presetUrl(id), { headers: bearer(editor) });
    expect(second.headers.get('etag')).toBe(first.headers.get('etag'));
  });

  it('is named after the asset and the preset', async () => {
    const { id, name } = await preset({ width: 64, format: 'png' });
    const response = await fetch(presetUrl(id), { headers: bearer(editor) });
    expect(response.headers.get('content-disposition')).toBe(`inline; filename="tall_${name}.png"`);
  });

  it('is refused for an unknown preset with err(400)', async () => {
    const body = await expectError(await fetch(presetUrl('A'.repeat(22)), { headers: bearer(editor) }), 400);
    expect(body.message).toContain('No download preset');
  });

  it('is given by Asset.presetUrl', async () => {
    const { id } = await preset({ width: 50, format: 'jpeg' });
    const data = await dataOf(
      api,
      'query($id: ID!, $p: ID!) { asset(id: $id) { presetUrl(presetId: $p) } }',
      { id: photo.id, p: id },
      editor,
    );
    expect(data.asset.presetUrl).toBe(
      `${api.server.config.publicUrl}/preview/${photo.id}/*/tall.jpg?downloadPresetId=${id}`,
    );
  });

  it('refuses a quality over 100 when the preset is made', async () => {
    const result = await api.graphql(
      CREATE,
      { input: { name: 'bad quality', format: 'jpeg', quality: 101 } },
      { token: admin },
    );
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('shared links and presets', () => {
  async function keyFor(downloadPresetIds: string[]) {
    const validUntil = new Date(Date.now() + 86_400_000).toISOString();
    const input = { subject: 'presets', validUntil, assetIds: [photo.id], downloadPreview: true, downloadPresetIds };
    return (
      await dataOf(
        api,
        'mutation($input: CreateAuthKeyInput!) { createAuthKey(input: $input) { key } }',
        { input },
        editor,
      )
    ).createAuthKey.key as string;
  }

  it('serves a preset the link lists to its holder', async () => {
    const { id } = await preset({ width: 100, format: 'jpeg' });
    const key = await keyFor([id]);
    expect((await fetch(presetUrl(id, `&authKey=${key}`))).status).toBe(200);
  });

  it('refuses a preset the link does not list with err(404)', async () => {
    const listed = await preset({ width: 100, format: 'jpeg' });
    const other = await preset({ width: 110, format: 'jpeg' });
    const key = await keyFor([listed.id]);
    await expectError(await fetch(presetUrl(other.id, `&authKey=${key}`)), 404);
  });

  it('refuses an unknown downloadPresetIds in createAuthKey with IllegalArgumentException', async () => {
    const response = await fetch(`${api.url}/services/createAuthKey`, {
      method: 'POST',
      headers: { ...bearer(editor), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        subject: 's',
        validUntil: String(Date.now() + 86_400_000),
        assetIds: photo.id,
        downloadPresetIds: 'nope',
      }),
    });
    const body = await expectError(response, 500);
    expect(body.errorname).toBe('IllegalArgumentException');
  });
});

describe('/services/renditionpreset', () => {
  const settings = { format: 'jpg', maxWidth: 640, maxHeight: 480, quality: 70, resizeMode: 'scale' };

  it('save without an id creates a preset, answered in WoodWing shape', async () => {
    const name = `ww ${randomUUID().slice(0, 8)}`;
    const body = await bodyOf(
      await services('save', admin, [{ name, type: 'IMAGE_PRESET', renditionSettings: settings }]),
    );
    expect(body).toMatchObject({ name, type: 'IMAGE_PRESET', renditionSettings: settings });
    expect(body.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('save with an id changes that preset', async () => {
    const created = await bodyOf(
      await services('save', admin, { name: `ww ${randomUUID().slice(0, 8)}`, renditionSettings: settings }),
    );
    const changed = { ...settings, maxWidth: 100, resizeMode: 'crop' };
    const body = await bodyOf(
      await services('save', admin, { id: created.id, name: created.name, renditionSettings: changed }),
    );
    expect(body).toMatchObject({ id: created.id, renditionSettings: changed });
  });

  it('list shows the presets to a logged-in user', async () => {
    const { id } = await preset({ width: 77, format: 'png' });
    const list = await bodyOf(await services('list', editor));
    expect(list).toContainEqual(
      expect.objectContaining({ id, renditionSettings: expect.objectContaining({ maxWidth: 77, format: 'png' }) }),
    );
  });

  it('listAll is for admins: err(403) to an editor', async () => {
    await expectError(await services('listAll', editor), 403);
  });

  it('save is for admins: err(403) to an editor', async () => {
    await expectError(await services('save', editor, { name: 'nope', renditionSettings: settings }), 403);
  });

  it('refuses an unknown resizeMode with err(400)', async () => {
    await expectError(
      await services('save', admin, { name: 'odd', renditionSettings: { ...settings, resizeMode: 'stretchy' } }),
      400,
    );
  });

  it('remove takes presets away', async () => {
    const { id } = await preset({ width: 33, format: 'png' });
    expect(await bodyOf(await services('remove', admin, undefined, `?ids=${id}`))).toEqual({
      processedCount: 1,
      errorCount: 0,
    });
    const list = await bodyOf(await services('listAll', admin));
    expect(list.map((entry: { id: string }) => entry.id)).not.toContain(id);
  });
});

describe('/zip with a preset', () => {
  it('holds each asset rendered by the preset', async () => {
    const { id } = await preset({ width: 40, format: 'png' });
    const response = await fetch(`${api.url}/zip/p.zip?assetIds=${photo.id}&downloadPresetId=${id}`, {
      headers: bearer(editor),
    });
    expect(response.status).toBe(200);
    const zip = Buffer.from(await response.arrayBuffer());
    expect(zip.includes(Buffer.from('tall.png'))).toBe(true);
  });
});

describe('/services/zip', () => {
  it('holds the previews of the assets, under the filename asked for', async () => {
    const response = await fetch(
      `${api.url}/services/zip?assetIds=${photo.id}&downloadKind=preview&filename=previews.zip`,
      {
        headers: bearer(editor),
      },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="previews.zip"');
    expect(Buffer.from(await response.arrayBuffer()).includes(Buffer.from('tall.jpg'))).toBe(true);
  });
});
