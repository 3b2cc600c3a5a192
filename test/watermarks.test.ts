import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { untilUploaded, uploadAs } from './support/graphqlCalls.js';
import { imageFacts, pictureOf, untilRendered } from './support/renditionCalls.js';
import { startTestServerWithUser, type TestServer } from './support/testServer.js';
import { bearer } from './support/woodwingCalls.js';

/*
 * Watermarks (issue #16): the holder of a shared link made with watermarked=true gets thumbnails and
 * previews with a visible watermark (WATERMARK_TEXT, or the image at WATERMARK_IMAGE), kept apart from the
 * clean ones, which such a holder never gets.
 */

type Picture = { id: string; name: string };

async function uploadedPicture(api: TestServer, token: string): Promise<Picture> {
  const picture = await uploadAs(api, token, {
    name: 'scene.jpg',
    content: await pictureOf(800, 600),
    input: { folderPath: '/marks' },
  });
  await untilUploaded(api, token, picture.id);
  await untilRendered(api, token, picture.id);
  return picture;
}

async function watermarkedKey(api: TestServer, token: string, assetId: string, watermarked = true): Promise<string> {
  const validUntil = new Date(Date.now() + 86_400_000).toISOString();
  const input = { subject: 'marked', validUntil, assetIds: [assetId], downloadPreview: true, watermarked };
  const result = await api.graphql<{ createAuthKey: { key: string } }>(
    'mutation($input: CreateAuthKeyInput!) { createAuthKey(input: $input) { key } }',
    { input },
    { token },
  );
  if (!result.data) throw new Error(JSON.stringify(result.errors));
  return result.data.createAuthKey.key;
}

async function fetched(url: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { headers });
  return { response, bytes: Buffer.from(await response.arrayBuffer()) };
}

/** The largest difference of one channel of one pixel between two pictures of the same size. */
async function largestDifference(a: Buffer, b: Buffer): Promise<number> {
  const [left, right] = await Promise.all([a, b].map((bytes) => sharp(bytes).removeAlpha().raw().toBuffer()));
  let largest = 0;
  for (let i = 0; i < (left as Buffer).length; i++)
    largest = Math.max(largest, Math.abs((left as Buffer)[i]! - (right as Buffer)[i]!));
  return largest;
}

describe('a watermarked shared link, with the default text', () => {
  let api: TestServer;
  let editor: { token: string };
  let picture: Picture;
  let key: string;
  const urlOf = (kind: string, query = '') => `${api.url}/${kind}/${picture.id}/*/scene.jpg${query}`;

  beforeAll(async () => {
    ({ api, user: editor } = await startTestServerWithUser('EDITOR'));
    picture = await uploadedPicture(api, editor.token);
    key = await watermarkedKey(api, editor.token, picture.id);
  });
  afterAll(() => api.close());

  it.each(['thumbnail', 'preview'])('gets a %s with a visible watermark, of the clean one size', async (kind) => {
    const clean = await fetched(urlOf(kind), bearer(editor.token));
    const marked = await fetched(urlOf(kind, `?authKey=${key}`));
    expect(marked.response.status).toBe(200);
    expect(await imageFacts(marked.bytes)).toEqual(await imageFacts(clean.bytes));
    expect(await largestDifference(clean.bytes, marked.bytes)).toBeGreaterThan(60);
  });

  it('keeps the watermarked preview apart: its ETag is not the clean one, and stays the same', async () => {
    const clean = await fetched(urlOf('preview'), bearer(editor.token));
    const first = await fetched(urlOf('preview', `?authKey=${key}`));
    const again = await fetched(urlOf('preview', `?authKey=${key}`));
    expect(first.response.headers.get('etag')).not.toBe(clean.response.headers.get('etag'));
    expect(again.response.headers.get('etag')).toBe(first.response.headers.get('etag'));
  });

  it('leaves the clean preview clean for a logged-in user after a watermarked one was made', async () => {
    await fetched(urlOf('preview', `?authKey=${key}`));
    const renditions = await untilRendered(api, editor.token, picture.id);
    const clean = await fetched(urlOf('preview'), bearer(editor.token));
    expect(
      await largestDifference(
        clean.bytes,
        await sharp(await pictureOf(800, 600))
          .jpeg()
          .toBuffer(),
      ),
    ).toBeLessThan(20);
    expect(renditions[1]).toMatchObject({ state: 'READY', width: 800, height: 600 });
  });

  it('watermarks a size asked for with ?size= too', async () => {
    const clean = await fetched(urlOf('preview', '?size=400'), bearer(editor.token));
    const marked = await fetched(urlOf('preview', `?size=400&authKey=${key}`));
    expect(await largestDifference(clean.bytes, marked.bytes)).toBeGreaterThan(60);
  });

  it('gives the holder of a link without watermarked the clean preview', async () => {
    const plainKey = await watermarkedKey(api, editor.token, picture.id, false);
    const clean = await fetched(urlOf('preview'), bearer(editor.token));
    const plain = await fetched(urlOf('preview', `?authKey=${plainKey}`));
    expect(plain.response.headers.get('etag')).toBe(clean.response.headers.get('etag'));
  });
});

describe('WATERMARK_IMAGE', () => {
  let api: TestServer;
  let editor: { token: string };
  let picture: Picture;

  beforeAll(async () => {
    const mark = join(process.env.TMPDIR ?? '/tmp', `watermark-${process.pid}.png`);
    await writeFile(
      mark,
      await sharp({ create: { width: 100, height: 100, channels: 4, background: '#00ff00ff' } })
        .png()
        .toBuffer(),
    );
    ({ api, user: editor } = await startTestServerWithUser('EDITOR', { env: { WATERMARK_IMAGE: mark } }));
    picture = await uploadedPicture(api, editor.token);
  });
  afterAll(() => api.close());

  it('draws the configured image on watermarked previews', async () => {
    const key = await watermarkedKey(api, editor.token, picture.id);
    const marked = await fetched(`${api.url}/preview/${picture.id}/*/scene.jpg?authKey=${key}`);
    const { data } = await sharp(marked.bytes)
      .extract({ left: 390, top: 290, width: 20, height: 20 })
      .raw()
      .toBuffer({ resolveWithObject: true });
    // The picture is red (200, 40, 40); the middle now shows the green mark through it.
    expect(data[1]).toBeGreaterThan(100);
  });

  it('stops the start when the file is not there, naming the setting', () => {
    expect(() => loadConfig({ WATERMARK_IMAGE: '/no/such/watermark.png' })).toThrow(/WATERMARK_IMAGE/);
  });
});
