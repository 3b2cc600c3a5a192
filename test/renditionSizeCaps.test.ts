import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { untilUploaded, uploadAs } from './support/graphqlCalls.js';
import { imageFacts, pictureOf, untilRendered } from './support/renditionCalls.js';
import { startTestServerWithUser, type TestServer } from './support/testServer.js';
import { bearer, expectError } from './support/woodwingCalls.js';

/*
 * Issue #16's bound on sizes asked for in a URL: `?size=` and `maxWidth_W_maxHeight_H` are rounded up to a
 * few steps, a file gets at most RENDITION_MAX_SIZES_PER_FILE of them (then the nearest of its thumbnail
 * and preview), and first requests waiting for a render slot are bounded by RENDITION_MAX_WAITING.
 */

type Picture = { id: string; name: string };

async function uploaded(api: TestServer, token: string, name: string, content: Uint8Array): Promise<Picture> {
  const asset = await uploadAs(api, token, { name, content, input: { folderPath: '/sizes' } });
  await untilUploaded(api, token, asset.id);
  await untilRendered(api, token, asset.id);
  return asset;
}

const urlOf = (api: TestServer, picture: Picture, rest: string) =>
  `${api.url}/preview/${picture.id}/*/${encodeURIComponent(picture.name)}${rest}`;

describe('sizes asked for in the URL', () => {
  let api: TestServer;
  let editor: { token: string };
  let photo: Picture;

  beforeAll(async () => {
    ({ api, user: editor } = await startTestServerWithUser('EDITOR'));
    photo = await uploaded(api, editor.token, 'wide.jpg', await pictureOf(3000, 2000));
  });
  afterAll(() => api.close());

  async function bytesAt(rest: string) {
    const response = await fetch(urlOf(api, photo, rest), { headers: bearer(editor.token) });
    return { response, bytes: Buffer.from(await response.arrayBuffer()) };
  }

  it('round ?size=100 up to the 128 px step', async () => {
    const { bytes } = await bytesAt('?size=100');
    expect(await imageFacts(bytes)).toMatchObject({ width: 128, height: 85 });
  });

  it('serve nearby sizes from one stored rendition', async () => {
    const first = await bytesAt('?size=97');
    const second = await bytesAt('?size=127');
    expect(second.response.headers.get('etag')).toBe(first.response.headers.get('etag'));
  });

  it('round each side of maxWidth_400_maxHeight_100 up to its step (512 x 128)', async () => {
    const url = `${api.url}/preview/${photo.id}/previews/maxWidth_400_maxHeight_100.jpg/*/x.jpg`;
    const bytes = Buffer.from(await (await fetch(url, { headers: bearer(editor.token) })).arrayBuffer());
    expect(await imageFacts(bytes)).toMatchObject({ width: 192, height: 128 });
  });

  it('give a size under 16 px the 16 px step', async () => {
    const { bytes } = await bytesAt('?size=3');
    expect(await imageFacts(bytes)).toMatchObject({ width: 16, height: 11 });
  });

  it('give the thumbnail itself for a size that rounds to 256', async () => {
    const box = await bytesAt('?size=200');
    const thumbnail = await fetch(`${api.url}/thumbnail/${photo.id}/*/wide.jpg`, { headers: bearer(editor.token) });
    expect(box.response.headers.get('etag')).toBe(thumbnail.headers.get('etag'));
  });

  it.each(['-5', '0', '1.5', 'NaN', '1e3', '99999', ''])('refuse ?size=%s with err(400)', async (size) => {
    const response = await fetch(urlOf(api, photo, `?size=${size}`), { headers: bearer(editor.token) });
    await expectError(response, 400);
  });
});

describe('a file that has RENDITION_MAX_SIZES_PER_FILE sizes already', () => {
  let api: TestServer;
  let editor: { token: string };
  let photo: Picture;

  beforeAll(async () => {
    ({ api, user: editor } = await startTestServerWithUser('EDITOR', {
      env: { RENDITION_MAX_SIZES_PER_FILE: '2' },
    }));
    photo = await uploaded(api, editor.token, 'capped.jpg', await pictureOf(3000, 2000));
    for (const size of [100, 300]) {
      const response = await fetch(urlOf(api, photo, `?size=${size}`), { headers: bearer(editor.token) });
      expect(response.status).toBe(200);
    }
  });
  afterAll(() => api.close());

  async function factsAt(size: number) {
    const response = await fetch(urlOf(api, photo, `?size=${size}`), { headers: bearer(editor.token) });
    expect(response.status).toBe(200);
    return imageFacts(Buffer.from(await response.arrayBuffer()));
  }

  it('still serves the sizes it has', async () => {
    expect(await factsAt(300)).toMatchObject({ width: 320 });
  });

  it('answers a new size larger than the thumbnail with the preview', async () => {
    expect(await factsAt(500)).toMatchObject({ width: 1600, height: 1067 });
  });

  it('answers a new size within the thumbnail with the thumbnail', async () => {
    expect(await factsAt(40)).toMatchObject({ width: 256 });
  });

  it('stores no more than that many sizes of the file', async () => {
    await factsAt(700);
    await factsAt(900);
    const rows = await api.sql(
      "select variant from renditions where source_sha256 = (select sha256 from assets where id = ?) and variant like '%-inside-auto'",
      [photo.id],
    );
    expect(rows.map((row) => row.variant).sort()).toEqual(['128x128-inside-auto', '320x320-inside-auto']);
  });
});

describe('first requests of sizes past RENDITION_MAX_WAITING', () => {
  let api: TestServer;
  let editor: { token: string };
  let photo: Picture;

  beforeAll(async () => {
    ({ api, user: editor } = await startTestServerWithUser('EDITOR', {
      env: { RENDITION_CONCURRENCY: '1', RENDITION_MAX_WAITING: '0' },
    }));
    photo = await uploaded(api, editor.token, 'large.jpg', await pictureOf(6000, 4000));
  });
  afterAll(() => api.close());

  // Boxes over the preview's 1600 px are rendered from the 24-megapixel original, one at a time.
  const sizes = [2000, 2500, 3000, 4000];

  it('get 409 "try again" while the slot is busy, and no 5xx', async () => {
    const statuses = await Promise.all(
      sizes.map(async (size) => {
        const response = await fetch(urlOf(api, photo, `?size=${size}`), { headers: bearer(editor.token) });
        await response.arrayBuffer();
        return response.status;
      }),
    );
    expect(statuses).toContain(200);
    expect(statuses).toContain(409);
    expect(statuses.every((status) => status === 200 || status === 409)).toBe(true);
  });

  it('get their rendition when asked again one at a time', async () => {
    for (const size of sizes) {
      const response = await fetch(urlOf(api, photo, `?size=${size}`), { headers: bearer(editor.token) });
      expect(response.status).toBe(200);
    }
  });
});

describe('the settings of the bound', () => {
  it.each([
    ['RENDITION_MAX_SIZES_PER_FILE', '0'],
    ['RENDITION_MAX_WAITING', '-1'],
    ['RENDITION_CLEANUP_GRACE_SECONDS', '0'],
    ['RENDITION_CLEANUP_INTERVAL_SECONDS', 'soon'],
  ])('refuse %s=%s at start, naming the setting', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(name);
  });
});
