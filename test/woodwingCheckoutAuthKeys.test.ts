import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { untilUploaded, uploadFile } from './support/graphqlCalls.js';
import { startTestServer, type TestServer, type TestUser } from './support/testServer.js';
import {
  bearer,
  bodyOf,
  cookieSession,
  ENCODINGS,
  type Encoding,
  expectAnyError,
  expectError,
  type Params,
  postServices,
} from './support/woodwingCalls.js';

/*
 * WoodWing Assets' /services checkout/<id>, undocheckout/<id>, createAuthKey, updateAuthKey and
 * revokeAuthKeys (issue 7 items 7 and 8; seeds 000, 001 and 003; reference sections 4 and 5 and cases
 * 27-31, 33 and 36-42 of section 8), over real HTTP.
 */

const DAY_MS = 24 * 3600 * 1000;

let api: TestServer;
let adminToken: string;

beforeAll(async () => {
  api = await startTestServer();
  adminToken = await api.adminToken();
});
afterAll(() => api.close());

/** POSTs `params` to /services/<path> in the given encoding, with the given headers. */
function post(
  path: string,
  params: Params = {},
  encoding: Encoding = 'urlencoded',
  headers: Record<string, string> = {},
) {
  return postTo(api, path, params, encoding, headers);
}

function postTo(
  server: TestServer,
  path: string,
  params: Params,
  encoding: Encoding,
  headers: Record<string, string>,
): Promise<Response> {
  return postServices(server.url, path, params, encoding, headers);
}

/** A POST whose query string is sent exactly as written (a raw `+`, valueless `description`). */
function postRaw(pathAndQuery: string, headers: Record<string, string>) {
  return fetch(`${api.url}/services/${pathAndQuery}`, { method: 'POST', headers });
}

/** Headers of a browser session of `account`, with the csrf header or without. */
const sessionOf = (account: TestUser, withCsrf: boolean) =>
  cookieSession(api.url, account.username, account.password, withCsrf);

interface Uploaded {
  id: string;
  name: string;
  content: string;
}

/** A small text file uploaded by `token` into a folder of its own, once it is UPLOADED (unless told not to wait). */
async function uploadAsset(token: string, server = api, waitForUploaded = true): Promise<Uploaded> {
  const { id, name, content } = await uploadFile(server, token, `/wwco/${randomUUID().replaceAll('-', '')}`);
  if (waitForUploaded) await untilUploaded(server, await server.adminToken(), id);
  return { id, name, content };
}

interface AssetView {
  state: string;
  checkout: { checkedOutBy: string } | null;
}

async function assetOf(id: string, server = api): Promise<AssetView> {
  const result = await server.graphql<{ asset: AssetView }>(
    'query($id: ID!) { asset(id: $id) { state checkout { checkedOutBy } } }',
    { id },
    { token: await server.adminToken() },
  );
  if (!result.data?.asset) throw new Error(`asset failed: ${JSON.stringify(result.errors)}`);
  return result.data.asset;
}

const checkedOutByOf = async (id: string) => (await assetOf(id)).checkout?.checkedOutBy ?? null;

/** The search hit's metadata of one asset, as `token` sees it. */
async function hitMetadataOf(id: string, token: string): Promise<Record<string, unknown>> {
  const body = await bodyOf(await post('search', { q: `id:${id}` }, 'urlencoded', bearer(token)));
  const hit = body.hits?.[0];
  if (!hit) throw new Error(`no hit for ${id}: ${JSON.stringify(body)}`);
  return hit.metadata;
}

describe('POST /services/checkout/<id>', () => {
  let holder: TestUser;
  let other: TestUser;

  beforeAll(async () => {
    holder = await api.createUser('EDITOR');
    other = await api.createUser('EDITOR');
  });

  describe.each(ENCODINGS)('with the parameters in the %s', (encoding) => {
    it('download=true streams the original and checks the asset out', async () => {
      const asset = await uploadAsset(holder.token);
      const response = await post(`checkout/${asset.id}`, { download: true }, encoding, bearer(holder.token));
      expect(response.status).toBe(200);
      expect(await response.text()).toBe(asset.content);
      expect(await checkedOutByOf(asset.id)).toBe(holder.username);
    });

    it('clientId names checkedOutOnClient', async () => {
      const asset = await uploadAsset(holder.token);
      const response = await post(`checkout/${asset.id}`, { clientId: 'client-x' }, encoding, bearer(holder.token));
      expect((await bodyOf(response)).checkedOutOnClient).toBe('client-x');
    });
  });

  it('answers exactly {checkedOut: epoch ms, checkedOutBy, checkedOutOnClient} (case 27, seed 000)', async () => {
    const asset = await uploadAsset(holder.token);
    const before = Date.now();
    const response = await post(`checkout/${asset.id}`, { download: false }, 'multipart', bearer(holder.token));
    const after = Date.now();
    expect(response.status).toBe(200);
    const body = await bodyOf(response);
    expect(Object.keys(body).sort()).toEqual(['checkedOut', 'checkedOutBy', 'checkedOutOnClient']);
    expect(body.checkedOut).toBeGreaterThanOrEqual(before - 1000);
    expect(body.checkedOut).toBeLessThanOrEqual(after + 1000);
    expect(body.checkedOutBy).toBe(holder.username);
    expect(body.checkedOutOnClient).toEqual(expect.stringMatching(/.+/));
  });

  it('shows checkedOutBy in the search hit afterwards (case 27)', async () => {
    const asset = await uploadAsset(holder.token);
    await post(`checkout/${asset.id}`, {}, 'urlencoded', bearer(holder.token));
    expect((await hitMetadataOf(asset.id, other.token)).checkedOutBy).toBe(holder.username);
  });

  it('checking out again what one holds answers the same lock', async () => {
    const asset = await uploadAsset(holder.token);
    const first = await bodyOf(await post(`checkout/${asset.id}`, {}, 'urlencoded', bearer(holder.token)));
    const second = await bodyOf(await post(`checkout/${asset.id}`, {}, 'urlencoded', bearer(holder.token)));
    expect(second).toEqual(first);
  });

  it("refuses another user's checkout with 409 (case 28)", async () => {
    const asset = await uploadAsset(holder.token);
    await post(`checkout/${asset.id}`, {}, 'urlencoded', bearer(holder.token));
    await expectError(await post(`checkout/${asset.id}`, {}, 'urlencoded', bearer(other.token)), 409);
  });

  it("leaves checkedOutBy with the holder after another user's attempt (case 28)", async () => {
    const asset = await uploadAsset(holder.token);
    await post(`checkout/${asset.id}`, {}, 'urlencoded', bearer(holder.token));
    await post(`checkout/${asset.id}`, {}, 'urlencoded', bearer(other.token));
    expect((await hitMetadataOf(asset.id, holder.token)).checkedOutBy).toBe(holder.username);
  });

  it('lets another user download the original while it is checked out (case 29)', async () => {
    const asset = await uploadAsset(holder.token);
    await post(`checkout/${asset.id}`, {}, 'urlencoded', bearer(holder.token));
    const body = await bodyOf(await post('search', { q: `id:${asset.id}` }, 'urlencoded', bearer(other.token)));
    const response = await fetch(body.hits[0].originalUrl, { headers: bearer(other.token) });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(asset.content);
  });

  it('answers 404 with errorcode 404 for an unknown asset id', async () => {
    await expectError(await post('checkout/AAAAAAAAAAAAAAAAAAAAAA', {}, 'urlencoded', bearer(holder.token)), 404);
  });

  it('answers 401 without a login and checks nothing out', async () => {
    const asset = await uploadAsset(holder.token);
    await expectError(await post(`checkout/${asset.id}`), 401);
    expect(await checkedOutByOf(asset.id)).toBeNull();
  });

  it('GET answers 405 and checks nothing out', async () => {
    const asset = await uploadAsset(holder.token);
    await expectError(await fetch(`${api.url}/services/checkout/${asset.id}`, { headers: bearer(holder.token) }), 405);
    expect(await checkedOutByOf(asset.id)).toBeNull();
  });

  describe('download=true (case 31)', () => {
    it('answers the original bytes', async () => {
      const asset = await uploadAsset(holder.token);
      const response = await post(`checkout/${asset.id}?download=true`, {}, 'urlencoded', bearer(holder.token));
      expect(response.status).toBe(200);
      expect(await response.text()).toBe(asset.content);
    });

    it('sends Content-Disposition attachment with the file name', async () => {
      const asset = await uploadAsset(holder.token);
      const response = await post(`checkout/${asset.id}?download=true`, {}, 'urlencoded', bearer(holder.token));
      const disposition = response.headers.get('content-disposition') ?? '';
      expect(disposition).toMatch(/^attachment/);
      expect(disposition).toContain(asset.name);
    });

    it("sends the original's content type, not JSON", async () => {
      const asset = await uploadAsset(holder.token);
      const response = await post(`checkout/${asset.id}?download=true`, {}, 'urlencoded', bearer(holder.token));
      expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    });

    it('checks the asset out', async () => {
      const asset = await uploadAsset(holder.token);
      await post(`checkout/${asset.id}?download=true`, {}, 'urlencoded', bearer(holder.token));
      expect((await hitMetadataOf(asset.id, holder.token)).checkedOutBy).toBe(holder.username);
    });

    it('accepts download=1 (Guzzle booleans)', async () => {
      const asset = await uploadAsset(holder.token);
      const response = await post(`checkout/${asset.id}`, { download: 1 }, 'query string', bearer(holder.token));
      expect(await response.text()).toBe(asset.content);
    });

    it('answers JSON, not bytes, with download=0', async () => {
      const asset = await uploadAsset(holder.token);
      const response = await post(`checkout/${asset.id}`, { download: 0 }, 'query string', bearer(holder.token));
      expect((await bodyOf(response)).checkedOutBy).toBe(holder.username);
    });

    it("answers another user's attempt on a held asset with a JSON 409, not bytes", async () => {
      const asset = await uploadAsset(holder.token);
      await post(`checkout/${asset.id}`, {}, 'urlencoded', bearer(holder.token));
      const response = await post(`checkout/${asset.id}`, { download: true }, 'urlencoded', bearer(other.token));
      await expectError(response, 409);
    });
  });

  describe('download=true of a file that is not UPLOADED yet (scanner unreachable)', () => {
    let scanning: TestServer;
    let token: string;

    beforeAll(async () => {
      // Nothing listens on port 9 of the loopback: every upload stays UNSCANNED.
      scanning = await startTestServer({ env: { CLAMD_URL: 'tcp://127.0.0.1:9' } });
      token = await scanning.adminToken();
    });
    afterAll(() => scanning.close());

    it('answers a JSON 409 and checks nothing out', async () => {
      const asset = await uploadAsset(token, scanning, false);
      expect((await assetOf(asset.id, scanning)).state).not.toBe('UPLOADED');
      const response = await postTo(scanning, `checkout/${asset.id}`, { download: true }, 'urlencoded', bearer(token));
      await expectError(response, 409);
      expect((await assetOf(asset.id, scanning)).checkout).toBeNull();
    });
  });
});

describe('POST /services/undocheckout/<id>', () => {
  let holder: TestUser;
  let other: TestUser;

  beforeAll(async () => {
    holder = await api.createUser('EDITOR');
    other = await api.createUser('EDITOR');
  });

  async function checkedOutAsset(): Promise<Uploaded> {
    const asset = await uploadAsset(holder.token);
    const response = await post(`checkout/${asset.id}`, {}, 'urlencoded', bearer(holder.token));
    if (response.status !== 200) throw new Error(`checkout failed: ${await response.text()}`);
    return asset;
  }

  it('answers 200 with the JSON object {} (case 30)', async () => {
    const asset = await checkedOutAsset();
    const response = await post(`undocheckout/${asset.id}`, {}, 'urlencoded', bearer(holder.token));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await bodyOf(response)).toEqual({});
  });

  it('leaves no checkedOutBy, checkedOut or checkedOutOnClient keys in the search hit (case 30)', async () => {
    const asset = await checkedOutAsset();
    await post(`undocheckout/${asset.id}`, {}, 'urlencoded', bearer(holder.token));
    const metadata = await hitMetadataOf(asset.id, holder.token);
    expect(metadata).not.toHaveProperty('checkedOutBy');
    expect(metadata).not.toHaveProperty('checkedOut');
    expect(metadata).not.toHaveProperty('checkedOutOnClient');
  });

  it('lets another user check out afterwards', async () => {
    const asset = await checkedOutAsset();
    await post(`undocheckout/${asset.id}`, {}, 'urlencoded', bearer(holder.token));
    const response = await post(`checkout/${asset.id}`, {}, 'urlencoded', bearer(other.token));
    expect((await bodyOf(response)).checkedOutBy).toBe(other.username);
  });

  it('refuses another non-admin user with 403 (case 33)', async () => {
    const asset = await checkedOutAsset();
    await expectError(await post(`undocheckout/${asset.id}`, {}, 'urlencoded', bearer(other.token)), 403);
  });

  it("keeps the lock after another non-admin user's attempt (case 33)", async () => {
    const asset = await checkedOutAsset();
    await post(`undocheckout/${asset.id}`, {}, 'urlencoded', bearer(other.token));
    expect(await checkedOutByOf(asset.id)).toBe(holder.username);
  });

  it("lets an ADMIN undo another user's checkout (case 33)", async () => {
    const asset = await checkedOutAsset();
    const response = await post(`undocheckout/${asset.id}`, {}, 'urlencoded', bearer(adminToken));
    expect(response.status).toBe(200);
    expect(await bodyOf(response)).toEqual({});
    expect(await checkedOutByOf(asset.id)).toBeNull();
  });

  it('answers 404 with errorcode 404 for an unknown asset id', async () => {
    await expectError(await post('undocheckout/AAAAAAAAAAAAAAAAAAAAAA', {}, 'urlencoded', bearer(holder.token)), 404);
  });

  it('under a cookie session without X-CSRF-TOKEN answers 403 and keeps the lock', async () => {
    const asset = await checkedOutAsset();
    const headers = await sessionOf(holder, false);
    await expectError(await post(`undocheckout/${asset.id}`, {}, 'urlencoded', headers), 403);
    expect(await checkedOutByOf(asset.id)).toBe(holder.username);
  });

  it('under a cookie session with X-CSRF-TOKEN releases the lock', async () => {
    const asset = await checkedOutAsset();
    const headers = await sessionOf(holder, true);
    expect((await post(`undocheckout/${asset.id}`, {}, 'urlencoded', headers)).status).toBe(200);
    expect(await checkedOutByOf(asset.id)).toBeNull();
  });

  it('GET answers 405 and keeps the lock', async () => {
    const asset = await checkedOutAsset();
    const response = await fetch(`${api.url}/services/undocheckout/${asset.id}`, { headers: bearer(holder.token) });
    await expectError(response, 405);
    expect(await checkedOutByOf(asset.id)).toBe(holder.username);
  });
});

interface AuthKeyView {
  subject: string;
  description: string | null;
  validUntil: string;
  downloadOriginal: boolean;
  downloadPreview: boolean;
  requestApproval: boolean;
  requestUpload: boolean;
  watermarked: boolean;
  importFolderPath: string | null;
  notifyEmail: string | null;
  sort: string | null;
  revoked: boolean;
  assets: { id: string }[];
}

const AUTH_KEY = `query($key: String!) { authKey(key: $key) {
  subject description validUntil downloadOriginal downloadPreview requestApproval requestUpload watermarked
  importFolderPath notifyEmail sort revoked assets { id }
} }`;

/** The key as GraphQL shows it to its creator. */
async function authKeyOf(key: string, token: string): Promise<AuthKeyView> {
  const result = await api.graphql<{ authKey: AuthKeyView }>(AUTH_KEY, { key }, { token });
  if (!result.data?.authKey) throw new Error(`authKey failed: ${JSON.stringify(result.errors)}`);
  return result.data.authKey;
}

async function authKeyCount(token: string): Promise<number> {
  const result = await api.graphql<{ authKeys: { totalCount: number } }>(
    '{ authKeys(includeExpired: true) { totalCount } }',
    {},
    { token },
  );
  if (result.data?.authKeys === undefined) throw new Error(`authKeys failed: ${JSON.stringify(result.errors)}`);
  return result.data.authKeys.totalCount;
}

const isoDay = (date: Date) => date.toISOString().slice(0, 10);

describe('POST /services/createAuthKey', () => {
  let sharer: TestUser;
  let assetId: string;
  let otherAssetId: string;

  beforeAll(async () => {
    sharer = await api.createUser('EDITOR');
    assetId = (await uploadAsset(sharer.token)).id;
    otherAssetId = (await uploadAsset(sharer.token)).id;
  });

  /** A createAuthKey that must succeed; its body. */
  async function create(params: Params, encoding: Encoding = 'urlencoded'): Promise<any> {
    const response = await post('createAuthKey', params, encoding, bearer(sharer.token));
    const body = await bodyOf(response);
    if (response.status !== 200) throw new Error(`createAuthKey failed (${response.status}): ${JSON.stringify(body)}`);
    return body;
  }

  const inTwoDays = () => isoDay(new Date(Date.now() + 2 * DAY_MS));

  describe.each(ENCODINGS)('with the parameters in the %s', (encoding) => {
    it('creates the key with every parameter as sent', async () => {
      const body = await create(
        {
          subject: 'encoded subject',
          validUntil: '2030-01-01T00:00:00.000Z',
          assetIds: `${assetId},${otherAssetId}`,
          description: 'encoded description',
          downloadOriginal: true,
          watermarked: true,
        },
        encoding,
      );
      const stored = await authKeyOf(body.authKey, sharer.token);
      expect(stored).toMatchObject({
        subject: 'encoded subject',
        description: 'encoded description',
        validUntil: '2030-01-01T00:00:00.000Z',
        downloadOriginal: true,
        downloadPreview: true,
        watermarked: true,
      });
      expect(stored.assets.map((asset) => asset.id).sort()).toEqual([assetId, otherAssetId].sort());
    });
  });

  it('answers exactly {authKey, webClientUrl, desktopClientUrl, mobileClientUrl} for a YYYY-MM-DD validUntil (case 36)', async () => {
    const response = await post(
      'createAuthKey',
      { subject: 's', validUntil: inTwoDays(), assetIds: assetId },
      'urlencoded',
      bearer(sharer.token),
    );
    expect(response.status).toBe(200);
    const body = await bodyOf(response);
    expect(Object.keys(body).sort()).toEqual(['authKey', 'desktopClientUrl', 'mobileClientUrl', 'webClientUrl']);
    expect(body.authKey).toEqual(expect.stringMatching(/.+/));
  });

  it('gives webClientUrl ?w=<key>, desktopClientUrl ?e=<key> and mobileClientUrl elvis://…?w=<key> (case 36, seed 001)', async () => {
    const body = await create({ subject: 's', validUntil: inTwoDays(), assetIds: assetId });
    expect(body.webClientUrl).toContain(`?w=${body.authKey}`);
    expect(body.desktopClientUrl).toContain(`?e=${body.authKey}`);
    expect(body.mobileClientUrl).toMatch(/^elvis:\/\//);
    expect(body.mobileClientUrl).toContain(`?w=${body.authKey}`);
  });

  it('reads validUntil=YYYY-MM-DD as the start of that day, UTC', async () => {
    const day = inTwoDays();
    const body = await create({ subject: 's', validUntil: day, assetIds: assetId });
    expect((await authKeyOf(body.authKey, sharer.token)).validUntil).toBe(`${day}T00:00:00.000Z`);
  });

  it('reads validUntil as ISO-8601 with milliseconds and Z (case 37)', async () => {
    const body = await create({ subject: 's', validUntil: '2030-01-01T00:00:00.000Z', assetIds: assetId });
    expect((await authKeyOf(body.authKey, sharer.token)).validUntil).toBe('2030-01-01T00:00:00.000Z');
  });

  it('reads validUntil as ISO-8601 with milliseconds and a +02:00 zone', async () => {
    const body = await create({ subject: 's', validUntil: '2030-01-01T10:00:00.000+02:00', assetIds: assetId });
    expect((await authKeyOf(body.authKey, sharer.token)).validUntil).toBe('2030-01-01T08:00:00.000Z');
  });

  it('reads validUntil as ISO-8601 without seconds', async () => {
    const body = await create({ subject: 's', validUntil: '2030-01-01T10:30Z', assetIds: assetId });
    expect((await authKeyOf(body.authKey, sharer.token)).validUntil).toBe('2030-01-01T10:30:00.000Z');
  });

  it('reads validUntil as epoch milliseconds (case 37, seed 001)', async () => {
    const epoch = Date.UTC(2031, 5, 15, 12, 0, 0, 123);
    const body = await create({ subject: 's', validUntil: String(epoch), assetIds: assetId });
    expect((await authKeyOf(body.authKey, sharer.token)).validUntil).toBe(new Date(epoch).toISOString());
  });

  it.each([
    ['NOW%2B1DAY (URL-encoded)', 'NOW%2B1DAY', ' (case 37)'],
    ['NOW+1DAY with a raw + in the query string', 'NOW+1DAY', ''],
  ])('reads validUntil=%s as a day from now%s', async (_case, validUntilParam) => {
    const before = Date.now();
    const response = await postRaw(
      `createAuthKey?subject=s&validUntil=${validUntilParam}&assetIds=${assetId}`,
      bearer(sharer.token),
    );
    const after = Date.now();
    const body = await bodyOf(response);
    expect(response.status).toBe(200);
    const validUntil = Date.parse((await authKeyOf(body.authKey, sharer.token)).validUntil);
    expect(validUntil).toBeGreaterThanOrEqual(before + DAY_MS - 1000);
    expect(validUntil).toBeLessThanOrEqual(after + DAY_MS + 1000);
  });

  it('accepts the Guzzle style: 1/0 booleans, empty and valueless parameters (case 38)', async () => {
    const query =
      `createAuthKey?subject=s&validUntil=${inTwoDays()}&assetIds=&description&downloadOriginal=0&downloadPreview=0` +
      '&requestApproval=0&requestUpload=1&containerId=&containerIds=&importFolderPath=/Uploads&notifyEmail=' +
      '&sort=assetCreated-desc&downloadPresetIds=&watermarked=0';
    const response = await postRaw(query, bearer(sharer.token));
    expect(response.status).toBe(200);
    const body = await bodyOf(response);
    expect(Object.keys(body).sort()).toEqual(['authKey', 'desktopClientUrl', 'mobileClientUrl', 'webClientUrl']);
  });

  it('stores what the Guzzle-style call says: upload into /Uploads, no assets, no downloads', async () => {
    const query =
      `createAuthKey?subject=s&validUntil=${inTwoDays()}&assetIds=&description&downloadOriginal=0&downloadPreview=0` +
      '&requestApproval=0&requestUpload=1&containerId=&containerIds=&importFolderPath=/Uploads&notifyEmail=' +
      '&sort=assetCreated-desc&downloadPresetIds=&watermarked=0';
    const body = await bodyOf(await postRaw(query, bearer(sharer.token)));
    expect(await authKeyOf(body.authKey, sharer.token)).toMatchObject({
      requestUpload: true,
      importFolderPath: '/Uploads',
      assets: [],
      downloadOriginal: false,
      downloadPreview: false,
      requestApproval: false,
      watermarked: false,
      notifyEmail: null,
      description: null,
      sort: 'assetCreated-desc',
    });
  });

  it('creates a pure upload key with requestUpload=true and importFolderPath (seed 001)', async () => {
    const body = await create({
      subject: 'upload',
      validUntil: '1900000000000',
      requestUpload: true,
      importFolderPath: '/Users/x',
    });
    expect((await authKeyOf(body.authKey, sharer.token)).requestUpload).toBe(true);
  });

  it('forces downloadPreview on with downloadOriginal=true (seed 001)', async () => {
    const body = await create({
      subject: 's',
      validUntil: inTwoDays(),
      assetIds: assetId,
      downloadOriginal: 'true',
      downloadPreview: '',
    });
    expect((await authKeyOf(body.authKey, sharer.token)).downloadPreview).toBe(true);
  });

  it('reads assetIds sent as a JSON array', async () => {
    const body = await create(
      { subject: 's', validUntil: inTwoDays(), assetIds: [assetId, otherAssetId] } as never,
      'json',
    );
    const stored = await authKeyOf(body.authKey, sharer.token);
    expect(stored.assets.map((asset) => asset.id).sort()).toEqual([assetId, otherAssetId].sort());
  });

  describe('refuses (case 39)', () => {
    it.each<[string, () => Params]>([
      ['no assetIds with requestUpload=false', () => ({ subject: 's', validUntil: inTwoDays(), requestUpload: false })],
      [
        'requestUpload=true without importFolderPath',
        () => ({ subject: 's', validUntil: inTwoDays(), requestUpload: true }),
      ],
      ['a missing subject', () => ({ validUntil: inTwoDays(), assetIds: assetId })],
      ['an empty subject', () => ({ subject: '', validUntil: inTwoDays(), assetIds: assetId })],
      ['a missing validUntil', () => ({ subject: 's', assetIds: assetId })],
      ['a validUntil that is not a date', () => ({ subject: 's', validUntil: 'next tuesday', assetIds: assetId })],
      ['a validUntil in the past', () => ({ subject: 's', validUntil: '2020-01-01', assetIds: assetId })],
      [
        'an asset id that does not exist',
        () => ({ subject: 's', validUntil: inTwoDays(), assetIds: 'AAAAAAAAAAAAAAAAAAAAAA' }),
      ],
    ])('%s', async (_case, paramsOf) => {
      await expectAnyError(await post('createAuthKey', paramsOf(), 'urlencoded', bearer(sharer.token)));
    });

    it('downloadPresetIds=nope with 500 and the exact IllegalArgumentException body (seed 001)', async () => {
      const response = await post(
        'createAuthKey',
        { subject: 's', validUntil: inTwoDays(), assetIds: assetId, downloadPresetIds: 'nope' },
        'urlencoded',
        bearer(sharer.token),
      );
      expect(response.status).toBe(500);
      expect(await bodyOf(response)).toEqual({
        errorname: 'IllegalArgumentException',
        message: "You cannot share these download presets, because they don't exist or you don't have permission: nope",
        errorcode: 500,
      });
    });

    it('a refused call creates no key', async () => {
      const account = await api.createUser('EDITOR');
      const id = (await uploadAsset(account.token)).id;
      await post(
        'createAuthKey',
        { subject: 's', validUntil: inTwoDays(), assetIds: id, downloadPresetIds: 'nope' },
        'urlencoded',
        bearer(account.token),
      );
      expect(await authKeyCount(account.token)).toBe(0);
    });
  });

  describe('under a cookie session (case 42)', () => {
    it('without X-CSRF-TOKEN answers 403', async () => {
      const account = await api.createUser('EDITOR');
      const id = (await uploadAsset(account.token)).id;
      const headers = await sessionOf(account, false);
      await expectError(
        await post('createAuthKey', { subject: 's', validUntil: inTwoDays(), assetIds: id }, 'urlencoded', headers),
        403,
      );
    });

    it('without X-CSRF-TOKEN creates no key', async () => {
      const account = await api.createUser('EDITOR');
      const id = (await uploadAsset(account.token)).id;
      const headers = await sessionOf(account, false);
      await post('createAuthKey', { subject: 's', validUntil: inTwoDays(), assetIds: id }, 'urlencoded', headers);
      expect(await authKeyCount(account.token)).toBe(0);
    });

    it('with X-CSRF-TOKEN creates the key', async () => {
      const account = await api.createUser('EDITOR');
      const id = (await uploadAsset(account.token)).id;
      const headers = await sessionOf(account, true);
      const response = await post(
        'createAuthKey',
        { subject: 's', validUntil: inTwoDays(), assetIds: id },
        'multipart',
        headers,
      );
      expect(response.status).toBe(200);
      expect(await authKeyCount(account.token)).toBe(1);
    });
  });

  it('GET answers 405 and creates no key', async () => {
    const account = await api.createUser('EDITOR');
    const id = (await uploadAsset(account.token)).id;
    const response = await fetch(
      `${api.url}/services/createAuthKey?subject=s&validUntil=${inTwoDays()}&assetIds=${id}`,
      { headers: bearer(account.token) },
    );
    await expectError(response, 405);
    expect(await authKeyCount(account.token)).toBe(0);
  });
});

describe('POST /services/updateAuthKey', () => {
  let sharer: TestUser;
  let assetId: string;
  let otherAssetId: string;

  beforeAll(async () => {
    sharer = await api.createUser('EDITOR');
    assetId = (await uploadAsset(sharer.token)).id;
    otherAssetId = (await uploadAsset(sharer.token)).id;
  });

  async function newKey(): Promise<string> {
    const response = await post(
      'createAuthKey',
      { subject: 'original subject', validUntil: '2030-01-01', assetIds: assetId, description: 'before' },
      'urlencoded',
      bearer(sharer.token),
    );
    const body = await bodyOf(response);
    if (!body.authKey) throw new Error(`createAuthKey failed: ${JSON.stringify(body)}`);
    return body.authKey;
  }

  const update = (params: Params, headers: Record<string, string> = bearer(sharer.token)) =>
    post('updateAuthKey', params, 'urlencoded', headers);

  it('answers 200 {} for a description change (case 40)', async () => {
    const key = await newKey();
    const response = await update({ key, description: 'x' });
    expect(response.status).toBe(200);
    expect(await bodyOf(response)).toEqual({});
  });

  it('changes the description', async () => {
    const key = await newKey();
    await update({ key, description: 'mydescription' });
    expect((await authKeyOf(key, sharer.token)).description).toBe('mydescription');
  });

  it('leaves subject and validUntil as they were when they are not sent', async () => {
    const key = await newKey();
    await update({ key, description: 'x' });
    expect(await authKeyOf(key, sharer.token)).toMatchObject({
      subject: 'original subject',
      validUntil: '2030-01-01T00:00:00.000Z',
    });
  });

  it('changes validUntil, read as date math', async () => {
    const key = await newKey();
    const before = Date.now();
    await update({ key, validUntil: 'NOW+2DAYS' });
    const validUntil = Date.parse((await authKeyOf(key, sharer.token)).validUntil);
    expect(validUntil).toBeGreaterThanOrEqual(before + 2 * DAY_MS - 1000);
  });

  it('reads Guzzle booleans: requestUpload=1 with importFolderPath (seed 003)', async () => {
    const key = await newKey();
    const response = await post(
      'updateAuthKey',
      { key, requestUpload: 1, importFolderPath: '/Users/admin' },
      'query string',
      bearer(sharer.token),
    );
    expect(response.status).toBe(200);
    expect(await authKeyOf(key, sharer.token)).toMatchObject({ requestUpload: true, importFolderPath: '/Users/admin' });
  });

  it('refuses subject= (empty) with err(500) (case 40, seed 003)', async () => {
    const key = await newKey();
    await expectError(await update({ key, subject: '' }), 500);
  });

  it('keeps the subject when subject= is refused', async () => {
    const key = await newKey();
    await update({ key, subject: '' });
    expect((await authKeyOf(key, sharer.token)).subject).toBe('original subject');
  });

  it('refuses validUntil= (empty) with err(500) (case 40, seed 003)', async () => {
    const key = await newKey();
    await expectError(await update({ key, validUntil: '' }), 500);
  });

  it('refuses an unknown key', async () => {
    await expectAnyError(await update({ key: `unknown-${randomUUID()}`, description: 'x' }));
  });

  it('refuses a call without key', async () => {
    await expectAnyError(await update({ description: 'x' }));
  });

  it('leaves the shared assets unchanged when assetIds is sent (case 40)', async () => {
    const key = await newKey();
    await update({ key, assetIds: otherAssetId });
    expect((await authKeyOf(key, sharer.token)).assets).toEqual([{ id: assetId }]);
  });

  it('under a cookie session without X-CSRF-TOKEN answers 403 and changes nothing', async () => {
    const key = await newKey();
    const headers = await sessionOf(sharer, false);
    await expectError(await update({ key, description: 'sneaky' }, headers), 403);
    expect((await authKeyOf(key, sharer.token)).description).toBe('before');
  });
});

describe('POST /services/revokeAuthKeys', () => {
  let sharer: TestUser;
  let asset: Uploaded;

  beforeAll(async () => {
    sharer = await api.createUser('EDITOR');
    asset = await uploadAsset(sharer.token);
  });

  async function newKey(): Promise<string> {
    const response = await post(
      'createAuthKey',
      { subject: 's', validUntil: '2030-01-01', assetIds: asset.id, downloadOriginal: true },
      'urlencoded',
      bearer(sharer.token),
    );
    const body = await bodyOf(response);
    if (!body.authKey) throw new Error(`createAuthKey failed: ${JSON.stringify(body)}`);
    return body.authKey;
  }

  /** Whether the shared link opens for a holder without a login (GraphQL sharedLink). */
  async function sharedLinkOpens(key: string): Promise<boolean> {
    const result = await api.graphql<{ sharedLink: { subject: string } | null }>(
      'query($key: String!) { sharedLink(key: $key) { subject } }',
      { key },
    );
    return Boolean(result.data?.sharedLink);
  }

  it('answers 200 {} for keys=<k1>,<k2> (case 41)', async () => {
    const [k1, k2] = [await newKey(), await newKey()];
    const response = await post('revokeAuthKeys', { keys: `${k1},${k2}` }, 'urlencoded', bearer(sharer.token));
    expect(response.status).toBe(200);
    expect(await bodyOf(response)).toEqual({});
  });

  it('revokes every key listed', async () => {
    const [k1, k2] = [await newKey(), await newKey()];
    await post('revokeAuthKeys', { keys: `${k1},${k2}` }, 'multipart', bearer(sharer.token));
    const result = await api.graphql<{ authKeys: { edges: { node: { key: string; revoked: boolean } }[] } }>(
      '{ authKeys(includeExpired: true, first: 500) { edges { node { key revoked } } } }',
      {},
      { token: sharer.token },
    );
    const revoked = (result.data?.authKeys.edges ?? []).filter((edge) => [k1, k2].includes(edge.node.key));
    expect(revoked.map((edge) => edge.node.revoked)).toEqual([true, true]);
  });

  it('makes updateAuthKey on a revoked key an error (case 41)', async () => {
    const key = await newKey();
    await post('revokeAuthKeys', { keys: key }, 'urlencoded', bearer(sharer.token));
    await expectAnyError(await post('updateAuthKey', { key, description: 'x' }, 'urlencoded', bearer(sharer.token)));
  });

  it('stops the shared link from opening (case 41)', async () => {
    const key = await newKey();
    expect(await sharedLinkOpens(key)).toBe(true);
    await post('revokeAuthKeys', { keys: key }, 'urlencoded', bearer(sharer.token));
    expect(await sharedLinkOpens(key)).toBe(false);
  });

  it('answers a revoked shared link as NOT_FOUND, like an unknown one', async () => {
    const key = await newKey();
    await post('revokeAuthKeys', { keys: key }, 'urlencoded', bearer(sharer.token));
    const result = await api.graphql('query($key: String!) { sharedLink(key: $key) { subject } }', { key });
    expect(result.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('refuses a call without keys', async () => {
    await expectAnyError(await post('revokeAuthKeys', {}, 'urlencoded', bearer(sharer.token)));
  });

  it('under a cookie session without X-CSRF-TOKEN answers 403 and the key goes on working', async () => {
    const key = await newKey();
    const headers = await sessionOf(sharer, false);
    await expectError(await post('revokeAuthKeys', { keys: key }, 'urlencoded', headers), 403);
    expect(await sharedLinkOpens(key)).toBe(true);
  });

  it('GET answers 405 and the key goes on working', async () => {
    const key = await newKey();
    const response = await fetch(`${api.url}/services/revokeAuthKeys?keys=${key}`, { headers: bearer(sharer.token) });
    await expectError(response, 405);
    expect(await sharedLinkOpens(key)).toBe(true);
  });
});
