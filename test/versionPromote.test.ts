import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, errorCodeOf, freshFolder, untilUploaded, uploadInto } from './support/graphqlCalls.js';
import { startTestServerWithUser, type TestServer, type TestUser } from './support/testServer.js';
import { bearer, bodyOf, expectError, postServices } from './support/woodwingCalls.js';

/*
 * Promoting an earlier version (WoodWing's version/promote, GraphQL promoteVersion): its file, name and
 * type come back as the next version, and are served once scanned again.
 */

const PROMOTE = `mutation($id: ID!, $versionNumber: Int!) {
  promoteVersion(id: $id, versionNumber: $versionNumber) { id name versionNumber contentType }
}`;
const REPLACE = 'mutation($id: ID!, $file: Upload!) { replaceAssetFile(id: $id, file: $file) { versionNumber } }';
const VERSIONS = `query($id: ID!) { asset(id: $id) {
  name versionNumber sha256 versions { versionNumber name sha256 } history { action details }
} }`;
const CHECKOUT = 'mutation($id: ID!) { checkout(assetId: $id) { checkedOutBy } }';
const DELETE = 'mutation($id: ID!) { deleteAsset(id: $id) { id } }';

let api: TestServer;
let editor: TestUser;
beforeAll(async () => ({ api, user: editor } = await startTestServerWithUser('EDITOR')));
afterAll(() => api.close());

/** An asset with two versions: first.txt ("the first file"), then second.md ("the second file"). */
async function assetWithTwoVersions(token = editor.token): Promise<string> {
  const { id } = await uploadInto(api, token, freshFolder(), 'first.txt', 'the first file');
  const replaced = await api.upload(REPLACE, { id }, { name: 'second.md', content: 'the second file' }, { token });
  if (replaced.errors) throw new Error(`replace failed: ${JSON.stringify(replaced.errors)}`);
  return id;
}

const versionsOf = async (id: string) => (await dataOf(api, VERSIONS, { id }, editor.token)).asset;

async function servedText(id: string, name: string): Promise<string> {
  await untilUploaded(api, editor.token, id);
  const response = await fetch(`${api.url}/media/${id}/${name}`);
  expect(response.status).toBe(200);
  return response.text();
}

describe('promoteVersion', () => {
  it("makes the earlier version's file, name and type current as the next version", async () => {
    const id = await assetWithTwoVersions();
    const promoted = (await dataOf(api, PROMOTE, { id, versionNumber: 1 }, editor.token)).promoteVersion;
    expect(promoted).toEqual({ id, name: 'first.txt', versionNumber: 3, contentType: 'text/plain; charset=utf-8' });
    expect(await servedText(id, 'first.txt')).toBe('the first file');
  });

  it('keeps every version and adds the promoted one, with the same bytes as the version it came from', async () => {
    const id = await assetWithTwoVersions();
    await dataOf(api, PROMOTE, { id, versionNumber: 1 }, editor.token);
    const { versions } = await versionsOf(id);
    expect(versions.map((version: { versionNumber: number }) => version.versionNumber)).toEqual([1, 2, 3]);
    expect(versions[2].sha256).toBe(versions[0].sha256);
  });

  it('records the promotion in the history', async () => {
    const id = await assetWithTwoVersions();
    await dataOf(api, PROMOTE, { id, versionNumber: 1 }, editor.token);
    const { history } = await versionsOf(id);
    const promotions = history.filter(
      (entry: { details: { promotedVersion?: number } | null }) => entry.details?.promotedVersion,
    );
    expect(promotions).toEqual([
      { action: 'REPLACE_FILE', details: { promotedVersion: 1, name: 'first.txt', size: 'the first file'.length } },
    ]);
  });

  it('changes nothing when the version is the current one', async () => {
    const id = await assetWithTwoVersions();
    const promoted = (await dataOf(api, PROMOTE, { id, versionNumber: 2 }, editor.token)).promoteVersion;
    expect(promoted.versionNumber).toBe(2);
    expect((await versionsOf(id)).versions).toHaveLength(2);
  });

  it('answers NOT_FOUND for a version the asset does not have', async () => {
    const id = await assetWithTwoVersions();
    expect(await errorCodeOf(api, PROMOTE, { id, versionNumber: 7 }, editor.token)).toBe('NOT_FOUND');
    expect((await versionsOf(id)).versionNumber).toBe(2);
  });

  it.each([0, -1])('refuses version number %i with BAD_USER_INPUT', async (versionNumber) => {
    const id = await assetWithTwoVersions();
    expect(await errorCodeOf(api, PROMOTE, { id, versionNumber }, editor.token)).toBe('BAD_USER_INPUT');
  });

  it('answers NOT_FOUND for an unknown asset', async () => {
    expect(await errorCodeOf(api, PROMOTE, { id: 'A'.repeat(22), versionNumber: 1 }, editor.token)).toBe('NOT_FOUND');
  });

  it('answers NOT_FOUND for a deleted asset', async () => {
    const id = await assetWithTwoVersions();
    await dataOf(api, DELETE, { id }, editor.token);
    expect(await errorCodeOf(api, PROMOTE, { id, versionNumber: 1 }, editor.token)).toBe('NOT_FOUND');
  });

  it('is refused to a VIEWER with FORBIDDEN', async () => {
    const id = await assetWithTwoVersions();
    const viewer = await api.createUser('VIEWER');
    expect(await errorCodeOf(api, PROMOTE, { id, versionNumber: 1 }, viewer.token)).toBe('FORBIDDEN');
    expect((await versionsOf(id)).versionNumber).toBe(2);
  });

  it('is refused with CONFLICT while another user holds the checkout', async () => {
    const id = await assetWithTwoVersions();
    const holder = await api.createUser('EDITOR');
    await dataOf(api, CHECKOUT, { id }, holder.token);
    expect(await errorCodeOf(api, PROMOTE, { id, versionNumber: 1 }, editor.token)).toBe('CONFLICT');
  });

  it('is refused without a login with UNAUTHENTICATED', async () => {
    const id = await assetWithTwoVersions();
    const result = await api.graphql(PROMOTE, { id, versionNumber: 1 });
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('/services/version/promote', () => {
  const promote = (params: Record<string, string>, token = editor.token) =>
    postServices(api.url, 'version/promote', params, 'multipart', bearer(token));

  it('promotes the version and answers {}', async () => {
    const id = await assetWithTwoVersions();
    const response = await promote({ assetId: id, version: '1' });
    expect(response.status).toBe(200);
    expect(await bodyOf(response)).toEqual({});
    expect((await versionsOf(id)).name).toBe('first.txt');
    expect(await servedText(id, 'first.txt')).toBe('the first file');
  });

  it('refuses a call without assetId or version with err(400)', async () => {
    const id = await assetWithTwoVersions();
    await expectError(await promote({ version: '1' }), 400);
    await expectError(await promote({ assetId: id }), 400);
  });

  it('refuses a version that is not a whole number with err(400)', async () => {
    const id = await assetWithTwoVersions();
    await expectError(await promote({ assetId: id, version: 'first' }), 400);
    expect((await versionsOf(id)).versionNumber).toBe(2);
  });

  it('answers a version the asset does not have with err(404)', async () => {
    const id = await assetWithTwoVersions();
    await expectError(await promote({ assetId: id, version: '9' }), 404);
  });

  it('is refused to a VIEWER with err(403)', async () => {
    const id = await assetWithTwoVersions();
    const viewer = await api.createUser('VIEWER');
    await expectError(await promote({ assetId: id, version: '1' }, viewer.token), 403);
    expect((await versionsOf(id)).versionNumber).toBe(2);
  });

  it('refuses GET with 405', async () => {
    const id = await assetWithTwoVersions();
    const response = await fetch(`${api.url}/services/version/promote?assetId=${id}&version=1`, {
      headers: bearer(editor.token),
    });
    expect(response.status).toBe(405);
  });

  it('refuses a call without credentials with err(401)', async () => {
    await expectError(await postServices(api.url, 'version/promote', { assetId: 'A'.repeat(22), version: 1 }), 401);
  });
});
