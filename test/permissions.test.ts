import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assetCount, codeOf, freshFolder as freshFolderUnder, uploadAs } from './support/graphqlCalls.js';
import { type GraphqlResponse, startTestServer, type TestServer } from './support/testServer.js';

interface AssetView {
  id: string;
  name: string;
  folderPath: string;
  metadata: Record<string, unknown>;
  deleted: boolean;
  draft: boolean;
  versionNumber: number;
  replacement: { id: string } | null;
  createdBy: { id: string } | null;
}

type User = { id: string; username: string; token: string };

const ASSET = 'id name folderPath metadata deleted draft versionNumber replacement { id } createdBy { id }';
const UPLOAD = `mutation($file: Upload!, $input: UploadAssetInput) { uploadAsset(file: $file, input: $input) { ${ASSET} } }`;
const REPLACE = `mutation($id: ID!, $file: Upload!) { replaceAssetFile(id: $id, file: $file) { ${ASSET} } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateAssetInput!) { updateAsset(id: $id, input: $input) { ${ASSET} } }`;
const DELETE = `mutation($id: ID!) { deleteAsset(id: $id) { ${ASSET} } }`;
const RESTORE = `mutation($id: ID!) { restoreAsset(id: $id) { ${ASSET} } }`;
const GET = `query($id: ID!) { asset(id: $id) { ${ASSET} } }`;
const LIST = `query($folderPath: String, $includeDeleted: Boolean) {
  assets(first: 500, folderPath: $folderPath, includeDeleted: $includeDeleted) { totalCount edges { node { id } } }
}`;

let api: TestServer;
let admin: string;
let contributor: User;
let otherContributor: User;
let viewer: User;
let editor: User;
let adminUser: User;

beforeAll(async () => {
  api = await startTestServer();
  admin = await api.adminToken();
  [contributor, otherContributor, viewer, editor, adminUser] = await Promise.all([
    api.createUser('CONTRIBUTOR'),
    api.createUser('CONTRIBUTOR'),
    api.createUser('VIEWER'),
    api.createUser('EDITOR'),
    api.createUser('ADMIN'),
  ]);
});
afterAll(() => api.close());

const freshFolder = () => freshFolderUnder('/permissions');

const upload = (token: string, input: Record<string, unknown> = {}, name = 'file.txt') =>
  uploadAs<AssetView>(api, token, { name, input, fields: ASSET });

function replace(token: string | undefined, id: string): Promise<GraphqlResponse<{ replaceAssetFile: AssetView }>> {
  return api.upload(REPLACE, { id }, { name: 'replacement.txt', content: `new ${randomUUID()}` }, { token });
}

async function readAs(token: string, id: string): Promise<AssetView> {
  const result = await api.graphql<{ asset: AssetView }>(GET, { id }, { token });
  if (!result.data?.asset) throw new Error(`asset failed: ${JSON.stringify(result.errors)}`);
  return result.data.asset;
}

async function listing(token: string, folderPath: string): Promise<{ totalCount: number; ids: string[] }> {
  const result = await api.graphql<{ assets: { totalCount: number; edges: { node: { id: string } }[] } }>(
    LIST,
    { folderPath },
    { token },
  );
  if (!result.data?.assets) throw new Error(`assets failed: ${JSON.stringify(result.errors)}`);
  return { totalCount: result.data.assets.totalCount, ids: result.data.assets.edges.map((edge) => edge.node.id) };
}

const totalAssetCount = () => assetCount(api, admin);

/** The mutations that change an existing asset, each as a request by the given token. */
const changes: [string, (token: string | undefined, id: string) => Promise<GraphqlResponse<unknown>>][] = [
  ['updateAsset', (token, id) => api.graphql(UPDATE, { id, input: { metadata: { touched: true } } }, { token })],
  ['deleteAsset', (token, id) => api.graphql(DELETE, { id }, { token })],
  ['restoreAsset', (token, id) => api.graphql(RESTORE, { id }, { token })],
  ['replaceAssetFile', replace],
];

describe('anonymous requests', () => {
  it('are refused asset(id) with UNAUTHENTICATED', async () => {
    const asset = await upload(contributor.token);
    const result = await api.graphql(GET, { id: asset.id });
    expect(codeOf(result)).toBe('UNAUTHENTICATED');
    expect(result.data?.asset ?? null).toBeNull();
  });

  it('are refused the assets listing with UNAUTHENTICATED', async () => {
    const result = await api.graphql(LIST, {});
    expect(codeOf(result)).toBe('UNAUTHENTICATED');
  });

  it('are refused uploadAsset with UNAUTHENTICATED, and nothing is stored', async () => {
    const before = await totalAssetCount();
    const result = await api.upload(UPLOAD, {}, { name: 'anon.txt', content: 'x' });
    expect(codeOf(result)).toBe('UNAUTHENTICATED');
    expect(await totalAssetCount()).toBe(before);
  });

  it.each(changes)('are refused %s with UNAUTHENTICATED', async (_name, change) => {
    const asset = await upload(contributor.token);
    expect(codeOf(await change(undefined, asset.id))).toBe('UNAUTHENTICATED');
    expect(await readAs(admin, asset.id)).toEqual(asset);
  });

  it('are refused with UNAUTHENTICATED when the bearer token is not a real one', async () => {
    const result = await api.graphql(LIST, {}, { token: 'not-a-token' });
    expect(codeOf(result)).toBe('UNAUTHENTICATED');
  });
});

describe('VIEWER', () => {
  it('reads an asset by id', async () => {
    const asset = await upload(contributor.token);
    expect((await readAs(viewer.token, asset.id)).id).toBe(asset.id);
  });

  it('sees assets in the listing', async () => {
    const folderPath = freshFolder();
    const asset = await upload(contributor.token, { folderPath });
    expect(await listing(viewer.token, folderPath)).toEqual({ totalCount: 1, ids: [asset.id] });
  });

  it('is refused uploadAsset with FORBIDDEN, and nothing is stored', async () => {
    const before = await totalAssetCount();
    const result = await api.upload(UPLOAD, {}, { name: 'viewer.txt', content: 'x' }, { token: viewer.token });
    expect(codeOf(result)).toBe('FORBIDDEN');
    expect(await totalAssetCount()).toBe(before);
  });

  it.each(changes)('is refused %s with FORBIDDEN, and the asset stays as it was', async (_name, change) => {
    const asset = await upload(contributor.token);
    expect(codeOf(await change(viewer.token, asset.id))).toBe('FORBIDDEN');
    expect(await readAs(admin, asset.id)).toEqual(asset);
  });
});

describe('CONTRIBUTOR', () => {
  it('uploads an asset, recorded as its creator', async () => {
    const asset = await upload(contributor.token);
    expect(asset.createdBy?.id).toBe(contributor.id);
  });

  it('updates its own asset', async () => {
    const asset = await upload(contributor.token);
    const result = await api.graphql<{ updateAsset: AssetView }>(
      UPDATE,
      { id: asset.id, input: { metadata: { title: 'Mine' } } },
      { token: contributor.token },
    );
    expect(result.data?.updateAsset.metadata).toEqual({ title: 'Mine' });
  });

  it('deletes its own asset', async () => {
    const asset = await upload(contributor.token);
    const result = await api.graphql<{ deleteAsset: AssetView }>(
      DELETE,
      { id: asset.id },
      { token: contributor.token },
    );
    expect(result.data?.deleteAsset.deleted).toBe(true);
  });

  it('restores its own asset', async () => {
    const asset = await upload(contributor.token);
    await api.graphql(DELETE, { id: asset.id }, { token: contributor.token });
    const result = await api.graphql<{ restoreAsset: AssetView }>(
      RESTORE,
      { id: asset.id },
      { token: contributor.token },
    );
    expect(result.data?.restoreAsset.deleted).toBe(false);
  });

  it('replaces the file of its own asset', async () => {
    const asset = await upload(contributor.token);
    const result = await replace(contributor.token, asset.id);
    expect(result.data?.replaceAssetFile.versionNumber).toBe(2);
  });

  it.each(
    changes,
  )("is refused %s on another user's asset with FORBIDDEN, and the asset stays as it was", async (_name, change) => {
    const asset = await upload(otherContributor.token);
    expect(codeOf(await change(contributor.token, asset.id))).toBe('FORBIDDEN');
    expect(await readAs(admin, asset.id)).toEqual(asset);
  });

  it("is refused restoreAsset on another user's deleted asset with FORBIDDEN, and it stays deleted", async () => {
    const asset = await upload(otherContributor.token);
    await api.graphql(DELETE, { id: asset.id }, { token: otherContributor.token });
    expect(codeOf(await api.graphql(RESTORE, { id: asset.id }, { token: contributor.token }))).toBe('FORBIDDEN');
    expect((await readAs(admin, asset.id)).deleted).toBe(true);
  });
});

describe.each([
  ['EDITOR', () => editor.token],
  ['ADMIN', () => adminUser.token],
])('%s', (_role, tokenOf) => {
  it("updates another user's asset", async () => {
    const asset = await upload(contributor.token);
    const result = await api.graphql<{ updateAsset: AssetView }>(
      UPDATE,
      { id: asset.id, input: { metadata: { title: 'Edited' } } },
      { token: tokenOf() },
    );
    expect(result.data?.updateAsset.metadata).toEqual({ title: 'Edited' });
  });

  it("replaces the file of another user's asset", async () => {
    const asset = await upload(contributor.token);
    const result = await replace(tokenOf(), asset.id);
    expect(result.data?.replaceAssetFile.versionNumber).toBe(2);
  });

  it("deletes another user's asset", async () => {
    const asset = await upload(contributor.token);
    const result = await api.graphql<{ deleteAsset: AssetView }>(DELETE, { id: asset.id }, { token: tokenOf() });
    expect(result.data?.deleteAsset.deleted).toBe(true);
  });

  it("restores another user's asset", async () => {
    const asset = await upload(contributor.token);
    await api.graphql(DELETE, { id: asset.id }, { token: contributor.token });
    const result = await api.graphql<{ restoreAsset: AssetView }>(RESTORE, { id: asset.id }, { token: tokenOf() });
    expect(result.data?.restoreAsset.deleted).toBe(false);
  });
});

describe('access-limited drafts', () => {
  let userX: User;
  let orgMember: User;
  let otherOrgMember: User;
  let outsider: User;
  let outsiderEditor: User;

  beforeAll(async () => {
    [userX, orgMember, otherOrgMember, outsider, outsiderEditor] = await Promise.all([
      api.createUser('VIEWER'),
      api.createUser('VIEWER', { organisationId: 'org-1' }),
      api.createUser('VIEWER', { organisationId: 'org-2' }),
      api.createUser('VIEWER'),
      api.createUser('EDITOR'),
    ]);
  });

  /** A draft limited to userX, in a folder of its own, uploaded by the contributor. */
  async function limitedToUserX(): Promise<{ asset: AssetView; folderPath: string }> {
    const folderPath = freshFolder();
    const asset = await upload(contributor.token, { folderPath, draft: true, accessLimitedUserIds: [userX.id] });
    return { asset, folderPath };
  }

  /** A draft limited to organisation org-1, in a folder of its own, uploaded by the contributor. */
  async function limitedToOrg1(): Promise<{ asset: AssetView; folderPath: string }> {
    const folderPath = freshFolder();
    const asset = await upload(contributor.token, { folderPath, draft: true, accessLimitedOrganisationIds: ['org-1'] });
    return { asset, folderPath };
  }

  it('is NOT_FOUND by id for a viewer it is not limited to', async () => {
    const { asset } = await limitedToUserX();
    const result = await api.graphql(GET, { id: asset.id }, { token: outsider.token });
    expect(codeOf(result)).toBe('NOT_FOUND');
  });

  it('is left out of the listing, and its totalCount, for a viewer it is not limited to', async () => {
    const { folderPath } = await limitedToUserX();
    expect(await listing(outsider.token, folderPath)).toEqual({ totalCount: 0, ids: [] });
  });

  it('is null through node(id) for a viewer it is not limited to', async () => {
    const { asset } = await limitedToUserX();
    const result = await api.graphql<{ node: { id: string } | null }>(
      'query($id: ID!) { node(id: $id) { id } }',
      { id: asset.id },
      { token: outsider.token },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.node).toBeNull();
  });

  it('is NOT_FOUND, not FORBIDDEN, to an EDITOR it is not limited to who tries to change it', async () => {
    const { asset } = await limitedToUserX();
    const result = await api.graphql(
      UPDATE,
      { id: asset.id, input: { metadata: { a: 1 } } },
      { token: outsiderEditor.token },
    );
    expect(codeOf(result)).toBe('NOT_FOUND');
    expect((await readAs(admin, asset.id)).metadata).toEqual({});
  });

  it.each([
    ['the user it is limited to', limitedToUserX, () => userX],
    ['a user of an organisation it is limited to', limitedToOrg1, () => orgMember],
    ['ADMIN', limitedToUserX, () => adminUser],
    ['its creator', limitedToUserX, () => contributor],
  ])('is visible by id and listed to %s', async (_reader, limitedDraft, reader) => {
    const { asset, folderPath } = await limitedDraft();
    expect((await readAs(reader().token, asset.id)).id).toBe(asset.id);
    expect(await listing(reader().token, folderPath)).toEqual({ totalCount: 1, ids: [asset.id] });
  });

  it.each([
    ['a user of another organisation', () => otherOrgMember],
    ['a user without an organisation when only organisations are listed', () => outsider],
  ])('is hidden from %s', async (_reader, reader) => {
    const { asset, folderPath } = await limitedToOrg1();
    expect(codeOf(await api.graphql(GET, { id: asset.id }, { token: reader().token }))).toBe('NOT_FOUND');
    expect(await listing(reader().token, folderPath)).toEqual({ totalCount: 0, ids: [] });
  });

  it('becomes visible to everyone once it is no longer a draft', async () => {
    const { asset, folderPath } = await limitedToUserX();
    await api.graphql(UPDATE, { id: asset.id, input: { draft: false } }, { token: contributor.token });
    expect((await readAs(outsider.token, asset.id)).id).toBe(asset.id);
    expect(await listing(outsider.token, folderPath)).toEqual({ totalCount: 1, ids: [asset.id] });
  });

  it('a non-draft asset with access lists is visible to everyone', async () => {
    const folderPath = freshFolder();
    const asset = await upload(contributor.token, {
      folderPath,
      draft: false,
      accessLimitedUserIds: [userX.id],
      accessLimitedOrganisationIds: ['org-1'],
    });
    expect((await readAs(outsider.token, asset.id)).id).toBe(asset.id);
    expect(await listing(outsider.token, folderPath)).toEqual({ totalCount: 1, ids: [asset.id] });
  });

  it('a draft with empty access lists is visible to everyone', async () => {
    const folderPath = freshFolder();
    const asset = await upload(contributor.token, { folderPath, draft: true });
    expect((await readAs(outsider.token, asset.id)).id).toBe(asset.id);
    expect(await listing(outsider.token, folderPath)).toEqual({ totalCount: 1, ids: [asset.id] });
  });

  it('is shown as the replacement to a viewer who may see it', async () => {
    const { asset: hidden } = await limitedToUserX();
    const replaced = await upload(contributor.token, { replacementId: hidden.id });
    expect((await readAs(userX.token, replaced.id)).replacement).toEqual({ id: hidden.id });
  });

  it('is null as the replacement for a viewer who may not see it', async () => {
    const { asset: hidden } = await limitedToUserX();
    const replaced = await upload(contributor.token, { replacementId: hidden.id });
    const seen = await readAs(outsider.token, replaced.id);
    expect(seen.id).toBe(replaced.id);
    expect(seen.replacement).toBeNull();
  });
});
