import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configProblemWith, configWith } from './support/configSettings.js';
import { untilUploaded, uploadAs } from './support/graphqlCalls.js';
import { imageFacts, untilRendered } from './support/renditionCalls.js';
import { startTestServer, startTestServerWithUser, type TestServer } from './support/testServer.js';
import { bearer, bodyOf, expectError } from './support/woodwingCalls.js';

/*
 * The signed-URL calls of WoodWing's v2 API (reference section 10): a URL that serves one file of an asset with
 * no login until it expires, signed with the server's secret, so that every instance with that SECRET_KEY
 * accepts it; refused once expired, when tampered with, and when the asset is gone.
 */

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
const TEXT = 'the bytes behind a signed url';
const SECRET_KEY = 'a-secret-key-of-at-least-32-characters-for-signing';
const DELETE = 'mutation($id: ID!) { deleteAsset(id: $id) { id } }';

let api: TestServer;
let editor: { token: string };
let text: { id: string; name: string };
let image: { id: string; name: string };

const signedUrlCall = (target: TestServer, token: string, ids: string, file: string, query = '') =>
  fetch(`${target.url}/api/asset/${ids}/signed-${file}-url${query}`, { headers: bearer(token) });

/** The path and query of the first signed URL answered (the host is PUBLIC_URL's). */
async function signedPathOf(target: TestServer, token: string, id: string, file: string, query = '') {
  const body = await bodyOf(await signedUrlCall(target, token, id, file, query));
  const url = new URL(body[0].signedUrl);
  return url.pathname + url.search;
}

const signedUrlOf = (id: string, file: 'original' | 'preview' | 'thumbnail', query = '') =>
  signedPathOf(api, editor.token, id, file, query);

async function uploaded(name: string, content: string | Uint8Array) {
  const asset = await uploadAs(api, editor.token, { name, content, input: { folderPath: '/signed' } });
  await untilUploaded(api, editor.token, asset.id);
  return asset;
}

beforeAll(async () => {
  ({ api, user: editor } = await startTestServerWithUser('EDITOR', { env: { SECRET_KEY } }));
  text = await uploaded('signed.txt', TEXT);
  image = await uploaded('signed.png', PNG);
  await untilRendered(api, editor.token, image.id);
});
afterAll(() => api.close());

describe('signed-original-url, signed-preview-url, signed-thumbnail-url', () => {
  it('answers one {assetId, signedUrl} per id of a comma-separated list', async () => {
    const response = await signedUrlCall(api, editor.token, `${text.id},${image.id}`, 'original');
    const body = await bodyOf(response);
    expect(response.status).toBe(200);
    expect(body.map((entry: { assetId: string }) => entry.assetId)).toEqual([text.id, image.id]);
    expect(body[0].signedUrl).toMatch(new RegExp(`/api/asset/${text.id}/original\\?expires=\\d+&signature=`));
  });

  it('refuses a caller without a login with 401', async () => {
    await expectError(await fetch(`${api.url}/api/asset/${text.id}/signed-original-url`), 401);
  });

  it('refuses an asset the caller may not see with 404', async () => {
    await expectError(await signedUrlCall(api, editor.token, 'AAAAAAAAAAAAAAAAAAAAAA', 'original'), 404);
  });

  it('refuses validFor above SIGNED_URL_MAX_SECONDS with 400', async () => {
    await expectError(await signedUrlCall(api, editor.token, text.id, 'original', '?validFor=86401'), 400);
  });

  it('refuses validFor -1 (never expires) with 400', async () => {
    await expectError(await signedUrlCall(api, editor.token, text.id, 'original', '?validFor=-1'), 400);
  });

  it('refuses a preview URL for an asset that has no preview with 404', async () => {
    await expectError(await signedUrlCall(api, editor.token, text.id, 'preview'), 404);
  });
});

describe('fetching by a signed URL', () => {
  it('serves the original with no login', async () => {
    const response = await fetch(`${api.url}${await signedUrlOf(text.id, 'original')}`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(TEXT);
  });

  it('serves the preview, the rendition and not the original, with no login', async () => {
    const response = await fetch(`${api.url}${await signedUrlOf(image.id, 'preview')}`);
    expect(response.status).toBe(200);
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(bytes.equals(PNG)).toBe(false);
    expect(await imageFacts(bytes)).toMatchObject({ width: 1, height: 1 });
  });

  it('serves the thumbnail with no login', async () => {
    const response = await fetch(`${api.url}${await signedUrlOf(image.id, 'thumbnail')}`);
    expect(response.status).toBe(200);
  });

  it('refuses a signature with one character changed with 403', async () => {
    const url = await signedUrlOf(text.id, 'original');
    const last = url.at(-1) === 'A' ? 'B' : 'A';
    await expectError(await fetch(`${api.url}${url.slice(0, -1)}${last}`), 403);
  });

  it('refuses the signature spelled with other spare bits in its last character with 403', async () => {
    const url = await signedUrlOf(text.id, 'original');
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const sameBytes = alphabet[alphabet.indexOf(url.at(-1) ?? 'A') ^ 1];
    await expectError(await fetch(`${api.url}${url.slice(0, -1)}${sameBytes}`), 403);
  });

  it('refuses a later expiry than the one signed with 403', async () => {
    const url = await signedUrlOf(text.id, 'original');
    const later = url.replace(/expires=(\d+)/, (_, expires) => `expires=${Number(expires) + 3600}`);
    await expectError(await fetch(`${api.url}${later}`), 403);
  });

  it('refuses an original URL used for the thumbnail with 403', async () => {
    const url = await signedUrlOf(image.id, 'original');
    await expectError(await fetch(`${api.url}${url.replace('/original?', '/thumbnail?')}`), 403);
  });

  it('refuses a URL for another asset with 403', async () => {
    const url = await signedUrlOf(text.id, 'original');
    await expectError(await fetch(`${api.url}${url.replace(text.id, image.id)}`), 403);
  });

  it('refuses the URL once it has expired with 403', async () => {
    const url = await signedUrlOf(text.id, 'original', '?validFor=1');
    const expires = Number(/expires=(\d+)/.exec(url)?.[1]);
    while (Date.now() < expires * 1000 + 50) await new Promise((resolve) => setTimeout(resolve, 100));
    const error = await expectError(await fetch(`${api.url}${url}`), 403);
    expect(error.message).toContain('expired');
  });

  it('refuses the URL once the asset is deleted with 404', async () => {
    const doomed = await uploaded('doomed.txt', 'soon gone');
    const url = await signedUrlOf(doomed.id, 'original');
    const deleted = await api.graphql(DELETE, { id: doomed.id }, { token: editor.token });
    expect(deleted.errors).toBeUndefined();
    await expectError(await fetch(`${api.url}${url}`), 404);
  });
});

describe('signed URLs across instances', () => {
  let first: TestServer;
  let url: string;

  beforeAll(async () => {
    first = await startTestServer({ env: { SECRET_KEY } });
    const token = await first.adminToken();
    const asset = await uploadAs(first, token, { name: 'shared.txt', content: TEXT });
    await untilUploaded(first, token, asset.id);
    url = await signedPathOf(first, token, asset.id, 'original');
    await first.stop();
  });
  afterAll(() => first.close());

  it('is served by another instance with the same SECRET_KEY', async () => {
    const other = await startTestServer({ dataDir: first.dataDir, env: { SECRET_KEY } });
    try {
      const response = await fetch(`${other.url}${url}`);
      expect(await response.text()).toBe(TEXT);
    } finally {
      await other.stop();
    }
  });

  it('is refused by an instance with another SECRET_KEY with 403', async () => {
    const other = await startTestServer({ dataDir: first.dataDir, env: { SECRET_KEY: `${SECRET_KEY}-other` } });
    try {
      await expectError(await fetch(`${other.url}${url}`), 403);
    } finally {
      await other.stop();
    }
  });
});

describe('the lifetime settings', () => {
  it('default to 1800 seconds, at most 86400', () => {
    expect(configWith({}).signedUrlSeconds).toEqual({ default: 1800, max: 86_400 });
  });

  it('refuse SIGNED_URL_DEFAULT_SECONDS above SIGNED_URL_MAX_SECONDS, naming it', () => {
    const problem = configProblemWith({ SIGNED_URL_DEFAULT_SECONDS: '600', SIGNED_URL_MAX_SECONDS: '60' });
    expect(problem.message).toMatch(/^SIGNED_URL_DEFAULT_SECONDS:/);
  });
});
