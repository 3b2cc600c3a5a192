import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, uploadAs } from './support/graphqlCalls.js';
import {
  collectionOf,
  createKey,
  createPreset,
  fileUrlsIn,
  pageOf,
  uploadPicture,
} from './support/sharedLinkPageCalls.js';
import { startTestServerWithUser, type TestServer, type TestUser } from './support/testServer.js';

/** Issue #16's shared-link page, `GET /?w=KEY`, read over HTTP as a browser without a login reads it. */

let api: TestServer;
let editor: TestUser;
let picture: { id: string; name: string; bytes: Buffer };

beforeAll(async () => {
  ({ api, user: editor } = await startTestServerWithUser('EDITOR'));
  picture = await uploadPicture(api, editor.token);
}, 60_000);
afterAll(() => api?.close());

async function textOf(query: string): Promise<{ status: number; type: string | null; text: string }> {
  const response = await pageOf(api, query);
  return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
}

const keyFor = (input: Record<string, unknown>) => createKey(api, editor.token, { assetIds: [picture.id], ...input });

describe('the shared-link page', () => {
  it('answers / without a key with a landing page that links GraphQL', async () => {
    const page = await textOf('');
    expect(page.status).toBe(200);
    expect(page.type).toBe('text/html; charset=utf-8');
    expect(page.text).toContain('href="graphql"');
  });

  it("shows the key's subject and description", async () => {
    const { key } = await keyFor({ subject: 'Spring campaign', description: 'Pictures for the brochure' });
    const page = await textOf(`w=${key}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<h1>Spring campaign</h1>');
    expect(page.text).toContain('Pictures for the brochure');
  });

  it('escapes markup in the subject and description', async () => {
    const { key } = await keyFor({
      subject: '<script>alert(1)</script>',
      description: '"><img src=x onerror=alert(1)>',
    });
    const page = await textOf(`w=${key}`);
    expect(page.text).not.toContain('<script>alert(1)');
    expect(page.text).not.toContain('<img src=x');
    expect(page.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('answers ?e=KEY (the desktop client URL) with the same page', async () => {
    const { key } = await keyFor({ subject: 'Desktop link' });
    expect((await textOf(`e=${key}`)).text).toContain('<h1>Desktop link</h1>');
  });

  it('is sent with a strict Content-Security-Policy, nosniff, no referrer and no caching', async () => {
    const { key } = await keyFor({});
    const response = await pageOf(api, `w=${key}`);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("img-src 'self' data:;");
    expect(csp).toMatch(/style-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).not.toContain('unsafe-inline');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it("shows each asset's thumbnail with the asset's name as its alt text", async () => {
    const { key } = await keyFor({});
    const page = await textOf(`w=${key}`);
    expect(page.text).toMatch(new RegExp(`<img src="thumbnail/${picture.id}/[^"]+" alt="${picture.name}"`));
  });

  it('serves every image and link of the page to a browser without a login', async () => {
    const preset = await createPreset(api, 'Small PNG');
    const { key } = await keyFor({ downloadOriginal: true, downloadPresetIds: [preset] });
    const urls = fileUrlsIn(api, (await textOf(`w=${key}`)).text);
    expect(urls.length).toBe(5);
    const statuses = await Promise.all(urls.map(async (url) => (await fetch(url)).status));
    expect(statuses).toEqual(urls.map(() => 200));
  });

  it('offers the original only to a link that allows originals, and then its bytes', async () => {
    const { key } = await keyFor({ downloadOriginal: true });
    const page = (await textOf(`w=${key}`)).text;
    const original = fileUrlsIn(api, page).find((url) => url.includes(`/file/${picture.id}/`));
    expect(original).toBeDefined();
    const bytes = Buffer.from(await (await fetch(original as string)).arrayBuffer());
    expect(bytes.equals(picture.bytes)).toBe(true);
  });

  it('offers no original to a link that allows previews only, and the server refuses it anyway', async () => {
    const { key } = await keyFor({ downloadPreview: true });
    const page = (await textOf(`w=${key}`)).text;
    expect(page).toContain('Download preview');
    expect(page).not.toContain('Download original');
    const refused = await fetch(`${api.url}/file/${picture.id}/*/${picture.name}?authKey=${key}`);
    expect(refused.status).toBe(404);
  });

  it('offers neither preview nor original to a link that allows only thumbnails', async () => {
    const { key } = await keyFor({ downloadPreview: false });
    const page = (await textOf(`w=${key}`)).text;
    expect(page).not.toContain('View preview');
    expect(page).not.toContain('download>');
    expect(fileUrlsIn(api, page).every((url) => url.includes('/thumbnail/'))).toBe(true);
  });

  it("offers the link's download presets, and refuses a preset the link does not list", async () => {
    const listed = await createPreset(api, 'Listed preset');
    const unlisted = await createPreset(api, 'Unlisted preset', 64);
    const { key } = await keyFor({ downloadPresetIds: [listed] });
    const page = (await textOf(`w=${key}`)).text;
    expect(page).toContain('Download Listed preset');
    expect(page).not.toContain('Unlisted preset');
    const base = `${api.url}/preview/${picture.id}/*/${picture.name}?authKey=${key}&downloadPresetId=`;
    expect((await fetch(`${base}${listed}`)).status).toBe(200);
    expect((await fetch(`${base}${unlisted}`)).status).toBe(404);
  });

  it("shows a shared collection's current content under the collection's name", async () => {
    const inside = await uploadAs(api, editor.token, { name: 'inside-collection.txt' });
    const collection = await collectionOf(api, editor.token, 'Press-kit', [inside.id]);
    const { key } = await createKey(api, editor.token, { assetIds: [picture.id], containerIds: [collection] });
    const page = (await textOf(`w=${key}`)).text;
    expect(page).toMatch(
      /<h2 id="section-1">Press-kit<\/h2>\s*<ul class="cards"><li class="card">[\s\S]*inside-collection\.txt/,
    );
  });

  it("hands a watermarked link's holder thumbnails that are not the clean ones", async () => {
    const { key } = await keyFor({ watermarked: true });
    const thumbnail = fileUrlsIn(api, (await textOf(`w=${key}`)).text).find((url) => url.includes('/thumbnail/'));
    const marked = await fetch(thumbnail as string);
    expect(marked.status).toBe(200);
    const clean = await fetch(`${api.url}/thumbnail/${picture.id}/*/${picture.name}`, {
      headers: { authorization: `Bearer ${editor.token}` },
    });
    expect(marked.headers.get('etag')).not.toBe(clean.headers.get('etag'));
  });

  it('names the file of an approval notice only when the page shows it', async () => {
    const { key } = await keyFor({ requestApproval: true });
    const named = (await textOf(`w=${key}&notice=approved&asset=${picture.id}`)).text;
    expect(named).toContain(`Your decision was recorded: you approved “${picture.name}”.`);
    const unnamed = (await textOf(`w=${key}&notice=approved&asset=%3Cb%3Eother`)).text;
    expect(unnamed).toContain('Your decision was recorded: you approved the file.');
    expect(unnamed).not.toContain('<b>other');
  });

  it('shows a notice it knows after a form, and ignores one it does not', async () => {
    const { key } = await keyFor({});
    expect((await textOf(`w=${key}&notice=uploaded`)).text).toContain('role="status"');
    expect((await textOf(`w=${key}&notice=%3Cb%3Ehi`)).text).not.toContain('role="status"');
  });
});

describe('a link that does not work', () => {
  it('gets a 404 HTML page, not JSON, for an unknown key', async () => {
    const page = await textOf('w=no-such-key-0123456789');
    expect(page.status).toBe(404);
    expect(page.type).toBe('text/html; charset=utf-8');
    expect(page.text).toContain('This link does not work');
  });

  it('gets the same page for an empty key', async () => {
    const page = await textOf('w=');
    expect(page.status).toBe(404);
    expect(page.text).toContain('This link does not work');
  });

  it('gets the same page once the key has expired', async () => {
    const { id, key } = await keyFor({});
    await api.sql('update auth_keys set valid_until = created_at where id = ?', [id]);
    const page = await textOf(`w=${key}`);
    expect(page.status).toBe(404);
    expect(page.text).toContain('This link does not work');
  });

  it('gets the same page once the key is revoked, and its files are refused', async () => {
    const { key } = await keyFor({ downloadOriginal: true });
    const urls = fileUrlsIn(api, (await textOf(`w=${key}`)).text);
    await dataOf(api, 'mutation($keys: [String!]!) { revokeAuthKeys(keys: $keys) }', { keys: [key] }, editor.token);
    const page = await textOf(`w=${key}`);
    expect(page.status).toBe(404);
    expect(page.text).toContain('This link does not work');
    expect((await fetch(urls[0] as string)).status).toBe(404);
  });

  it('gets an HTML 404 under /shared-link/ and an HTML 405 for a method a form path does not take', async () => {
    const missing = await fetch(`${api.url}/shared-link/nothing`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const wrongMethod = await fetch(`${api.url}/shared-link/review`);
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
  });
});
