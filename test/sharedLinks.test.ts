import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, uploadAs } from './support/graphqlCalls.js';
import { eventually, startTestServerWithUser, type TestServer, type TestUser } from './support/testServer.js';

interface SharedAssetView {
  id: string;
  name: string;
  folderPath: string;
  fileUrl: string;
  history: { action: string; details: any }[];
  versions: { versionNumber: number }[];
  createdBy: { id: string } | null;
}

interface SharedLinkView {
  subject: string;
  description: string | null;
  validUntil: string;
  downloadOriginal: boolean;
  downloadPreview: boolean;
  requestApproval: boolean;
  requestUpload: boolean;
  watermarked: boolean;
  assets: SharedAssetView[];
}

const SHARED_ASSET =
  'id name folderPath fileUrl history { action details } versions { versionNumber } createdBy { id }';
const SHARED_LINK = `query($key: String!) { sharedLink(key: $key) {
  subject description validUntil downloadOriginal downloadPreview requestApproval requestUpload watermarked
  assets { ${SHARED_ASSET} }
} }`;
const CREATE = `mutation($input: CreateAuthKeyInput!) { createAuthKey(input: $input) { id key } }`;
const REVOKE = 'mutation($keys: [String!]!) { revokeAuthKeys(keys: $keys) }';
const UPLOAD_TO_LINK = `mutation($key: String!, $file: Upload!, $metadata: JSON) {
  uploadToSharedLink(key: $key, file: $file, metadata: $metadata) { id name folderPath }
}`;
const GET = `query($id: ID!) { asset(id: $id) { ${SHARED_ASSET} } }`;

const PUBLIC_URL = 'https://assets.example.test';

let api: TestServer;
let editor: TestUser;
beforeAll(async () => ({ api, user: editor } = await startTestServerWithUser('EDITOR', { env: { PUBLIC_URL } })));
afterAll(() => api.close());

const inADay = () => new Date(Date.now() + 24 * 3600 * 1000).toISOString();

const uploadAsset = async (name = 'shared.txt') => (await uploadAs(api, editor.token, { name })).id;

async function createKey(input: Record<string, unknown>): Promise<{ id: string; key: string }> {
  const result = await api.graphql<{ createAuthKey: { id: string; key: string } }>(
    CREATE,
    { input: { subject: 'For the press', validUntil: inADay(), ...input } },
    { token: editor.token },
  );
  if (!result.data?.createAuthKey) throw new Error(`createAuthKey failed: ${JSON.stringify(result.errors)}`);
  return result.data.createAuthKey;
}

/** Opens the link as a visitor would: with no login at all. */
function openRaw(key: string) {
  return api.graphql<{ sharedLink: SharedLinkView }>(SHARED_LINK, { key });
}

async function open(key: string): Promise<SharedLinkView> {
  const result = await openRaw(key);
  if (!result.data?.sharedLink) throw new Error(`sharedLink failed: ${JSON.stringify(result.errors)}`);
  return result.data.sharedLink;
}

function uploadToLink(key: string, name = 'from-the-field.txt') {
  return api.upload<{ uploadToSharedLink: { id: string; name: string; folderPath: string } }>(
    UPLOAD_TO_LINK,
    { key },
    { name, content: `sent through a link ${randomUUID()}` },
  );
}

async function getAssetCheckout(id: string): Promise<{ checkedOutBy: string } | null | undefined> {
  const result = await api.graphql<{ asset: { checkout: { checkedOutBy: string } | null } }>(
    'query($id: ID!) { asset(id: $id) { checkout { checkedOutBy } } }',
    { id },
    { token: editor.token },
  );
  return result.data?.asset.checkout;
}

async function getAsset(id: string): Promise<SharedAssetView> {
  const result = await api.graphql<{ asset: SharedAssetView }>(GET, { id }, { token: editor.token });
  if (!result.data?.asset) throw new Error(`asset failed: ${JSON.stringify(result.errors)}`);
  return result.data.asset;
}

describe('sharedLink', () => {
  it('shows subject, description, validUntil and the flags without any login', async () => {
    const validUntil = inADay();
    const { key } = await createKey({
      subject: 'Spring campaign',
      description: 'Pick your favourites',
      validUntil,
      assetIds: [await uploadAsset()],
      downloadOriginal: true,
      requestApproval: true,
      watermarked: true,
    });
    expect(await open(key)).toMatchObject({
      subject: 'Spring campaign',
      description: 'Pick your favourites',
      validUntil,
      downloadOriginal: true,
      downloadPreview: true,
      requestApproval: true,
      requestUpload: false,
      watermarked: true,
    });
  });

  it('shows the shared assets without any login', async () => {
    const ids = [await uploadAsset('one.txt'), await uploadAsset('two.txt')];
    const { key } = await createKey({ assetIds: ids });
    const link = await open(key);
    expect(link.assets.map((asset) => asset.id).sort()).toEqual([...ids].sort());
  });

  it('leaves a shared asset out once it is deleted', async () => {
    const kept = await uploadAsset('kept.txt');
    const deleted = await uploadAsset('deleted.txt');
    const { key } = await createKey({ assetIds: [kept, deleted] });
    const removal = await api.graphql(
      'mutation($id: ID!) { deleteAsset(id: $id) { id } }',
      { id: deleted },
      {
        token: editor.token,
      },
    );
    expect(removal.errors).toBeUndefined();
    expect((await open(key)).assets.map((asset) => asset.id)).toEqual([kept]);
  });

  it('hides history, versions and createdBy of the shared assets from the anonymous holder', async () => {
    const { key } = await createKey({ assetIds: [await uploadAsset()] });
    const [asset] = (await open(key)).assets;
    expect(asset?.history).toEqual([]);
    expect(asset?.versions).toEqual([]);
    expect(asset?.createdBy).toBeNull();
  });

  it('hides who holds the checkout of a shared asset from the anonymous holder', async () => {
    const id = await uploadAsset();
    await api.graphql(
      'mutation($id: ID!) { checkout(assetId: $id) { checkedOutBy } }',
      { id },
      { token: editor.token },
    );
    const { key } = await createKey({ assetIds: [id] });
    const result = await api.graphql<{ sharedLink: { assets: { checkout: unknown }[] } }>(
      'query($key: String!) { sharedLink(key: $key) { assets { checkout { checkedOutBy } } } }',
      { key },
    );
    expect(result.data?.sharedLink.assets[0]?.checkout).toBeNull();
    expect((await getAssetCheckout(id))?.checkedOutBy).toBe(editor.username);
  });

  it('gives fileUrl ?authKey=<key> when downloadOriginal is true', async () => {
    const assetId = await uploadAsset('original.txt');
    const { key } = await createKey({ assetIds: [assetId], downloadOriginal: true });
    const [asset] = (await open(key)).assets;
    expect(asset?.fileUrl).toBe(`${PUBLIC_URL}/media/${assetId}/original.txt?authKey=${encodeURIComponent(key)}`);
  });

  it('gives fileUrl no authKey when downloadOriginal is false', async () => {
    const assetId = await uploadAsset('preview-only.txt');
    const { key } = await createKey({ assetIds: [assetId], downloadOriginal: false, downloadPreview: true });
    const [asset] = (await open(key)).assets;
    expect(asset?.fileUrl).toBe(`${PUBLIC_URL}/media/${assetId}/preview-only.txt`);
    expect(asset?.fileUrl).not.toContain('authKey');
  });

  it('answers an unknown, an expired and a revoked key alike with the same NOT_FOUND', async () => {
    const expiring = await createKey({
      assetIds: [await uploadAsset()],
      validUntil: new Date(Date.now() + 1500).toISOString(),
    });
    const revoked = await createKey({ assetIds: [await uploadAsset()] });
    await api.graphql(REVOKE, { keys: [revoked.key] }, { token: editor.token });

    const unknownResult = await openRaw(`unknown-${randomUUID()}`);
    const revokedResult = await openRaw(revoked.key);
    const expiredResult = await eventually(async () => {
      const result = await openRaw(expiring.key);
      return result.errors ? result : undefined;
    });

    expect(codeOf(unknownResult)).toBe('NOT_FOUND');
    expect(codeOf(revokedResult)).toBe('NOT_FOUND');
    expect(codeOf(expiredResult)).toBe('NOT_FOUND');
    expect(revokedResult.errors?.[0]?.message).toBe(unknownResult.errors?.[0]?.message);
    expect(expiredResult.errors?.[0]?.message).toBe(unknownResult.errors?.[0]?.message);
  });

  it("shows the current content of a shared container: a file uploaded into it through a link's containerId", async () => {
    const containerId = await uploadAsset('collection.txt');
    const dropBox = await createKey({ requestUpload: true, importFolderPath: '/Uploads/collection', containerId });
    const uploaded = await uploadToLink(dropBox.key, 'added-later.txt');
    const uploadedId = uploaded.data?.uploadToSharedLink.id;
    expect(uploadedId, JSON.stringify(uploaded.errors)).toBeDefined();

    const { key } = await createKey({ assetIds: [containerId], containerIds: [containerId] });
    expect((await open(key)).assets.map((asset) => asset.id)).toContain(uploadedId);
  });
});

describe('uploadToSharedLink', () => {
  it("puts the file into the key's importFolderPath", async () => {
    const folder = `/Uploads/${randomUUID()}`;
    const { key } = await createKey({ requestUpload: true, importFolderPath: folder });
    const result = await uploadToLink(key, 'field-photo.txt');
    expect(result.errors).toBeUndefined();
    expect(result.data?.uploadToSharedLink).toMatchObject({ name: 'field-photo.txt', folderPath: folder });
  });

  it("records the key's id in the CREATE history entry and lets the key's creator see the asset", async () => {
    const authKey = await createKey({ requestUpload: true, importFolderPath: '/Uploads' });
    const result = await uploadToLink(authKey.key);
    const id = result.data?.uploadToSharedLink.id;
    if (!id) throw new Error(`uploadToSharedLink failed: ${JSON.stringify(result.errors)}`);
    const asset = await getAsset(id);
    expect(asset.createdBy?.id).toBe(editor.id);
    const create = asset.history.find((entry) => entry.action === 'CREATE');
    expect(create?.details?.authKeyId).toBe(authKey.id);
  });

  it('refuses a key without requestUpload with FORBIDDEN', async () => {
    const { key } = await createKey({ assetIds: [await uploadAsset()] });
    expect(codeOf(await uploadToLink(key))).toBe('FORBIDDEN');
  });

  it('refuses a revoked key with NOT_FOUND', async () => {
    const { key } = await createKey({ requestUpload: true, importFolderPath: '/Uploads' });
    await api.graphql(REVOKE, { keys: [key] }, { token: editor.token });
    expect(codeOf(await uploadToLink(key))).toBe('NOT_FOUND');
  });
});
