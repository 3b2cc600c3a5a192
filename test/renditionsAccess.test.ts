import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authKeyFor, untilUploaded, uploadAs } from './support/graphqlCalls.js';
import { pictureOf, untilRendered } from './support/renditionCalls.js';
import { startTestServerWithUser, type TestServer } from './support/testServer.js';
import { expectError } from './support/woodwingCalls.js';

/*
 * Who gets which rendition (issue #16): the same rules as originals, and a shared link that allows only
 * previews gets previews, never the original nor a size that comes close to it.
 */

let api: TestServer;
let editor: { token: string };
let picture: { id: string; name: string };
let previewsOnly: string;
let thumbnailsOnly: string;

const urlOf = (kind: 'file' | 'preview' | 'thumbnail', query = '') =>
  `${api.url}/${kind}/${picture.id}/*/${picture.name}${query}`;

beforeAll(async () => {
  ({ api, user: editor } = await startTestServerWithUser('EDITOR'));
  picture = await uploadAs(api, editor.token, {
    name: 'big.jpg',
    content: await pictureOf(3000, 3000),
    input: { folderPath: '/access' },
  });
  await untilUploaded(api, editor.token, picture.id);
  await untilRendered(api, editor.token, picture.id);
  previewsOnly = await authKeyFor(api, editor.token, 'previews', [picture.id], {
    downloadPreview: true,
    downloadOriginal: false,
  });
  thumbnailsOnly = await authKeyFor(api, editor.token, 'thumbs', [picture.id], {
    downloadPreview: false,
    downloadOriginal: false,
  });
});
afterAll(() => api.close());

describe('a shared link that allows previews only', () => {
  it('gets the preview', async () => {
    expect((await fetch(urlOf('preview', `?authKey=${previewsOnly}`))).status).toBe(200);
  });

  it('is refused the original with err(404)', async () => {
    await expectError(await fetch(urlOf('file', `?authKey=${previewsOnly}`)), 404);
  });

  it('gets a size up to the preview size', async () => {
    expect((await fetch(urlOf('preview', `?size=1200&authKey=${previewsOnly}`))).status).toBe(200);
  });

  it('is refused a size over the preview size with err(404), as it comes close to the original', async () => {
    await expectError(await fetch(urlOf('preview', `?size=3000&authKey=${previewsOnly}`)), 404);
  });

  it('is given thumbnail and preview URLs with its key by GraphQL sharedLink', async () => {
    const result = await api.graphql<{ sharedLink: { assets: { previewUrl: string }[] } }>(
      'query($key: String!) { sharedLink(key: $key) { assets { previewUrl } } }',
      { key: previewsOnly },
    );
    const url = result.data?.sharedLink.assets[0]?.previewUrl ?? '';
    expect(url).toContain(`authKey=${previewsOnly}`);
  });
});

describe('a shared link that allows thumbnails only', () => {
  it('gets a size up to the thumbnail size', async () => {
    expect((await fetch(urlOf('thumbnail', `?size=200&authKey=${thumbnailsOnly}`))).status).toBe(200);
  });

  it('is refused a preview-sized one with err(404)', async () => {
    await expectError(await fetch(urlOf('thumbnail', `?size=800&authKey=${thumbnailsOnly}`)), 404);
  });
});
