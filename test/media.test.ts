import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { readdirSync, readlinkSync, realpathSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Asset } from '../src/db/entities/Asset.js';
import { uploadAs } from './support/graphqlCalls.js';
import {
  eventually,
  startTestServer,
  startTestServerWithUser,
  type TestServer,
  type TestUser,
} from './support/testServer.js';

/*
 * GOV.UK Asset Manager's media serving over real HTTP (reference sections 4, 5 and 7, cases #23-#33 and
 * #39-#42; issue 4 items 7, 8, 11 and 12). This gateway streams the bytes itself, so where GOV.UK answers
 * 200 with X-Accel-Redirect, the answer here is 200 with the body and the same headers.
 */

const LIVE_HOST = 'assets.test';
const DRAFT_HOST = 'draft-assets.test';
const ENV = { DRAFT_ASSETS_HOST: DRAFT_HOST, JWT_AUTH_SECRET: 'test-secret', PUBLIC_URL: `http://${LIVE_HOST}` };

const NF = { _response_info: { status: 'not found' } };
const GONE = { _response_info: { status: 'gone' } };
const DAY_MS = 24 * 3600 * 1000;

const FIELDS = 'id name state draft size contentType';
const UPDATE = `mutation($id: ID!, $input: UpdateAssetInput!) { updateAsset(id: $id, input: $input) { ${FIELDS} } }`;
const REPLACE_FILE = `mutation($id: ID!, $file: Upload!) { replaceAssetFile(id: $id, file: $file) { ${FIELDS} } }`;
const DELETE = `mutation($id: ID!) { deleteAsset(id: $id) { ${FIELDS} } }`;
const RESTORE = `mutation($id: ID!) { restoreAsset(id: $id) { ${FIELDS} } }`;
const STATE = 'query($id: ID!) { asset(id: $id) { state } }';

interface AssetView {
  id: string;
  name: string;
  state: string;
  draft: boolean;
  size: number;
  contentType: string;
}

type AssetState = 'UNSCANNED' | 'CLEAN' | 'INFECTED' | 'UPLOADED';

let api: TestServer;
let editor: TestUser;
beforeAll(async () => ({ api, user: editor } = await startTestServerWithUser('EDITOR', { env: ENV })));
afterAll(() => api.close());

const sha256 = (content: Uint8Array) => createHash('sha256').update(content).digest('hex');

const upload = (name: string, content: Uint8Array | string, input: Record<string, unknown> = {}) =>
  uploadAs<AssetView>(api, editor.token, { name, content, input, fields: FIELDS });

async function waitForState(id: string, state: AssetState): Promise<void> {
  await eventually(async () => {
    const result = await api.graphql<{ asset: { state: string } }>(STATE, { id }, { token: editor.token });
    return result.data?.asset?.state === state ? true : undefined;
  });
}

/** Uploads and waits until the asset is UPLOADED (scanning is off in tests, so that is soon). */
async function uploaded(name: string, content: Uint8Array | string, input: Record<string, unknown> = {}) {
  const asset = await upload(name, content, input);
  await waitForState(asset.id, 'UPLOADED');
  return asset;
}

async function mutate(query: string, variables: Record<string, unknown>): Promise<void> {
  const result = await api.graphql(query, variables, { token: editor.token });
  if (result.errors) throw new Error(`mutation failed: ${JSON.stringify(result.errors)}`);
}

async function replaceFile(id: string, name: string, content: Uint8Array | string): Promise<void> {
  const result = await api.upload(REPLACE_FILE, { id }, { name, content }, { token: editor.token });
  if (result.errors) throw new Error(`replaceAssetFile failed: ${JSON.stringify(result.errors)}`);
}

/**
 * Puts an asset in a scan state that the API cannot produce while scanning is off in tests (CLEAN, INFECTED,
 * or UNSCANNED held back from the scan queue), straight in the server's database.
 */
async function forceState(id: string, state: AssetState): Promise<void> {
  const holdBack = state === 'UNSCANNED' ? new Date(Date.now() + DAY_MS) : null;
  const changed = await api.server.orm.em.fork().nativeUpdate(Asset, { id }, { state, nextScanAt: holdBack });
  if (changed !== 1) throw new Error(`no asset ${id} to force into ${state}`);
}

function media(
  path: string,
  options: { method?: string; headers?: Record<string, string>; host?: string } = {},
): Promise<Response> {
  return fetch(`${api.url}${path}`, {
    method: options.method ?? 'GET',
    headers: { 'x-forwarded-host': options.host ?? LIVE_HOST, ...options.headers },
    redirect: 'manual',
  });
}

const mediaPath = (asset: { id: string; name: string }) => `/media/${asset.id}/${encodeURIComponent(asset.name)}`;
const bytesOf = async (response: Response) => Buffer.from(await response.arrayBuffer());

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/**
 * A request sent exactly as written, with node:http: fetch would resolve `..` segments before sending, and
 * adds `Cache-Control: no-cache` to every conditional request, which asks any server for the whole answer.
 */
function raw(path: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  const { hostname, port } = new URL(api.url);
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      { host: hostname, port, path, method: 'GET', headers: { 'x-forwarded-host': LIVE_HOST, ...headers } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }),
        );
      },
    );
    request.on('error', reject);
    request.end();
  });
}

function restForm(fields: Record<string, string>, file?: { name: string; content: Uint8Array | string }): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(`asset[${name}]`, value);
  if (file) form.set('asset[file]', new Blob([file.content as BlobPart]), file.name);
  return form;
}

async function restSend(method: string, path: string, form: FormData): Promise<{ status: number; body: any }> {
  const response = await fetch(`${api.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${editor.token}` },
    body: form,
  });
  return { status: response.status, body: await response.json() };
}

const idOfRest = (body: any): string => String(body.id).split('/').pop() ?? '';

/** GOV.UK's former POST /whitehall_assets: an asset served at a legacy path under /government/uploads. */
async function whitehallAsset(
  legacyPath: string,
  content: Uint8Array | string,
  fields: Record<string, string> = {},
): Promise<string> {
  const name = legacyPath.split('/').pop() ?? 'file';
  const created = await restSend(
    'POST',
    '/whitehall_assets',
    restForm({ legacy_url_path: legacyPath, ...fields }, { name, content }),
  );
  if (created.status !== 201) throw new Error(`whitehall asset not created: ${JSON.stringify(created.body)}`);
  return idOfRest(created.body);
}

const legacyFolder = () => `/government/uploads/system/${randomUUID()}`;

describe('decision order (reference section 5)', () => {
  it('answers 404 NF for a well-formed id that names no asset (#23)', async () => {
    const response = await media('/media/1234556678895332452345/x.jpg');
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual(NF);
  });

  it('answers 404 NF for an id that is not an id at all (#23)', async () => {
    const response = await media('/media/not-an-id/test.jpg');
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual(NF);
  });

  it('answers 404 NF for an asset that is still unscanned (#24)', async () => {
    const asset = await uploaded('asset.png', randomBytes(100));
    await forceState(asset.id, 'UNSCANNED');
    const response = await media(mediaPath(asset));
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual(NF);
  });

  it('answers 404 NF for an asset that is clean but not yet uploaded (#24)', async () => {
    const asset = await uploaded('asset.png', randomBytes(100));
    await forceState(asset.id, 'CLEAN');
    const response = await media(mediaPath(asset));
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual(NF);
  });

  it('answers 404 NF for an infected asset (#24)', async () => {
    const asset = await uploaded('asset.png', randomBytes(100));
    await forceState(asset.id, 'INFECTED');
    const response = await media(mediaPath(asset));
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual(NF);
  });

  it('answers 410 GONE for a deleted asset (#25)', async () => {
    const asset = await uploaded('asset.png', randomBytes(100));
    await mutate(DELETE, { id: asset.id });
    const response = await media(mediaPath(asset));
    expect(response.status).toBe(410);
    expect(await response.json()).toEqual(GONE);
  });

  it('serves a restored asset again (#16)', async () => {
    const content = randomBytes(100);
    const asset = await uploaded('asset.png', content);
    await mutate(DELETE, { id: asset.id });
    await mutate(RESTORE, { id: asset.id });
    const response = await media(mediaPath(asset));
    expect(response.status).toBe(200);
    expect((await bytesOf(response)).equals(content)).toBe(true);
  });

  it('answers 404 NF for a filename the asset never had (#27)', async () => {
    const asset = await uploaded('asset.png', randomBytes(100));
    const response = await media(`/media/${asset.id}/invalid_file_name.pdf`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual(NF);
  });

  it('redirects 301 to a live replacement, protocol-relative on the live host, cacheable (#33)', async () => {
    const replacement = await uploaded('replacement.pdf', randomBytes(50));
    const asset = await uploaded('asset.png', randomBytes(50), { replacementId: replacement.id });
    const response = await media(mediaPath(asset));
    expect(response.status).toBe(301);
    expect(response.headers.get('location')).toBe(`//${LIVE_HOST}/media/${replacement.id}/replacement.pdf`);
    expect(response.headers.get('cache-control')).toBe('max-age=1800, public');
  });

  it('answers 410 for a deleted asset even when it has a replacement', async () => {
    const replacement = await uploaded('replacement.pdf', randomBytes(50));
    const asset = await uploaded('asset.png', randomBytes(50), { replacementId: replacement.id });
    await mutate(DELETE, { id: asset.id });
    const response = await media(mediaPath(asset));
    expect(response.status).toBe(410);
    expect(await response.json()).toEqual(GONE);
  });

  it('redirects a replaced asset before its scan state is looked at (an infected original still gets 301)', async () => {
    const replacement = await uploaded('replacement.pdf', randomBytes(50));
    const asset = await uploaded('asset.png', randomBytes(50), { replacementId: replacement.id });
    await forceState(asset.id, 'INFECTED');
    const response = await media(mediaPath(asset));
    expect(response.status).toBe(301);
    expect(response.headers.get('location')).toBe(`//${LIVE_HOST}/media/${replacement.id}/replacement.pdf`);
  });

  it('redirects a replaced draft to its live replacement instead of sending it to the draft host', async () => {
    const replacement = await uploaded('replacement.pdf', randomBytes(50));
    const asset = await uploaded('asset.png', randomBytes(50), { draft: true });
    await mutate(UPDATE, { id: asset.id, input: { replacementId: replacement.id } });
    const response = await media(mediaPath(asset));
    expect(response.status).toBe(301);
    expect(response.headers.get('location')).toBe(`//${LIVE_HOST}/media/${replacement.id}/replacement.pdf`);
  });

  it('collapses a replacement chain A->B->C into one 301 to C', async () => {
    const c = await uploaded('c.pdf', randomBytes(50));
    const b = await uploaded('b.pdf', randomBytes(50), { replacementId: c.id });
    const a = await uploaded('a.pdf', randomBytes(50), { replacementId: b.id });
    const response = await media(mediaPath(a));
    expect(response.status).toBe(301);
    expect(response.headers.get('location')).toBe(`//${LIVE_HOST}/media/${c.id}/c.pdf`);
  });

  it('collapses a chain whose middle is a draft with a live replacement (A->B(draft)->C) into a 301 to C', async () => {
    // GOV.UK repoints A to C when the draft B gets the live replacement C (backpropagate_replacement).
    const c = await uploaded('c.pdf', randomBytes(50));
    const b = await uploaded('b.pdf', randomBytes(50), { draft: true });
    const a = await uploaded('a.pdf', randomBytes(50), { replacementId: b.id });
    await mutate(UPDATE, { id: b.id, input: { replacementId: c.id } });
    const response = await media(mediaPath(a));
    expect(response.status).toBe(301);
    expect(response.headers.get('location')).toBe(`//${LIVE_HOST}/media/${c.id}/c.pdf`);
  });

  it('redirects 302 from an earlier filename to the current one once the new file is uploaded (#28)', async () => {
    const created = await restSend('POST', '/assets', restForm({}, { name: 'asset.png', content: randomBytes(80) }));
    expect(created.status).toBe(201);
    const id = idOfRest(created.body);
    await waitForState(id, 'UPLOADED');
    const updated = await restSend(
      'PUT',
      `/assets/${id}`,
      restForm({}, { name: 'asset2.jpg', content: randomBytes(90) }),
    );
    expect(updated.status).toBe(200);
    await waitForState(id, 'UPLOADED');
    const response = await media(`/media/${id}/asset.png`);
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe(`/media/${id}/asset2.jpg`);
  });

  it('answers 404 for the earlier filename while the new file is not yet uploaded (servability before the 302, #28)', async () => {
    const asset = await uploaded('asset.png', randomBytes(80));
    await replaceFile(asset.id, 'asset2.jpg', randomBytes(90));
    await waitForState(asset.id, 'UPLOADED');
    await forceState(asset.id, 'CLEAN');
    const response = await media(`/media/${asset.id}/asset.png`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual(NF);
  });

  it('answers 404 for the current filename while the new file is not yet uploaded (#28)', async () => {
    const asset = await uploaded('asset.png', randomBytes(80));
    await replaceFile(asset.id, 'asset2.jpg', randomBytes(90));
    await waitForState(asset.id, 'UPLOADED');
    await forceState(asset.id, 'CLEAN');
    const response = await media(`/media/${asset.id}/asset2.jpg`);
    expect(response.status).toBe(404);
  });

  it('redirects 302 to an absolute redirect_url (#32)', async () => {
    const asset = await uploaded('asset.png', randomBytes(50));
    await mutate(UPDATE, { id: asset.id, input: { redirectUrl: 'https://example.com/path/file.ext' } });
    const response = await media(mediaPath(asset));
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('https://example.com/path/file.ext');
  });

  it('makes a relative redirect_url absolute on the request host', async () => {
    const asset = await uploaded('asset.png', randomBytes(50));
    await mutate(UPDATE, { id: asset.id, input: { redirectUrl: '/government/publications/moved' } });
    const response = await media(mediaPath(asset), { host: 'other-assets.test' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('http://other-assets.test/government/publications/moved');
  });

  it('answers 404 for an asset created with a redirect_url, which is never scanned (servability before redirect_url)', async () => {
    const asset = await upload('asset.png', randomBytes(50), { redirectUrl: 'https://example.com/elsewhere' });
    const response = await media(mediaPath(asset));
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual(NF);
  });

  it('serves a file through its lifecycle: created unscanned over REST, then served with its bytes (#42)', async () => {
    const lorem = 'Lorem ipsum dolor sit amet.\n';
    const created = await restSend('POST', '/assets', restForm({}, { name: 'lorem.txt', content: lorem }));
    expect(created.status).toBe(201);
    expect(created.body.state).toBe('unscanned');
    const served = await eventually(async () => {
      const response = await media(`/media/${idOfRest(created.body)}/lorem.txt`);
      return response.status === 200 ? response : undefined;
    });
    expect(served.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await served.text()).toBe(lorem);
  });
});

describe('headers of a served file (#26, #31)', () => {
  const content = randomBytes(57_705);
  let asset: AssetView;
  let response: Response;
  let body: Buffer;

  beforeAll(async () => {
    asset = await uploaded('asset.png', content);
    response = await media(mediaPath(asset));
    body = await bytesOf(response);
  });

  it('answers 200 with the file bytes', () => {
    expect(response.status).toBe(200);
    expect(body.equals(content)).toBe(true);
  });

  it('sends the content type of the extension', () => {
    expect(response.headers.get('content-type')).toBe('image/png');
  });

  it('sends the Content-Length of the file', () => {
    expect(response.headers.get('content-length')).toBe(String(content.length));
  });

  it('sends Content-Disposition inline with the filename', () => {
    expect(response.headers.get('content-disposition')).toBe('inline; filename="asset.png"');
  });

  it('sends a quoted ETag "<hex>-<hex>" whose second part is the size', () => {
    const etag = response.headers.get('etag') ?? '';
    expect(etag).toMatch(/^"[0-9a-f]+-[0-9a-f]+"$/);
    expect(etag.slice(1, -1).split('-')[1]).toBe(content.length.toString(16));
  });

  it('sends Last-Modified as an RFC 1123 date', () => {
    const lastModified = response.headers.get('last-modified') ?? '';
    expect(lastModified).toMatch(/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
    expect(new Date(lastModified).toUTCString()).toBe(lastModified);
  });

  it('sends Cache-Control max-age=1800, public on the live host', () => {
    expect(response.headers.get('cache-control')).toBe('max-age=1800, public');
  });

  it('sends X-Frame-Options DENY', () => {
    expect(response.headers.get('x-frame-options')).toBe('DENY');
  });

  it('sends X-Content-Type-Options nosniff', () => {
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('sends Accept-Ranges bytes', () => {
    expect(response.headers.get('accept-ranges')).toBe('bytes');
  });

  it('sends no Link header when no parent_document_url is set', () => {
    expect(response.headers.get('link')).toBeNull();
  });

  it('sends Link <parent_document_url>; rel="up" when it is set', async () => {
    const child = await uploaded('child.pdf', randomBytes(40), { parentDocumentUrl: 'https://www.gov.uk/x' });
    const served = await media(mediaPath(child));
    expect(served.status).toBe(200);
    expect(served.headers.get('link')).toBe('<https://www.gov.uk/x>; rel="up"');
  });

  it('encodes a non-ASCII filename in Content-Disposition as RFC 6266 filename*', async () => {
    const named = await uploaded('café.txt', 'un café');
    const served = await media(mediaPath(named));
    expect(served.status).toBe(200);
    const disposition = served.headers.get('content-disposition') ?? '';
    expect(disposition.startsWith('inline; filename=')).toBe(true);
    expect(disposition).toContain("filename*=UTF-8''caf%C3%A9.txt");
  });

  it('serves an explicit content type instead of the extension one (#5)', async () => {
    const pdf = await uploaded('asset.png', randomBytes(40), { contentType: 'application/pdf' });
    const served = await media(mediaPath(pdf));
    expect(served.headers.get('content-type')).toBe('application/pdf');
  });
});

describe('conditional GET (#29, #30)', () => {
  let asset: AssetView;
  let etag: string;
  let lastModified: string;
  const shifted = (date: string, ms: number) => new Date(Date.parse(date) + ms).toUTCString();

  beforeAll(async () => {
    asset = await uploaded('asset.png', randomBytes(500));
    const first = await raw(mediaPath(asset));
    etag = String(first.headers.etag);
    lastModified = String(first.headers['last-modified']);
  });

  it('answers 304 with no body to a matching If-None-Match', async () => {
    const response = await raw(mediaPath(asset), { 'if-none-match': etag });
    expect(response.status).toBe(304);
    expect(response.body.length).toBe(0);
  });

  it('answers 304 to If-Modified-Since equal to Last-Modified', async () => {
    const response = await raw(mediaPath(asset), { 'if-modified-since': lastModified });
    expect(response.status).toBe(304);
  });

  it('answers 304 to If-Modified-Since a day after Last-Modified', async () => {
    const response = await raw(mediaPath(asset), { 'if-modified-since': shifted(lastModified, DAY_MS) });
    expect(response.status).toBe(304);
  });

  it('answers 200 to If-Modified-Since a day before Last-Modified', async () => {
    const response = await raw(mediaPath(asset), { 'if-modified-since': shifted(lastModified, -DAY_MS) });
    expect(response.status).toBe(200);
  });

  it('answers 200 to an If-None-Match that does not match', async () => {
    const response = await raw(mediaPath(asset), { 'if-none-match': '"made-up-etag"' });
    expect(response.status).toBe(200);
  });

  it('answers 200 when If-None-Match matches but If-Modified-Since is a day before Last-Modified (both must hold)', async () => {
    const response = await raw(mediaPath(asset), {
      'if-none-match': etag,
      'if-modified-since': shifted(lastModified, -DAY_MS),
    });
    expect(response.status).toBe(200);
  });

  it('answers 200 when If-Modified-Since matches but If-None-Match does not (both must hold)', async () => {
    const response = await raw(mediaPath(asset), {
      'if-none-match': '"made-up-etag"',
      'if-modified-since': lastModified,
    });
    expect(response.status).toBe(200);
  });

  it('answers 304 when both If-None-Match and If-Modified-Since match', async () => {
    const response = await raw(mediaPath(asset), { 'if-none-match': etag, 'if-modified-since': lastModified });
    expect(response.status).toBe(304);
  });
});

describe('Range and HEAD', () => {
  const content = randomBytes(1000);
  let asset: AssetView;

  beforeAll(async () => {
    asset = await uploaded('ranged.bin', content);
  });

  it('answers bytes=0-9 with 206, its Content-Range and those ten bytes', async () => {
    const response = await media(mediaPath(asset), { headers: { range: 'bytes=0-9' } });
    expect(response.status).toBe(206);
    expect(response.headers.get('content-range')).toBe(`bytes 0-9/${content.length}`);
    expect(response.headers.get('content-length')).toBe('10');
    expect((await bytesOf(response)).equals(content.subarray(0, 10))).toBe(true);
  });

  it('answers a suffix range bytes=-5 with the last five bytes', async () => {
    const response = await media(mediaPath(asset), { headers: { range: 'bytes=-5' } });
    expect(response.status).toBe(206);
    expect(response.headers.get('content-range')).toBe(
      `bytes ${content.length - 5}-${content.length - 1}/${content.length}`,
    );
    expect((await bytesOf(response)).equals(content.subarray(content.length - 5))).toBe(true);
  });

  it('answers an open range bytes=5- with everything from byte 5', async () => {
    const response = await media(mediaPath(asset), { headers: { range: 'bytes=5-' } });
    expect(response.status).toBe(206);
    expect(response.headers.get('content-range')).toBe(`bytes 5-${content.length - 1}/${content.length}`);
    expect((await bytesOf(response)).equals(content.subarray(5))).toBe(true);
  });

  it('answers an unsatisfiable range with 416 and Content-Range bytes */<size>', async () => {
    const response = await media(mediaPath(asset), { headers: { range: 'bytes=99999999-' } });
    expect(response.status).toBe(416);
    expect(response.headers.get('content-range')).toBe(`bytes */${content.length}`);
  });

  it('answers a malformed range (bytes=abc) with 200 and the whole body', async () => {
    const response = await media(mediaPath(asset), { headers: { range: 'bytes=abc' } });
    expect(response.status).toBe(200);
    expect((await bytesOf(response)).equals(content)).toBe(true);
  });

  it('answers a range in another unit (items=0-1) with 200 and the whole body', async () => {
    const response = await media(mediaPath(asset), { headers: { range: 'items=0-1' } });
    expect(response.status).toBe(200);
    expect((await bytesOf(response)).equals(content)).toBe(true);
  });

  it('answers HEAD with the headers and Content-Length but no body', async () => {
    const response = await media(mediaPath(asset), { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe(String(content.length));
    expect(response.headers.get('etag')).toMatch(/^"[0-9a-f]+-[0-9a-f]+"$/);
    expect(response.headers.get('cache-control')).toBe('max-age=1800, public');
    expect((await bytesOf(response)).length).toBe(0);
  });

  it('answers HEAD for an unknown asset with 404', async () => {
    const response = await media('/media/1234556678895332452345/x.jpg', { method: 'HEAD' });
    expect(response.status).toBe(404);
  });
});

describe('bad input', () => {
  let asset: AssetView;

  beforeAll(async () => {
    asset = await uploaded('asset.txt', 'plain text');
  });

  it('answers 404 to an encoded path traversal in the filename and serves no other file', async () => {
    const response = await media(`/media/${asset.id}/..%2F..%2F..%2F..%2Fetc%2Fpasswd`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual(NF);
  });

  it('answers 404 to a raw path traversal in a legacy path and serves no other file', async () => {
    const response = await raw('/government/uploads/../../etc/passwd');
    expect(response.status).toBe(404);
    expect(response.body.toString()).not.toContain('root:');
  });

  it('answers 404 NF to an encoded path traversal in a legacy path', async () => {
    const response = await media('/government/uploads/..%2F..%2F..%2Fetc%2Fpasswd');
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual(NF);
  });

  it('answers 404 to a raw path traversal after a media id', async () => {
    const response = await raw(`/media/${asset.id}/../../../../etc/passwd`);
    expect(response.status).toBe(404);
    expect(response.body.toString()).not.toContain('root:');
  });

  it('answers 404 NF to a filename that is not valid UTF-8', async () => {
    const response = await media(`/media/${asset.id}/%FF.txt`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual(NF);
  });

  it('answers 404 NF to an over-long filename', async () => {
    const response = await media(`/media/${asset.id}/${'a'.repeat(4000)}.txt`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual(NF);
  });

  it('answers 404 NF to a malformed id', async () => {
    const response = await media('/media/%00..%2Fbad/asset.txt');
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual(NF);
  });

  it('answers 404 NF to a method other than GET and HEAD', async () => {
    const response = await media(mediaPath(asset), { method: 'POST' });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual(NF);
  });
});

describe('Whitehall legacy paths (#39-#41)', () => {
  it('serves an uploaded Whitehall asset with the same headers as /media (#39)', async () => {
    const content = randomBytes(300);
    const path = `${legacyFolder()}/asset.png`;
    const id = await whitehallAsset(path, content);
    await waitForState(id, 'UPLOADED');
    const response = await media(path);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(response.headers.get('cache-control')).toBe('max-age=1800, public');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('content-disposition')).toBe('inline; filename="asset.png"');
    expect((await bytesOf(response)).equals(content)).toBe(true);
  });

  it('sends the legacy ETag and Last-Modified of a Whitehall asset when they are set', async () => {
    const path = `${legacyFolder()}/legacy.pdf`;
    const id = await whitehallAsset(path, randomBytes(30), {
      legacy_etag: 'abc123-legacy',
      legacy_last_modified: '2014-01-02T03:04:05Z',
    });
    await waitForState(id, 'UPLOADED');
    const response = await media(path);
    expect(response.status).toBe(200);
    expect(response.headers.get('etag')).toBe('"abc123-legacy"');
    expect(response.headers.get('last-modified')).toBe('Thu, 02 Jan 2014 03:04:05 GMT');
  });

  it('redirects a clean, not yet uploaded Whitehall image to the thumbnail placeholder for 60 s (#40)', async () => {
    const path = `${legacyFolder()}/asset.png`;
    const id = await whitehallAsset(path, randomBytes(30));
    await waitForState(id, 'UPLOADED');
    await forceState(id, 'CLEAN');
    const response = await media(path);
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/asset-manager/thumbnail-placeholder.png');
    expect(response.headers.get('cache-control')).toBe('max-age=60, public');
  });

  it('redirects an unscanned Whitehall text file to /government/placeholder for 60 s (#40)', async () => {
    const path = `${legacyFolder()}/notes.txt`;
    const id = await whitehallAsset(path, 'some notes');
    await waitForState(id, 'UPLOADED');
    await forceState(id, 'UNSCANNED');
    const response = await media(path);
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/government/placeholder');
    expect(response.headers.get('cache-control')).toBe('max-age=60, public');
  });

  it('redirects a Whitehall asset to its redirect_url before any placeholder', async () => {
    const path = `${legacyFolder()}/moved.txt`;
    await whitehallAsset(path, 'moved', { redirect_url: 'https://www.gov.uk/moved-here' });
    const response = await media(path);
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('https://www.gov.uk/moved-here');
  });

  it('answers 404 NF for an infected Whitehall asset (#41)', async () => {
    const path = `${legacyFolder()}/asset.png`;
    const id = await whitehallAsset(path, randomBytes(30));
    await waitForState(id, 'UPLOADED');
    await forceState(id, 'INFECTED');
    const response = await media(path);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual(NF);
  });

  it('answers 404 NF for an unknown legacy path (#41)', async () => {
    const response = await media(`${legacyFolder()}/nothing-here.png`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual(NF);
  });

  it('answers 410 GONE for a deleted Whitehall asset (#41)', async () => {
    const path = `${legacyFolder()}/asset.png`;
    const id = await whitehallAsset(path, randomBytes(30));
    await waitForState(id, 'UPLOADED');
    await mutate(DELETE, { id });
    const response = await media(path);
    expect(response.status).toBe(410);
    expect(await response.json()).toEqual(GONE);
  });

  it('answers 404 NF for a legacy path without an extension, even when an asset is stored there (#41)', async () => {
    const path = `${legacyFolder()}/path/to/asset`;
    const id = await whitehallAsset(path, randomBytes(30));
    await waitForState(id, 'UPLOADED');
    const response = await media(path);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual(NF);
  });
});

describe('a client that disconnects mid-download', () => {
  const content = randomBytes(20 * 1024 * 1024);
  let asset: AssetView;
  let blobPath: string;
  /** Open descriptors of the blob before any download (none are expected). */
  let baseline: number;

  /** How many of this process's file descriptors point at the path (the server runs in this process). */
  function fdsPointingAt(path: string): number {
    let count = 0;
    for (const fd of readdirSync('/proc/self/fd')) {
      try {
        if (readlinkSync(`/proc/self/fd/${fd}`) === path) count++;
      } catch {
        // closed while we looked
      }
    }
    return count;
  }

  async function abortAfterFirstChunk(): Promise<number> {
    const controller = new AbortController();
    const response = await fetch(`${api.url}${mediaPath(asset)}`, { signal: controller.signal });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect(first.done).toBe(false);
    const openWhileDownloading = fdsPointingAt(blobPath);
    controller.abort();
    await reader.read().catch(() => undefined);
    return openWhileDownloading;
  }

  let sharedServer: { api: TestServer; editor: typeof editor };

  // These tests count open descriptors of the blob's file, so its bytes must be a file in DATA_DIR/blobs even
  // when TEST_STORAGE_URL puts the other tests' blobs in an S3 store: a server of their own on the filesystem.
  beforeAll(async () => {
    sharedServer = { api, editor };
    api = await startTestServer({ env: { ...ENV, STORAGE_URL: '' } });
    editor = await api.createUser('EDITOR');
    asset = await uploaded('large.bin', content);
    const key = sha256(content);
    blobPath = realpathSync(join(api.dataDir, 'blobs', key.slice(0, 2), key.slice(2, 4), key));
    baseline = fdsPointingAt(blobPath);
  });
  afterAll(async () => {
    await api.close();
    ({ api, editor } = sharedServer);
  });

  it('releases the file handle of the blob once the client has gone', async () => {
    const during = await abortAfterFirstChunk();
    expect(during).toBeGreaterThan(baseline);
    const after = await eventually(async () => (fdsPointingAt(blobPath) === baseline ? baseline : undefined));
    expect(after).toBe(baseline);
  });

  it('keeps answering, and serves the same file whole to the next client', async () => {
    await abortAfterFirstChunk();
    const live = await fetch(`${api.url}/healthcheck/live`);
    expect(live.status).toBe(200);
    const again = await fetch(`${api.url}${mediaPath(asset)}`);
    expect(again.status).toBe(200);
    const body = await bytesOf(again);
    expect(body.length).toBe(content.length);
    expect(sha256(body)).toBe(sha256(content));
  });

  it('leaves no file handle of the blob open after a whole download', async () => {
    const response = await fetch(`${api.url}${mediaPath(asset)}`);
    expect((await response.arrayBuffer()).byteLength).toBe(content.length);
    const after = await eventually(async () => (fdsPointingAt(blobPath) === baseline ? baseline : undefined));
    expect(after).toBe(baseline);
  });
});
