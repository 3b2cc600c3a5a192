import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, uploadAs } from './support/graphqlCalls.js';
import { eventually, startTestServerWithUser, type TestServer, type TestUser } from './support/testServer.js';

interface AuthKeyView {
  id: string;
  key: string;
  subject: string;
  description: string | null;
  validUntil: string;
  webClientUrl: string;
  desktopClientUrl: string;
  mobileClientUrl: string;
  downloadOriginal: boolean;
  downloadPreview: boolean;
  requestUpload: boolean;
  importFolderPath: string | null;
  expired: boolean;
  revoked: boolean;
  assets: { id: string }[];
  createdBy: { id: string; username: string } | null;
}

interface AuthKeyPage {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: { cursor: string; node: { key: string; expired: boolean; revoked: boolean } }[];
}

const PUBLIC_URL = 'https://assets.example.test';

const AUTH_KEY = `id key subject description validUntil webClientUrl desktopClientUrl mobileClientUrl
  downloadOriginal downloadPreview requestUpload importFolderPath expired revoked assets { id } createdBy { id username }`;
const CREATE = `mutation($input: CreateAuthKeyInput!) { createAuthKey(input: $input) { ${AUTH_KEY} } }`;
const UPDATE = `mutation($key: String!, $input: UpdateAuthKeyInput!) { updateAuthKey(key: $key, input: $input) { ${AUTH_KEY} } }`;
const REVOKE = 'mutation($keys: [String!]!) { revokeAuthKeys(keys: $keys) }';
const GET = `query($key: String!) { authKey(key: $key) { ${AUTH_KEY} } }`;
const LIST = `query($first: Int, $after: String, $includeExpired: Boolean) {
  authKeys(first: $first, after: $after, includeExpired: $includeExpired) {
    totalCount pageInfo { hasNextPage endCursor } edges { cursor node { key expired revoked } }
  }
}`;
const SHARED_LINK = 'query($key: String!) { sharedLink(key: $key) { subject } }';
const HISTORY = 'query($id: ID!) { asset(id: $id) { history { action username details } } }';

let api: TestServer;
let editor: TestUser;
beforeAll(async () => ({ api, user: editor } = await startTestServerWithUser('EDITOR', { env: { PUBLIC_URL } })));
afterAll(() => api.close());

const inADay = () => new Date(Date.now() + 24 * 3600 * 1000).toISOString();
const unknownId = () => 'Z'.repeat(22);

const uploadAsset = async (token = editor.token) => (await uploadAs(api, token, { name: 'shared.txt' })).id;

function createRaw(input: Record<string, unknown>, token = editor.token) {
  return api.graphql<{ createAuthKey: AuthKeyView }>(CREATE, { input }, { token });
}

/** A key valid for a day, sharing a fresh asset unless the input says otherwise. */
async function create(input: Record<string, unknown> = {}, token = editor.token): Promise<AuthKeyView> {
  const assetIds = 'assetIds' in input || input.requestUpload ? {} : { assetIds: [await uploadAsset()] };
  const result = await createRaw({ subject: 'For the press', validUntil: inADay(), ...assetIds, ...input }, token);
  if (!result.data?.createAuthKey) throw new Error(`createAuthKey failed: ${JSON.stringify(result.errors)}`);
  return result.data.createAuthKey;
}

function updateRaw(key: string, input: Record<string, unknown>, token = editor.token) {
  return api.graphql<{ updateAuthKey: AuthKeyView }>(UPDATE, { key, input }, { token });
}

async function update(key: string, input: Record<string, unknown>, token = editor.token): Promise<AuthKeyView> {
  const result = await updateRaw(key, input, token);
  if (!result.data?.updateAuthKey) throw new Error(`updateAuthKey failed: ${JSON.stringify(result.errors)}`);
  return result.data.updateAuthKey;
}

function revokeRaw(keys: string[], token = editor.token) {
  return api.graphql<{ revokeAuthKeys: number }>(REVOKE, { keys }, { token });
}

async function list(token: string, args: Record<string, unknown> = {}): Promise<AuthKeyPage> {
  const result = await api.graphql<{ authKeys: AuthKeyPage }>(LIST, args, { token });
  if (!result.data?.authKeys) throw new Error(`authKeys failed: ${JSON.stringify(result.errors)}`);
  return result.data.authKeys;
}

describe('createAuthKey', () => {
  it('returns a url-safe key of at least 22 characters', async () => {
    const authKey = await create();
    expect(authKey.key).toMatch(/^[A-Za-z0-9_-]{22,}$/);
  });

  it('returns the web, desktop and mobile client URLs of the key', async () => {
    const authKey = await create();
    expect(authKey.webClientUrl).toBe(`${PUBLIC_URL}?w=${authKey.key}`);
    expect(authKey.desktopClientUrl).toBe(`${PUBLIC_URL}?e=${authKey.key}`);
    expect(authKey.mobileClientUrl).toBe(`elvis://assets.example.test?w=${authKey.key}`);
  });

  it('returns the shared assets and the user who created it', async () => {
    const ids = [await uploadAsset(), await uploadAsset()];
    const authKey = await create({ assetIds: ids });
    expect(authKey.assets.map((asset) => asset.id).sort()).toEqual([...ids].sort());
    expect(authKey.createdBy).toEqual({ id: editor.id, username: editor.username });
  });

  it('gives every shared asset a SHARE history entry', async () => {
    const ids = [await uploadAsset(), await uploadAsset()];
    const authKey = await create({ assetIds: ids });
    for (const id of ids) {
      const result = await api.graphql<{ asset: { history: { action: string; username: string; details: any }[] } }>(
        HISTORY,
        { id },
        { token: editor.token },
      );
      const shares = result.data?.asset.history.filter((entry) => entry.action === 'SHARE') ?? [];
      expect(shares).toHaveLength(1);
      expect(shares[0]?.username).toBe(editor.username);
      expect(shares[0]?.details?.authKeyId).toBe(authKey.id);
    }
  });

  it('accepts a pure upload key: requestUpload with an importFolderPath and no assetIds', async () => {
    const authKey = await create({ requestUpload: true, importFolderPath: '/Uploads' });
    expect(authKey.requestUpload).toBe(true);
    expect(authKey.importFolderPath).toBe('/Uploads');
    expect(authKey.assets).toEqual([]);
  });

  it.each([
    [
      'a validUntil in the past',
      (assetId: string) => ({
        subject: 'Too late',
        validUntil: new Date(Date.now() - 60_000).toISOString(),
        assetIds: [assetId],
      }),
    ],
    ['no assetIds without requestUpload', () => ({ subject: 'Nothing', validUntil: inADay(), requestUpload: false })],
    [
      'requestUpload without importFolderPath',
      () => ({ subject: 'Send me files', validUntil: inADay(), requestUpload: true }),
    ],
    [
      'a containerId naming no asset',
      () => ({
        subject: 'Upload into',
        validUntil: inADay(),
        requestUpload: true,
        importFolderPath: '/Uploads',
        containerId: unknownId(),
      }),
    ],
    [
      'containerIds naming no asset',
      (assetId: string) => ({
        subject: 'Collections',
        validUntil: inADay(),
        assetIds: [assetId],
        containerIds: [unknownId()],
      }),
    ],
    [
      "notifyEmail 'not-an-email'",
      () => ({
        subject: 'Notify',
        validUntil: inADay(),
        requestUpload: true,
        importFolderPath: '/Uploads',
        notifyEmail: 'not-an-email',
      }),
    ],
  ])('refuses %s with BAD_USER_INPUT', async (_problem, inputWith) => {
    expect(codeOf(await createRaw(inputWith(await uploadAsset())))).toBe('BAD_USER_INPUT');
  });

  it('refuses unknown downloadPresetIds with BAD_USER_INPUT in WoodWing words', async () => {
    const presetId = unknownId();
    const result = await createRaw({
      subject: 'Renditions',
      validUntil: inADay(),
      assetIds: [await uploadAsset()],
      downloadPresetIds: [presetId],
    });
    expect(codeOf(result)).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.message).toBe(
      `You cannot share these download presets, because they don't exist or you don't have permission: ${presetId}`,
    );
  });

  it.each([
    ['subject', (assetId: string) => ({ validUntil: inADay(), assetIds: [assetId] })],
    ['validUntil', (assetId: string) => ({ subject: 'Forever', assetIds: [assetId] })],
  ])('refuses an input without %s (a GraphQL validation error)', async (_missing, inputWith) => {
    const result = await createRaw(inputWith(await uploadAsset()));
    expect(result.errors?.length).toBeGreaterThan(0);
    expect(result.data?.createAuthKey).toBeUndefined();
  });

  it('forces downloadPreview to true when downloadOriginal is true', async () => {
    const authKey = await create({ downloadOriginal: true });
    expect(authKey.downloadOriginal).toBe(true);
    expect(authKey.downloadPreview).toBe(true);
  });

  it('grants neither original nor preview when asked for an original without previews', async () => {
    const authKey = await create({ downloadOriginal: true, downloadPreview: false });
    expect(authKey.downloadOriginal).toBe(false);
    expect(authKey.downloadPreview).toBe(false);
  });

  it('refuses a VIEWER with FORBIDDEN', async () => {
    const viewer = await api.createUser('VIEWER');
    const result = await createRaw(
      { subject: 'Not mine to share', validUntil: inADay(), assetIds: [await uploadAsset()] },
      viewer.token,
    );
    expect(codeOf(result)).toBe('FORBIDDEN');
  });

  it('lets a CONTRIBUTOR share an asset it can read that someone else created', async () => {
    const contributor = await api.createUser('CONTRIBUTOR');
    const assetId = await uploadAsset(editor.token);
    const authKey = await create({ assetIds: [assetId] }, contributor.token);
    expect(authKey.assets.map((asset) => asset.id)).toEqual([assetId]);
    expect(authKey.createdBy?.id).toBe(contributor.id);
  });
});

describe('updateAuthKey', () => {
  it('changes the description', async () => {
    const authKey = await create({ description: 'before' });
    expect((await update(authKey.key, { description: 'after' })).description).toBe('after');
    const result = await api.graphql<{ authKey: AuthKeyView }>(GET, { key: authKey.key }, { token: editor.token });
    expect(result.data?.authKey.description).toBe('after');
  });

  it('leaves the fields it is not given as they are', async () => {
    const authKey = await create({ subject: 'Kept subject', downloadOriginal: true });
    const updated = await update(authKey.key, { description: 'new' });
    expect(updated.subject).toBe('Kept subject');
    expect(updated.downloadOriginal).toBe(true);
    expect(updated.validUntil).toBe(authKey.validUntil);
  });

  it.each([
    ["subject ''", { subject: '' }],
    ['validUntil null', { validUntil: null }],
  ])('refuses %s with BAD_USER_INPUT', async (_problem, input) => {
    const authKey = await create();
    expect(codeOf(await updateRaw(authKey.key, input))).toBe('BAD_USER_INPUT');
  });

  it('forces downloadOriginal to false when downloadPreview is set to false', async () => {
    const authKey = await create({ downloadOriginal: true });
    const updated = await update(authKey.key, { downloadPreview: false });
    expect(updated.downloadPreview).toBe(false);
    expect(updated.downloadOriginal).toBe(false);
  });

  it('forces downloadPreview to true when downloadOriginal is set to true', async () => {
    const authKey = await create({ downloadPreview: false });
    const updated = await update(authKey.key, { downloadOriginal: true });
    expect(updated.downloadOriginal).toBe(true);
    expect(updated.downloadPreview).toBe(true);
  });

  it('refuses an unknown key with NOT_FOUND', async () => {
    expect(codeOf(await updateRaw(`unknown-${randomUUID()}`, { description: 'x' }))).toBe('NOT_FOUND');
  });

  it("refuses another non-admin user's change with FORBIDDEN", async () => {
    const authKey = await create({ description: 'mine' });
    const stranger = await api.createUser('EDITOR');
    expect(codeOf(await updateRaw(authKey.key, { description: 'theirs' }, stranger.token))).toBe('FORBIDDEN');
  });

  it("lets an ADMIN change someone else's key", async () => {
    const authKey = await create({ description: 'mine' });
    const updated = await update(authKey.key, { description: 'by the admin' }, await api.adminToken());
    expect(updated.description).toBe('by the admin');
  });

  it('has no assetIds in UpdateAuthKeyInput', async () => {
    const result = await api.graphql<{ __type: { inputFields: { name: string }[] } }>(
      '{ __type(name: "UpdateAuthKeyInput") { inputFields { name } } }',
    );
    const names = result.data?.__type.inputFields.map((field) => field.name) ?? [];
    expect(names).toContain('description');
    expect(names).not.toContain('assetIds');
  });

  it('keeps the shared assets the same after an update', async () => {
    const ids = [await uploadAsset(), await uploadAsset()];
    const authKey = await create({ assetIds: ids });
    const updated = await update(authKey.key, { subject: 'Renamed', downloadOriginal: true });
    expect(updated.assets.map((asset) => asset.id).sort()).toEqual([...ids].sort());
  });

  it('refuses assetIds in the update input (a GraphQL validation error)', async () => {
    const authKey = await create();
    const result = await updateRaw(authKey.key, { assetIds: [await uploadAsset()] });
    expect(result.errors?.length).toBeGreaterThan(0);
    expect(result.data?.updateAuthKey).toBeUndefined();
  });
});

describe('revokeAuthKeys', () => {
  it('returns how many keys it revoked, not counting unknown ones', async () => {
    const first = await create();
    const second = await create();
    const result = await revokeRaw([first.key, second.key, `unknown-${randomUUID()}`]);
    expect(result.data?.revokeAuthKeys).toBe(2);
  });

  it('does not count keys that were already revoked', async () => {
    const first = await create();
    const second = await create();
    await revokeRaw([first.key]);
    expect((await revokeRaw([first.key, second.key])).data?.revokeAuthKeys).toBe(1);
  });

  it("refuses another non-admin user's key with FORBIDDEN and leaves it working", async () => {
    const authKey = await create();
    const stranger = await api.createUser('EDITOR');
    expect(codeOf(await revokeRaw([authKey.key], stranger.token))).toBe('FORBIDDEN');
    expect((await api.graphql(SHARED_LINK, { key: authKey.key })).errors).toBeUndefined();
  });

  it("lets an ADMIN revoke someone else's key", async () => {
    const authKey = await create();
    expect((await revokeRaw([authKey.key], await api.adminToken())).data?.revokeAuthKeys).toBe(1);
  });

  it('makes updateAuthKey on a revoked key NOT_FOUND', async () => {
    const authKey = await create();
    await revokeRaw([authKey.key]);
    expect(codeOf(await updateRaw(authKey.key, { description: 'too late' }))).toBe('NOT_FOUND');
  });

  it('makes sharedLink on a revoked key NOT_FOUND', async () => {
    const authKey = await create();
    await revokeRaw([authKey.key]);
    expect(codeOf(await api.graphql(SHARED_LINK, { key: authKey.key }))).toBe('NOT_FOUND');
  });
});

describe('authKey and authKeys', () => {
  it("show the creator's own key with its expired and revoked flags", async () => {
    const creator = await api.createUser('EDITOR');
    const authKey = await create({}, creator.token);
    const result = await api.graphql<{ authKey: AuthKeyView }>(GET, { key: authKey.key }, { token: creator.token });
    expect(result.data?.authKey).toMatchObject({ id: authKey.id, key: authKey.key, expired: false, revoked: false });
    const page = await list(creator.token);
    expect(page.totalCount).toBe(1);
    expect(page.edges.map((edge) => edge.node)).toEqual([{ key: authKey.key, expired: false, revoked: false }]);
  });

  it("let an ADMIN see everyone's keys", async () => {
    const creator = await api.createUser('EDITOR');
    const authKey = await create({}, creator.token);
    const admin = await api.adminToken();
    const result = await api.graphql<{ authKey: AuthKeyView }>(GET, { key: authKey.key }, { token: admin });
    expect(result.data?.authKey.id).toBe(authKey.id);
    const page = await list(admin, { first: 500 });
    expect(page.edges.map((edge) => edge.node.key)).toContain(authKey.key);
  });

  it("show another user none of the creator's keys", async () => {
    const creator = await api.createUser('EDITOR');
    await create({}, creator.token);
    const stranger = await api.createUser('EDITOR');
    const page = await list(stranger.token, { includeExpired: true });
    expect(page.totalCount).toBe(0);
    expect(page.edges).toEqual([]);
  });

  it("refuse another user authKey(key) of the creator's key with FORBIDDEN", async () => {
    const authKey = await create();
    const stranger = await api.createUser('EDITOR');
    expect(codeOf(await api.graphql(GET, { key: authKey.key }, { token: stranger.token }))).toBe('FORBIDDEN');
  });

  it('leave revoked keys out of authKeys unless includeExpired is true', async () => {
    const creator = await api.createUser('EDITOR');
    const kept = await create({}, creator.token);
    const revoked = await create({}, creator.token);
    await revokeRaw([revoked.key], creator.token);
    expect((await list(creator.token)).edges.map((edge) => edge.node.key)).toEqual([kept.key]);
    const all = await list(creator.token, { includeExpired: true });
    expect(all.totalCount).toBe(2);
    expect(all.edges.find((edge) => edge.node.key === revoked.key)?.node.revoked).toBe(true);
  });

  it('show an expired key as expired, listed only with includeExpired', async () => {
    const creator = await api.createUser('EDITOR');
    const authKey = await create({ validUntil: new Date(Date.now() + 1500).toISOString() }, creator.token);
    const expired = await eventually(async () => {
      const result = await api.graphql<{ authKey: AuthKeyView }>(GET, { key: authKey.key }, { token: creator.token });
      return result.data?.authKey.expired ? result.data.authKey : undefined;
    });
    expect(expired).toMatchObject({ key: authKey.key, expired: true, revoked: false });
    expect((await list(creator.token)).totalCount).toBe(0);
    const all = await list(creator.token, { includeExpired: true });
    expect(all.edges.map((edge) => edge.node)).toEqual([{ key: authKey.key, expired: true, revoked: false }]);
  });

  it("do not give another user the key through node(id) (the id is in the assets' SHARE history)", async () => {
    const authKey = await create();
    const stranger = await api.createUser('EDITOR');
    const result = await api.graphql(
      'query($id: ID!) { node(id: $id) { id ... on AuthKey { key } } }',
      {
        id: authKey.id,
      },
      { token: stranger.token },
    );
    expect(result.data?.node ?? null).toBeNull();
    expect(JSON.stringify({ data: result.data, errors: result.errors })).not.toContain(authKey.key);
  });

  it('page through authKeys with first and after, newest first', async () => {
    const creator = await api.createUser('EDITOR');
    const keys: string[] = [];
    for (let i = 0; i < 3; i += 1) keys.push((await create({ subject: `Key ${i}` }, creator.token)).key);
    const firstPage = await list(creator.token, { first: 2 });
    expect(firstPage.totalCount).toBe(3);
    expect(firstPage.pageInfo.hasNextPage).toBe(true);
    const secondPage = await list(creator.token, { first: 2, after: firstPage.pageInfo.endCursor });
    expect(secondPage.pageInfo.hasNextPage).toBe(false);
    const seen = [...firstPage.edges, ...secondPage.edges].map((edge) => edge.node.key);
    expect(seen).toEqual([...keys].reverse());
  });
});

describe('storage of keys', () => {
  it('keeps no plaintext key in any column of auth_keys', async () => {
    const authKey = await create();
    const rows = await api.sql('select * from "auth_keys"');
    expect(rows.some((row) => row.id === authKey.id)).toBe(true);
    for (const row of rows) {
      for (const value of Object.values(row)) {
        expect(String(value)).not.toContain(authKey.key);
      }
    }
  });
});
