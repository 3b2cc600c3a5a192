import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { untilUploaded, uploadAs } from './support/graphqlCalls.js';
import { startTestServer, type TestServer } from './support/testServer.js';

/*
 * Drafts and the draft-assets host over real HTTP (reference sections 2 and 5, cases #34-#38; issue 4 items 7,
 * 9 and 10): the redirect of a draft to the draft host, the JWTs of GOV.UK's authenticating proxy, the access
 * limits for logged-in users, shared-link keys, and a server with no draft host configured.
 */

const LIVE_HOST = 'assets.test';
const DRAFT_HOST = 'draft-assets.test';
const SECRET = 'test-secret';
const ENV = { DRAFT_ASSETS_HOST: DRAFT_HOST, JWT_AUTH_SECRET: SECRET, PUBLIC_URL: `http://${LIVE_HOST}` };

const NF = { _response_info: { status: 'not found' } };
const FORB = { _response_info: { status: "Forbidden. You don't have permission to access this resource." } };

const FIELDS = 'id name state draft';
const UPDATE = `mutation($id: ID!, $input: UpdateAssetInput!) { updateAsset(id: $id, input: $input) { ${FIELDS} } }`;
const CREATE_AUTH_KEY =
  'mutation($input: CreateAuthKeyInput!) { createAuthKey(input: $input) { key downloadOriginal } }';
const REVOKE = 'mutation($keys: [String!]!) { revokeAuthKeys(keys: $keys) }';

interface AssetView {
  id: string;
  name: string;
  state: string;
  draft: boolean;
}

interface User {
  id: string;
  username: string;
  token: string;
}

const mediaPath = (asset: { id: string; name: string }) => `/media/${asset.id}/${encodeURIComponent(asset.name)}`;
const inADay = () => new Date(Date.now() + 24 * 3600 * 1000).toISOString();

/** An HS256 JWT as GOV.UK's authenticating proxy makes them, valid for an hour unless told otherwise. */
function jwt(
  claims: Record<string, unknown>,
  options: { secret?: string; expiresAt?: number; alg?: string } = {},
): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: options.alg ?? 'HS256' })
    .setExpirationTime(options.expiresAt ?? Math.floor(Date.now() / 1000) + 3600)
    .sign(new TextEncoder().encode(options.secret ?? SECRET));
}

/** Helpers bound to one running server. */
function client(server: () => TestServer, uploader: () => User) {
  const upload = (name: string, content: Uint8Array | string, input: Record<string, unknown> = {}) =>
    uploadAs<AssetView>(server(), uploader().token, { name, content, input, fields: FIELDS });

  /** Uploads and waits until the asset is UPLOADED (scanning is off in tests, so that is soon). */
  async function uploaded(name: string, content: Uint8Array | string, input: Record<string, unknown> = {}) {
    const asset = await upload(name, content, input);
    await untilUploaded(server(), uploader().token, asset.id);
    return asset;
  }

  function media(
    path: string,
    options: { host?: string; token?: string; cookie?: string; headers?: Record<string, string> } = {},
  ): Promise<Response> {
    return fetch(`${server().url}${path}`, {
      headers: {
        ...(options.host ? { 'x-forwarded-host': options.host } : {}),
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...(options.cookie ? { cookie: options.cookie } : {}),
        ...options.headers,
      },
      redirect: 'manual',
    });
  }

  return { upload, uploaded, media };
}

describe('with a draft-assets host configured', () => {
  let api: TestServer;
  let editor: User;
  const { uploaded, media } = client(
    () => api,
    () => editor,
  );
  const onDraft = (path: string, options: { token?: string; cookie?: string } = {}) =>
    media(path, { host: DRAFT_HOST, ...options });

  beforeAll(async () => {
    api = await startTestServer({ env: ENV });
    editor = await api.createUser('EDITOR');
  });
  afterAll(() => api.close());

  describe('a draft asked for on the live host (#35)', () => {
    let draft: AssetView;

    beforeAll(async () => {
      draft = await uploaded('asset.png', randomBytes(64), { draft: true });
    });

    it('redirects 302 to the same path on the draft host, keeping the query', async () => {
      const response = await media(`${mediaPath(draft)}?foo=bar`, { host: LIVE_HOST });
      expect(response.status).toBe(302);
      expect(response.headers.get('location')).toBe(`http://${DRAFT_HOST}/media/${draft.id}/asset.png?foo=bar`);
    });

    it('keeps the request scheme in the redirect', async () => {
      const response = await media(mediaPath(draft), { host: LIVE_HOST, headers: { 'x-forwarded-proto': 'https' } });
      expect(response.status).toBe(302);
      expect(response.headers.get('location')).toBe(`https://${DRAFT_HOST}/media/${draft.id}/asset.png`);
    });

    it('redirects a logged-in user too, rather than serving the draft on the live host', async () => {
      const response = await media(mediaPath(draft), { host: LIVE_HOST, token: editor.token });
      expect(response.status).toBe(302);
      expect(response.headers.get('location')).toBe(`http://${DRAFT_HOST}/media/${draft.id}/asset.png`);
    });
  });

  describe('draft-access tokens on the draft host (#36)', () => {
    const content = randomBytes(128);
    let draft: AssetView;

    beforeAll(async () => {
      draft = await uploaded('asset.png', content, { draft: true, authBypassIds: ['bypass-id'] });
    });

    it('answers 401 with no token and nobody logged in', async () => {
      const response = await onDraft(mediaPath(draft));
      expect(response.status).toBe(401);
    });

    it('serves the draft for ?token= a JWT whose sub is in its authBypassIds', async () => {
      const token = await jwt({ sub: 'bypass-id' });
      const response = await onDraft(`${mediaPath(draft)}?token=${token}`);
      expect(response.status).toBe(200);
      expect(Buffer.from(await response.arrayBuffer()).equals(content)).toBe(true);
    });

    it('sends Cache-Control no-cache for a draft served on the draft host', async () => {
      const token = await jwt({ sub: 'bypass-id' });
      const response = await onDraft(`${mediaPath(draft)}?token=${token}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-cache');
    });

    it('serves the draft for the same JWT in the auth_bypass_token cookie', async () => {
      const token = await jwt({ sub: 'bypass-id' });
      const response = await onDraft(mediaPath(draft), { cookie: `auth_bypass_token=${token}` });
      expect(response.status).toBe(200);
    });

    it('serves the draft for a JWT with draft_asset_manager_access: true', async () => {
      const token = await jwt({ draft_asset_manager_access: true });
      const response = await onDraft(`${mediaPath(draft)}?token=${token}`);
      expect(response.status).toBe(200);
    });

    it('answers 401 to a JWT whose sub is not in authBypassIds', async () => {
      const token = await jwt({ sub: 'another-bypass-id' });
      const response = await onDraft(`${mediaPath(draft)}?token=${token}`);
      expect(response.status).toBe(401);
    });

    it('treats ?token=garbage as no token (401)', async () => {
      const response = await onDraft(`${mediaPath(draft)}?token=garbage`);
      expect(response.status).toBe(401);
    });

    it('treats an expired JWT as no token (401)', async () => {
      const token = await jwt({ sub: 'bypass-id' }, { expiresAt: Math.floor(Date.now() / 1000) - 60 });
      const response = await onDraft(`${mediaPath(draft)}?token=${token}`);
      expect(response.status).toBe(401);
    });

    it('treats a JWT signed with another secret as no token (401)', async () => {
      const token = await jwt({ sub: 'bypass-id' }, { secret: 'not-the-secret' });
      const response = await onDraft(`${mediaPath(draft)}?token=${token}`);
      expect(response.status).toBe(401);
    });

    it('treats an expired draft_asset_manager_access JWT as no token (401)', async () => {
      const token = await jwt({ draft_asset_manager_access: true }, { expiresAt: Math.floor(Date.now() / 1000) - 60 });
      const response = await onDraft(`${mediaPath(draft)}?token=${token}`);
      expect(response.status).toBe(401);
    });

    it('treats a JWT signed with HS512 instead of HS256 as no token (401)', async () => {
      const token = await jwt({ sub: 'bypass-id' }, { alg: 'HS512' });
      const response = await onDraft(`${mediaPath(draft)}?token=${token}`);
      expect(response.status).toBe(401);
    });

    it('does not take draft_asset_manager_access: "true" (a string) for the boolean true (401)', async () => {
      const token = await jwt({ draft_asset_manager_access: 'true' });
      const response = await onDraft(`${mediaPath(draft)}?token=${token}`);
      expect(response.status).toBe(401);
    });

    it('lets a logged-in user without a token see a draft that is not access-limited', async () => {
      const viewer = await api.createUser('VIEWER');
      const response = await onDraft(mediaPath(draft), { token: viewer.token });
      expect(response.status).toBe(200);
    });
  });

  describe('access limits on the draft host (#37)', () => {
    let draft: AssetView;
    let user1: User;
    let user2: User;
    let orgA: User;
    let orgB: User;

    beforeAll(async () => {
      user1 = await api.createUser('VIEWER');
      user2 = await api.createUser('VIEWER');
      orgA = await api.createUser('VIEWER', { organisationId: 'org-a' });
      orgB = await api.createUser('VIEWER', { organisationId: 'org-b' });
      draft = await uploaded('limited.pdf', randomBytes(64), {
        draft: true,
        accessLimitedUserIds: [user1.id],
        accessLimitedOrganisationIds: ['org-a'],
        authBypassIds: ['limited-bypass'],
      });
    });

    it('serves the draft to a listed user (Bearer), with Cache-Control no-cache', async () => {
      const response = await onDraft(mediaPath(draft), { token: user1.token });
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-cache');
    });

    it('serves the draft to a listed user logged in with the authToken cookie', async () => {
      const response = await onDraft(mediaPath(draft), { cookie: `authToken=${user1.token}` });
      expect(response.status).toBe(200);
    });

    it('answers 403 FORB to a user who is not listed', async () => {
      const response = await onDraft(mediaPath(draft), { token: user2.token });
      expect(response.status).toBe(403);
      expect(await response.json()).toEqual(FORB);
    });

    it('answers 403 FORB to a user who is not listed, logged in with the authToken cookie', async () => {
      const response = await onDraft(mediaPath(draft), { cookie: `authToken=${user2.token}` });
      expect(response.status).toBe(403);
      expect(await response.json()).toEqual(FORB);
    });

    it('serves the draft to a user of a listed organisation', async () => {
      const response = await onDraft(mediaPath(draft), { token: orgA.token });
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-cache');
    });

    it('answers 403 to a user of another organisation', async () => {
      const response = await onDraft(mediaPath(draft), { token: orgB.token });
      expect(response.status).toBe(403);
      expect(await response.json()).toEqual(FORB);
    });

    it('serves the draft to an ADMIN, who bypasses access limits', async () => {
      const response = await onDraft(mediaPath(draft), { token: await api.adminToken() });
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-cache');
    });

    it('serves the draft to a user who is not listed but brings a valid bypass token', async () => {
      const token = await jwt({ sub: 'limited-bypass' });
      const response = await onDraft(`${mediaPath(draft)}?token=${token}`, { token: user2.token });
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-cache');
    });

    it('does not open an access-limited draft for a draft_asset_manager_access JWT with nobody logged in (401)', async () => {
      const token = await jwt({ draft_asset_manager_access: true });
      const response = await onDraft(`${mediaPath(draft)}?token=${token}`);
      expect(response.status).toBe(401);
    });

    it('does not open an access-limited draft for a draft_asset_manager_access JWT to a user not listed (403)', async () => {
      const token = await jwt({ draft_asset_manager_access: true });
      const response = await onDraft(`${mediaPath(draft)}?token=${token}`, { token: user2.token });
      expect(response.status).toBe(403);
      expect(await response.json()).toEqual(FORB);
    });

    it('answers 401 to an unknown bearer token, as to nobody logged in', async () => {
      const response = await onDraft(mediaPath(draft), { token: 'bogus-token' });
      expect(response.status).toBe(401);
    });
  });

  describe('a live asset on the draft host', () => {
    const content = randomBytes(64);
    let live: AssetView;

    beforeAll(async () => {
      live = await uploaded('live.pdf', content);
    });

    it('answers 401 with no login and no token', async () => {
      const response = await onDraft(mediaPath(live));
      expect(response.status).toBe(401);
    });

    it('serves it to a logged-in user with Cache-Control no-cache', async () => {
      const viewer = await api.createUser('VIEWER');
      const response = await onDraft(mediaPath(live), { token: viewer.token });
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(Buffer.from(await response.arrayBuffer()).equals(content)).toBe(true);
    });

    it('serves it for a draft_asset_manager_access JWT', async () => {
      const token = await jwt({ draft_asset_manager_access: true });
      const response = await onDraft(`${mediaPath(live)}?token=${token}`);
      expect(response.status).toBe(200);
    });

    it('serves it publicly on the live host', async () => {
      const response = await media(mediaPath(live), { host: LIVE_HOST });
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('max-age=1800, public');
    });
  });

  describe('an unknown asset on the draft host (#38)', () => {
    it('answers 401 when nobody is logged in', async () => {
      const response = await onDraft('/media/1234556678895332452345/x.png');
      expect(response.status).toBe(401);
    });

    it('answers 404 NF to a logged-in user', async () => {
      const viewer = await api.createUser('VIEWER');
      const response = await onDraft('/media/1234556678895332452345/x.png', { token: viewer.token });
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual(NF);
    });
  });

  describe('an asset replaced by a draft (#34)', () => {
    const original = randomBytes(64);
    let asset: AssetView;
    let replacement: AssetView;

    beforeAll(async () => {
      replacement = await uploaded('replacement.pdf', randomBytes(64), { draft: true });
      asset = await uploaded('asset.png', original, { replacementId: replacement.id });
    });

    it('is served itself on the live host', async () => {
      const response = await media(mediaPath(asset), { host: LIVE_HOST });
      expect(response.status).toBe(200);
      expect(Buffer.from(await response.arrayBuffer()).equals(original)).toBe(true);
    });

    it('redirects 301 to the draft replacement on the draft host, protocol-relative', async () => {
      const response = await onDraft(mediaPath(asset), { token: editor.token });
      expect(response.status).toBe(301);
      expect(response.headers.get('location')).toBe(`//${DRAFT_HOST}/media/${replacement.id}/replacement.pdf`);
    });

    it('redirects to the replacement on the live host once the replacement is published', async () => {
      const published = await uploaded('published.pdf', randomBytes(64), { draft: true });
      const replaced = await uploaded('replaced.png', randomBytes(64), { replacementId: published.id });
      const result = await api.graphql(UPDATE, { id: published.id, input: { draft: false } }, { token: editor.token });
      expect(result.errors).toBeUndefined();
      const response = await media(mediaPath(replaced), { host: LIVE_HOST });
      expect(response.status).toBe(301);
      expect(response.headers.get('location')).toBe(`//${LIVE_HOST}/media/${published.id}/published.pdf`);
    });
  });

  describe('?authKey= on the draft host', () => {
    let draft: AssetView;

    async function createAuthKey(input: Record<string, unknown>): Promise<string> {
      const result = await api.graphql<{ createAuthKey: { key: string } }>(
        CREATE_AUTH_KEY,
        { input: { subject: 'For the press', validUntil: inADay(), ...input } },
        { token: editor.token },
      );
      if (!result.data?.createAuthKey) throw new Error(`createAuthKey failed: ${JSON.stringify(result.errors)}`);
      return result.data.createAuthKey.key;
    }

    beforeAll(async () => {
      draft = await uploaded('shared.pdf', randomBytes(64), { draft: true });
    });

    it('serves a shared draft to a holder with no login when the key allows originals', async () => {
      const key = await createAuthKey({ assetIds: [draft.id], downloadOriginal: true });
      const response = await onDraft(`${mediaPath(draft)}?authKey=${encodeURIComponent(key)}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-cache');
    });

    it('does not serve the draft for a key that does not allow originals', async () => {
      const key = await createAuthKey({ assetIds: [draft.id], downloadOriginal: false });
      const response = await onDraft(`${mediaPath(draft)}?authKey=${encodeURIComponent(key)}`);
      expect(response.status).toBe(401);
    });

    it('does not serve the draft for a revoked key', async () => {
      const key = await createAuthKey({ assetIds: [draft.id], downloadOriginal: true });
      const revoked = await api.graphql<{ revokeAuthKeys: number }>(REVOKE, { keys: [key] }, { token: editor.token });
      expect(revoked.data?.revokeAuthKeys).toBe(1);
      const response = await onDraft(`${mediaPath(draft)}?authKey=${encodeURIComponent(key)}`);
      expect(response.status).toBe(401);
    });

    it('does not serve the draft for a key that shares another asset', async () => {
      const other = await uploaded('other.pdf', randomBytes(64));
      const key = await createAuthKey({ assetIds: [other.id], downloadOriginal: true });
      const response = await onDraft(`${mediaPath(draft)}?authKey=${encodeURIComponent(key)}`);
      expect(response.status).toBe(401);
    });

    it('does not serve the draft for an unknown key', async () => {
      const response = await onDraft(`${mediaPath(draft)}?authKey=not-a-key`);
      expect(response.status).toBe(401);
    });

    it('keeps the authKey when it redirects a draft from the live host', async () => {
      const key = await createAuthKey({ assetIds: [draft.id], downloadOriginal: true });
      const query = `?authKey=${encodeURIComponent(key)}`;
      const response = await media(`${mediaPath(draft)}${query}`, { host: LIVE_HOST });
      expect(response.status).toBe(302);
      expect(response.headers.get('location')).toBe(`http://${DRAFT_HOST}${mediaPath(draft)}${query}`);
    });
  });
});

describe('without DRAFT_ASSETS_HOST configured', () => {
  let api: TestServer;
  let editor: User;
  const { uploaded, media } = client(
    () => api,
    () => editor,
  );

  beforeAll(async () => {
    api = await startTestServer();
    editor = await api.createUser('EDITOR');
  });
  afterAll(() => api.close());

  describe('a draft', () => {
    const content = randomBytes(64);
    let draft: AssetView;

    beforeAll(async () => {
      draft = await uploaded('draft.pdf', content, { draft: true });
    });

    it('is not redirected, and answers 401 with nobody logged in', async () => {
      const response = await media(mediaPath(draft));
      expect(response.status).toBe(401);
      expect(response.headers.get('location')).toBeNull();
    });

    it('is served to its creator with a Bearer token', async () => {
      const response = await media(mediaPath(draft), { token: editor.token });
      expect(response.status).toBe(200);
      expect(Buffer.from(await response.arrayBuffer()).equals(content)).toBe(true);
    });

    it('is served with Cache-Control no-cache', async () => {
      const response = await media(mediaPath(draft), { token: editor.token });
      expect(response.headers.get('cache-control')).toBe('no-cache');
    });

    it('answers 403 FORB to a user its access limits leave out', async () => {
      const listed = await api.createUser('VIEWER');
      const other = await api.createUser('VIEWER');
      const limited = await uploaded('limited.pdf', randomBytes(64), {
        draft: true,
        accessLimitedUserIds: [listed.id],
      });
      const response = await media(mediaPath(limited), { token: other.token });
      expect(response.status).toBe(403);
      expect(await response.json()).toEqual(FORB);
    });
  });

  it('serves a live asset publicly, with Cache-Control max-age=1800, public', async () => {
    const content = randomBytes(64);
    const live = await uploaded('live.pdf', content);
    const response = await media(mediaPath(live));
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('max-age=1800, public');
    expect(Buffer.from(await response.arrayBuffer()).equals(content)).toBe(true);
  });
});
