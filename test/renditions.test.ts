import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { untilUploaded, uploadAs } from './support/graphqlCalls.js';
import { imageFacts, pictureOf, untilRendered } from './support/renditionCalls.js';
import { startTestServerWithUser, type TestServer } from './support/testServer.js';
import { bearer, expectError } from './support/woodwingCalls.js';

/*
 * Renditions (issue #16): after its scan, each image gets a thumbnail that fits 256 px and a preview that
 * fits 1600 px, made once by the rendition worker, kept content-addressed, served at WoodWing's /thumbnail
 * and /preview URLs and listed by GraphQL's Asset.renditions.
 */

let api: TestServer;
let editor: { token: string };
let photo: { id: string; name: string };

async function uploaded(name: string, content: Uint8Array | string) {
  const asset = await uploadAs(api, editor.token, { name, content, input: { folderPath: '/renditions' } });
  await untilUploaded(api, editor.token, asset.id);
  return asset;
}

const urlOf = (kind: 'preview' | 'thumbnail', asset: { id: string; name: string }, rest = '') =>
  `${api.url}/${kind}/${asset.id}/*/${encodeURIComponent(asset.name)}${rest}`;

async function bytesAt(url: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { headers: { ...bearer(editor.token), ...headers } });
  return { response, bytes: Buffer.from(await response.arrayBuffer()) };
}

beforeAll(async () => {
  ({ api, user: editor } = await startTestServerWithUser('EDITOR'));
  photo = await uploaded('wide.jpg', await pictureOf(3000, 2000));
  await untilRendered(api, editor.token, photo.id);
});
afterAll(() => api.close());

describe('the thumbnail and preview of a JPEG', () => {
  it('makes a thumbnail that fits 256 px, served at /thumbnail as a JPEG', async () => {
    const { response, bytes } = await bytesAt(urlOf('thumbnail', photo));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/jpeg');
    const facts = await imageFacts(bytes);
    expect(facts).toMatchObject({ width: 256, format: 'jpeg' });
    // 2000 * 256 / 3000 = 170.7: made from the 1600 x 1067 preview, it may round to 170.
    expect(facts.height).toBeGreaterThanOrEqual(170);
    expect(facts.height).toBeLessThanOrEqual(171);
  });

  it('makes a preview that fits 1600 px, served at /preview', async () => {
    const { bytes } = await bytesAt(urlOf('preview', photo));
    expect(await imageFacts(bytes)).toEqual({ width: 1600, height: 1067, format: 'jpeg' });
  });

  it('names the rendition after the asset for the browser', async () => {
    const { response } = await bytesAt(urlOf('thumbnail', photo));
    expect(response.headers.get('content-disposition')).toBe('inline; filename="wide_thumb.jpg"');
  });

  it('lists both as READY in Asset.renditions, with their URLs and sizes', async () => {
    const renditions = await untilRendered(api, editor.token, photo.id);
    expect(renditions).toEqual([
      expect.objectContaining({
        name: 'thumbnail',
        state: 'READY',
        width: 256,
        url: urlOf('thumbnail', photo).replace(api.url, api.server.config.publicUrl),
      }),
      expect.objectContaining({
        name: 'preview',
        state: 'READY',
        width: 1600,
        height: 1067,
        contentType: 'image/jpeg',
      }),
    ]);
  });

  it('gives Asset.thumbnailUrl and Asset.previewUrl', async () => {
    const result = await api.graphql<{ asset: { thumbnailUrl: string; previewUrl: string } }>(
      'query($id: ID!) { asset(id: $id) { thumbnailUrl previewUrl } }',
      { id: photo.id },
      { token: editor.token },
    );
    expect(result.data?.asset.thumbnailUrl).toBe(`${api.server.config.publicUrl}/thumbnail/${photo.id}/*/wide.jpg`);
    expect(result.data?.asset.previewUrl).toBe(`${api.server.config.publicUrl}/preview/${photo.id}/*/wide.jpg`);
  });

  it('answers a repeated request with its ETag by 304', async () => {
    const first = await bytesAt(urlOf('preview', photo));
    const etag = first.response.headers.get('etag') ?? '';
    const again = await bytesAt(urlOf('preview', photo), { 'if-none-match': etag });
    expect(again.response.status).toBe(304);
  });

  it('answers a byte range with 206 and those bytes', async () => {
    const whole = await bytesAt(urlOf('preview', photo));
    const part = await bytesAt(urlOf('preview', photo), { range: 'bytes=10-19' });
    expect(part.response.status).toBe(206);
    expect(part.bytes).toEqual(whole.bytes.subarray(10, 20));
  });

  it('leaves the original as it was', async () => {
    const original = await pictureOf(3000, 2000);
    const { bytes } = await bytesAt(`${api.url}/file/${photo.id}/*/wide.jpg`);
    expect(bytes).toEqual(original);
  });
});

describe('renditions and the bytes they are made of', () => {
  it('are shared by assets with identical files', async () => {
    const twin = await uploaded('twin.jpg', await pictureOf(3000, 2000));
    await untilRendered(api, editor.token, twin.id);
    const mine = await bytesAt(urlOf('thumbnail', photo));
    const its = await bytesAt(urlOf('thumbnail', twin));
    expect(its.response.headers.get('etag')).toBe(mine.response.headers.get('etag'));
    const [{ count }] = (await api.sql(
      'select count(*) as count from renditions where variant = ? and source_sha256 in (select sha256 from assets where id in (?, ?))',
      ['thumbnail', photo.id, twin.id],
    )) as [{ count: number }];
    expect(Number(count)).toBe(1);
  });

  it('are made anew for a new version of the file', async () => {
    const changing = await uploaded('changing.jpg', await pictureOf(300, 300));
    const [first] = await untilRendered(api, editor.token, changing.id);
    const result = await api.upload(
      'mutation($id: ID!, $file: Upload!) { replaceAssetFile(id: $id, file: $file) { id } }',
      { id: changing.id },
      { name: 'changing.jpg', content: await pictureOf(600, 300) },
      { token: editor.token },
    );
    expect(result.errors).toBeUndefined();
    await untilUploaded(api, editor.token, changing.id);
    const [second] = await untilRendered(api, editor.token, changing.id);
    expect([first?.height, second?.height]).toEqual([256, 128]);
  });
});

describe('sizes asked for in the URL', () => {
  it("serves WoodWing's maxWidth_1600_maxHeight_1600 preview path as the preview", async () => {
    const url = `${api.url}/preview/${photo.id}/previews/maxWidth_1600_maxHeight_1600.jpg/*/wide_preview.jpg`;
    const { bytes } = await bytesAt(url);
    expect(await imageFacts(bytes)).toMatchObject({ width: 1600, height: 1067 });
  });

  it('refuses a size over RENDITION_MAX_SIZE with err(400)', async () => {
    const body = await expectError(
      await fetch(urlOf('preview', photo, '?size=99999'), { headers: bearer(editor.token) }),
      400,
    );
    expect(body.message).toContain('4096');
  });

  it('refuses a size that is no number with err(400)', async () => {
    await expectError(await fetch(urlOf('preview', photo, '?size=big'), { headers: bearer(editor.token) }), 400);
  });
});

describe('files of other kinds', () => {
  it('renders a PNG with transparency to PNG thumbnails', async () => {
    const png = await uploaded('clear.png', await pictureOf(600, 300, 'png', true));
    const [thumbnail] = await untilRendered(api, editor.token, png.id);
    expect(thumbnail).toMatchObject({ state: 'READY', contentType: 'image/png', width: 256, height: 128 });
  });

  it.each(['webp', 'gif', 'tiff', 'avif'] as const)('renders a %s image', async (format) => {
    const image = await uploaded(`picture.${format}`, await pictureOf(400, 400, format));
    const [thumbnail] = await untilRendered(api, editor.token, image.id);
    expect(thumbnail).toMatchObject({ state: 'READY', width: 256, height: 256 });
  });

  it('renders an SVG', async () => {
    const svg =
      '<svg xmlns="http://www.w3.org/2000/svg" width="512" height="256"><rect width="512" height="256" fill="teal"/></svg>';
    const image = await uploaded('drawing.svg', svg);
    const [thumbnail] = await untilRendered(api, editor.token, image.id);
    expect(thumbnail).toMatchObject({ state: 'READY', width: 256, height: 128 });
  });

  it('gives a PDF a typed placeholder preview', async () => {
    const pdf = await uploaded('report.pdf', '%PDF-1.4\n%%EOF\n');
    const [, preview] = await untilRendered(api, editor.token, pdf.id);
    expect(preview).toMatchObject({ state: 'READY', contentType: 'image/png', width: 1131, height: 1600 });
  });

  it('gives a file sharp cannot read the state NONE with the reason, and its /preview err(404), not 500', async () => {
    const broken = await uploaded('broken.jpg', 'not a jpeg at all');
    const [thumbnail] = await untilRendered(api, editor.token, broken.id);
    expect(thumbnail).toMatchObject({ state: 'NONE', url: null });
    expect(thumbnail?.reason).toContain('cannot be read as an image');
    const body = await expectError(await fetch(urlOf('preview', broken), { headers: bearer(editor.token) }), 404);
    expect(body.message).toContain('no preview');
  });

  it('gives a text file no renditions and no thumbnailUrl', async () => {
    const text = await uploaded('notes.txt', 'plain');
    const result = await api.graphql<{ asset: { thumbnailUrl: string | null; renditions: unknown[] } }>(
      'query($id: ID!) { asset(id: $id) { thumbnailUrl renditions { state } } }',
      { id: text.id },
      { token: editor.token },
    );
    expect(result.data?.asset).toEqual({ thumbnailUrl: null, renditions: [] });
  });
});

describe('rendition settings', () => {
  it.each([
    ['RENDITION_CONCURRENCY', '0'],
    ['RENDITION_MAX_SIZE', 'huge'],
    ['RENDITION_MAX_INPUT_MEGAPIXELS', '5000'],
  ])('refuse %s=%s at start, naming the setting', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(name);
  });
});
