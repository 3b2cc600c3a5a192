import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, uploadAs } from './support/graphqlCalls.js';
import { eventually, startTestServerWithUser, type TestServer } from './support/testServer.js';

interface User {
  id: string;
  username: string;
  token: string;
}

interface CheckoutView {
  checkedOut: string;
  checkedOutBy: string;
  checkedOutOnClient: string;
}

interface AssetView {
  id: string;
  name: string;
  folderPath: string;
  state: string;
  sha256: string;
  versionNumber: number;
  metadata: Record<string, unknown>;
  checkout: CheckoutView | null;
  versions: { versionNumber: number; sha256: string }[];
  history: { action: string; username: string | null; versionNumber: number | null; details: any }[];
}

const LOCK = 'checkedOut checkedOutBy checkedOutOnClient';
const ASSET = `id name folderPath state sha256 versionNumber metadata checkout { ${LOCK} }
  versions { versionNumber sha256 } history { action username versionNumber details }`;

const CHECKOUT = `mutation($assetId: ID!, $client: String) { checkout(assetId: $assetId, client: $client) { ${LOCK} } }`;
const UNDO = `mutation($assetId: ID!) { undoCheckout(assetId: $assetId) { ${ASSET} } }`;
const CHECKIN = `mutation($assetId: ID!, $file: Upload!, $keepCheckout: Boolean) {
  checkin(assetId: $assetId, file: $file, keepCheckout: $keepCheckout) { ${ASSET} }
}`;
const REPLACE = `mutation($id: ID!, $file: Upload!) { replaceAssetFile(id: $id, file: $file) { ${ASSET} } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateAssetInput!) { updateAsset(id: $id, input: $input) { ${ASSET} } }`;
const DELETE = `mutation($id: ID!) { deleteAsset(id: $id) { ${ASSET} } }`;
const GET = `query($id: ID!) { asset(id: $id) { ${ASSET} } }`;
const CREATE_AUTH_KEY = `mutation($input: CreateAuthKeyInput!) { createAuthKey(input: $input) { key assets { id } } }`;

let api: TestServer;
let holder: User;
let other: User;

beforeAll(async () => {
  ({ api, user: holder } = await startTestServerWithUser('EDITOR'));
  other = await api.createUser('EDITOR');
});
afterAll(() => api.close());

const sha256 = (content: string) => createHash('sha256').update(content).digest('hex');
const inADay = () => new Date(Date.now() + 24 * 3600 * 1000).toISOString();

const upload = (token = holder.token, name = 'poster.txt', content = `poster ${randomUUID()}`) =>
  uploadAs<AssetView>(api, token, { name, content, fields: ASSET });

function checkoutRaw(assetId: string, token: string, client?: string) {
  return api.graphql<{ checkout: CheckoutView }>(CHECKOUT, { assetId, client }, { token });
}

async function checkout(assetId: string, token = holder.token, client?: string): Promise<CheckoutView> {
  const result = await checkoutRaw(assetId, token, client);
  if (!result.data?.checkout) throw new Error(`checkout failed: ${JSON.stringify(result.errors)}`);
  return result.data.checkout;
}

function checkinRaw(assetId: string, token: string, file = { name: 'new.txt', content: 'v2' }, keepCheckout?: boolean) {
  return api.upload<{ checkin: AssetView }>(CHECKIN, { assetId, keepCheckout }, file, { token });
}

async function checkin(
  assetId: string,
  token = holder.token,
  file = { name: 'new.txt', content: `v2 ${randomUUID()}` },
  keepCheckout?: boolean,
): Promise<AssetView> {
  const result = await checkinRaw(assetId, token, file, keepCheckout);
  if (!result.data?.checkin) throw new Error(`checkin failed: ${JSON.stringify(result.errors)}`);
  return result.data.checkin;
}

async function getAsset(id: string, token = holder.token): Promise<AssetView> {
  const result = await api.graphql<{ asset: AssetView }>(GET, { id }, { token });
  if (!result.data?.asset) throw new Error(`asset failed: ${JSON.stringify(result.errors)}`);
  return result.data.asset;
}

/** Creates a user with a known password and logs it in with the given clientId. */
async function loginWithClientId(clientId: string): Promise<User> {
  const username = `client-${randomUUID().slice(0, 8)}`;
  const password = 'client-password-long';
  const created = await api.graphql<{ createUser: { id: string } }>(
    'mutation($input: CreateUserInput!) { createUser(input: $input) { id } }',
    { input: { username, password, role: 'EDITOR' } },
    { token: await api.adminToken() },
  );
  if (!created.data?.createUser) throw new Error(`createUser failed: ${JSON.stringify(created.errors)}`);
  const login = await api.graphql<{ login: { token: string } }>(
    'mutation($u: String!, $p: String!, $c: String) { login(username: $u, password: $p, clientId: $c) { token } }',
    { u: username, p: password, c: clientId },
  );
  if (!login.data?.login) throw new Error(`login failed: ${JSON.stringify(login.errors)}`);
  return { id: created.data.createUser.id, username, token: login.data.login.token };
}

describe('checkout', () => {
  it('returns the lock: when (an ISO date of now), by whom (the username) and on which client', async () => {
    const asset = await upload();
    const before = Date.now();
    const lock = await checkout(asset.id, holder.token, 'indesign');
    const after = Date.now();
    expect(lock.checkedOut).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    expect(Date.parse(lock.checkedOut)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(lock.checkedOut)).toBeLessThanOrEqual(after + 1000);
    expect(lock.checkedOutBy).toBe(holder.username);
    expect(lock.checkedOutOnClient).toBe('indesign');
  });

  it('names the clientId given at login when the request names no client', async () => {
    const user = await loginWithClientId('myclient');
    const asset = await upload(user.token);
    const lock = await checkout(asset.id, user.token);
    expect(lock.checkedOutOnClient).toBe('myclient');
  });

  it('prefers the client argument over the clientId given at login', async () => {
    const user = await loginWithClientId('myclient');
    const asset = await upload(user.token);
    const lock = await checkout(asset.id, user.token, 'photoshop');
    expect(lock.checkedOutOnClient).toBe('photoshop');
  });

  it("names the client 'graphql' when neither the request nor the login names one", async () => {
    const asset = await upload();
    const lock = await checkout(asset.id);
    expect(lock.checkedOutOnClient).toBe('graphql');
  });

  it('shows the lock on Asset.checkout', async () => {
    const asset = await upload();
    const lock = await checkout(asset.id, holder.token, 'indesign');
    expect((await getAsset(asset.id)).checkout).toEqual(lock);
  });

  it('shows the lock on Asset.checkout to other users too', async () => {
    const asset = await upload();
    const lock = await checkout(asset.id);
    expect((await getAsset(asset.id, other.token)).checkout).toEqual(lock);
  });

  it('records CHECKOUT in the history with the user and the version', async () => {
    const asset = await upload();
    await checkout(asset.id);
    const entries = (await getAsset(asset.id)).history.filter((entry) => entry.action === 'CHECKOUT');
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ username: holder.username, versionNumber: asset.versionNumber });
  });

  it('gives the same user checking out again the same lock back, unchanged', async () => {
    const asset = await upload();
    const first = await checkout(asset.id, holder.token, 'indesign');
    await eventually(async () => (Date.now() > Date.parse(first.checkedOut) + 5 ? true : undefined));
    const second = await checkout(asset.id, holder.token, 'photoshop');
    expect(second).toEqual(first);
  });

  it('refuses another user with CONFLICT naming the holder and the time since when', async () => {
    const asset = await upload();
    const lock = await checkout(asset.id);
    const result = await checkoutRaw(asset.id, other.token);
    expect(codeOf(result)).toBe('CONFLICT');
    expect(result.errors?.[0]?.message).toContain(holder.username);
    expect(result.errors?.[0]?.message).toContain(lock.checkedOut);
  });

  it("keeps the first user's lock when another user's checkout is refused", async () => {
    const asset = await upload();
    const lock = await checkout(asset.id);
    await checkoutRaw(asset.id, other.token);
    expect((await getAsset(asset.id)).checkout).toEqual(lock);
  });

  it.each([
    ['an unknown', 'A'.repeat(22), 'NOT_FOUND'],
    ['a malformed', 'not an id', 'BAD_USER_INPUT'],
  ])('refuses %s asset id with %s', async (_kind, assetId, code) => {
    expect(codeOf(await checkoutRaw(assetId, holder.token))).toBe(code);
  });

  it('refuses a VIEWER with FORBIDDEN', async () => {
    const asset = await upload();
    const viewer = await api.createUser('VIEWER');
    expect(codeOf(await checkoutRaw(asset.id, viewer.token))).toBe('FORBIDDEN');
  });

  it('refuses an anonymous request with UNAUTHENTICATED', async () => {
    const asset = await upload();
    const result = await api.graphql(CHECKOUT, { assetId: asset.id });
    expect(codeOf(result)).toBe('UNAUTHENTICATED');
  });

  it('lets exactly one of 20 EDITORs racing for the lock win; the other 19 get CONFLICT', async () => {
    const racers = await Promise.all(Array.from({ length: 20 }, () => api.createUser('EDITOR')));
    const asset = await upload();
    const results = await Promise.all(racers.map((racer) => checkoutRaw(asset.id, racer.token)));
    const winners = results.flatMap((result, index) => (result.data?.checkout ? [racers[index] as User] : []));
    const conflicts = results.filter((result) => result.errors && codeOf(result) === 'CONFLICT');
    expect(winners).toHaveLength(1);
    expect(conflicts).toHaveLength(19);
    expect((await getAsset(asset.id)).checkout?.checkedOutBy).toBe(winners[0]?.username);
  });
});

describe('while an asset is checked out', () => {
  async function lockedAsset(): Promise<AssetView> {
    const asset = await upload();
    await checkout(asset.id);
    return asset;
  }

  it.each([
    ['replaceAssetFile', (id: string) => api.upload(REPLACE, { id }, { name: 'other.txt', content: 'x' }, other)],
    ['deleteAsset', (id: string) => api.graphql(DELETE, { id }, other)],
    ['checkin', (id: string) => checkinRaw(id, other.token)],
  ])("refuses another EDITOR's %s with CONFLICT", async (_mutation, change) => {
    const asset = await lockedAsset();
    expect(codeOf(await change(asset.id))).toBe('CONFLICT');
  });

  it.each([
    ['metadata', { metadata: { headline: 'changed' } }],
    ['rename', { name: 'renamed.txt' }],
    ['move', { folderPath: '/elsewhere' }],
  ])("refuses another EDITOR's updateAsset (%s) with CONFLICT", async (_kind, input) => {
    const asset = await lockedAsset();
    const result = await api.graphql(UPDATE, { id: asset.id, input }, { token: other.token });
    expect(codeOf(result)).toBe('CONFLICT');
  });

  it("leaves the asset unchanged when another EDITOR's updateAsset is refused", async () => {
    const asset = await lockedAsset();
    await api.graphql(UPDATE, { id: asset.id, input: { name: 'renamed.txt' } }, { token: other.token });
    expect((await getAsset(asset.id)).name).toBe(asset.name);
  });

  it('still lets another user read the asset', async () => {
    const asset = await lockedAsset();
    expect((await getAsset(asset.id, other.token)).id).toBe(asset.id);
  });

  it('still lets another user share the asset with createAuthKey', async () => {
    const asset = await lockedAsset();
    const result = await api.graphql<{ createAuthKey: { key: string; assets: { id: string }[] } }>(
      CREATE_AUTH_KEY,
      { input: { subject: 'locked but shared', validUntil: inADay(), assetIds: [asset.id] } },
      { token: other.token },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.createAuthKey.assets.map((shared) => shared.id)).toEqual([asset.id]);
  });

  it('lets the holder update it', async () => {
    const asset = await lockedAsset();
    const result = await api.graphql<{ updateAsset: AssetView }>(
      UPDATE,
      { id: asset.id, input: { metadata: { headline: 'by the holder' } } },
      { token: holder.token },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.updateAsset.metadata).toMatchObject({ headline: 'by the holder' });
  });
});

describe('undoCheckout', () => {
  it('by the holder releases the lock', async () => {
    const asset = await upload();
    await checkout(asset.id);
    const result = await api.graphql<{ undoCheckout: AssetView }>(UNDO, { assetId: asset.id }, { token: holder.token });
    expect(result.data?.undoCheckout.checkout).toBeNull();
    expect((await getAsset(asset.id)).checkout).toBeNull();
  });

  it('records UNDO_CHECKOUT in the history', async () => {
    const asset = await upload();
    await checkout(asset.id);
    await api.graphql(UNDO, { assetId: asset.id }, { token: holder.token });
    const entries = (await getAsset(asset.id)).history.filter((entry) => entry.action === 'UNDO_CHECKOUT');
    expect(entries).toHaveLength(1);
    expect(entries[0]?.username).toBe(holder.username);
  });

  it("by an ADMIN releases someone else's lock", async () => {
    const asset = await upload();
    await checkout(asset.id);
    const result = await api.graphql<{ undoCheckout: AssetView }>(
      UNDO,
      { assetId: asset.id },
      { token: await api.adminToken() },
    );
    expect(result.errors).toBeUndefined();
    expect((await getAsset(asset.id)).checkout).toBeNull();
  });

  it('lets another user check out once the lock is undone', async () => {
    const asset = await upload();
    await checkout(asset.id);
    await api.graphql(UNDO, { assetId: asset.id }, { token: holder.token });
    expect((await checkout(asset.id, other.token)).checkedOutBy).toBe(other.username);
  });

  it('by another non-admin user is FORBIDDEN and keeps the lock', async () => {
    const asset = await upload();
    const lock = await checkout(asset.id);
    const result = await api.graphql(UNDO, { assetId: asset.id }, { token: other.token });
    expect(codeOf(result)).toBe('FORBIDDEN');
    expect((await getAsset(asset.id)).checkout).toEqual(lock);
  });
});

describe('checkin', () => {
  it('stores the file as the next version', async () => {
    const asset = await upload();
    await checkout(asset.id);
    const content = `second version ${randomUUID()}`;
    const checkedIn = await checkin(asset.id, holder.token, { name: 'poster.txt', content });
    expect(checkedIn.versionNumber).toBe(asset.versionNumber + 1);
    expect(checkedIn.sha256).toBe(sha256(content));
  });

  it("adds one AssetVersion and keeps the previous version's sha256 listed", async () => {
    const asset = await upload();
    await checkout(asset.id);
    const checkedIn = await checkin(asset.id);
    expect(checkedIn.versions).toHaveLength(asset.versions.length + 1);
    expect(checkedIn.versions.map((version) => version.sha256)).toContain(asset.sha256);
    expect(checkedIn.versions.map((version) => version.versionNumber)).toContain(asset.versionNumber + 1);
  });

  it('puts the asset back to UNSCANNED, then UPLOADED once scanned', async () => {
    const asset = await upload();
    await checkout(asset.id);
    const checkedIn = await checkin(asset.id);
    expect(checkedIn.state).toBe('UNSCANNED');
    const scanned = await eventually(async () => {
      const current = await getAsset(asset.id);
      return current.state === 'UPLOADED' ? current : undefined;
    });
    expect(scanned.versionNumber).toBe(asset.versionNumber + 1);
  });

  it('releases the lock', async () => {
    const asset = await upload();
    await checkout(asset.id);
    expect((await checkin(asset.id)).checkout).toBeNull();
    expect((await getAsset(asset.id)).checkout).toBeNull();
  });

  it('records CHECKIN in the history with the new version', async () => {
    const asset = await upload();
    await checkout(asset.id);
    await checkin(asset.id);
    const entries = (await getAsset(asset.id)).history.filter((entry) => entry.action === 'CHECKIN');
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ username: holder.username, versionNumber: asset.versionNumber + 1 });
  });

  it('keeps the lock with keepCheckout: true', async () => {
    const asset = await upload();
    const lock = await checkout(asset.id);
    const checkedIn = await checkin(asset.id, holder.token, { name: 'poster.txt', content: 'kept' }, true);
    expect(checkedIn.checkout?.checkedOutBy).toBe(holder.username);
    expect((await getAsset(asset.id)).checkout).toEqual(lock);
  });

  it('keeps the asset name when the uploaded file has another name', async () => {
    const asset = await upload(holder.token, 'original-name.txt');
    await checkout(asset.id);
    const checkedIn = await checkin(asset.id, holder.token, { name: 'something-else.pdf', content: 'v2' });
    expect(checkedIn.name).toBe('original-name.txt');
    expect((await getAsset(asset.id)).name).toBe('original-name.txt');
  });

  it('by a user who does not hold the lock is a CONFLICT', async () => {
    const asset = await upload();
    await checkout(asset.id);
    expect(codeOf(await checkinRaw(asset.id, other.token))).toBe('CONFLICT');
    expect((await getAsset(asset.id)).versionNumber).toBe(asset.versionNumber);
  });

  it('on an asset that is not checked out is a CONFLICT', async () => {
    const asset = await upload();
    expect(codeOf(await checkinRaw(asset.id, holder.token))).toBe('CONFLICT');
    expect((await getAsset(asset.id)).versionNumber).toBe(asset.versionNumber);
  });
});
