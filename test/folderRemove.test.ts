import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assetById,
  assetsIn,
  BAD_PATHS,
  createFolder,
  dataOf,
  errorCodeOf,
  folderExists,
  freshFolder,
  uploadInto,
} from './support/graphqlCalls.js';
import { startTestServer, type TestServer } from './support/testServer.js';

const REMOVE = 'mutation($path: String!) { removeFolder(path: $path) }';
const CHECKOUT = 'mutation($id: ID!) { checkout(assetId: $id) { checkedOut } }';

let api: TestServer;
let editor: string;
let contributor: string;

beforeAll(async () => {
  api = await startTestServer();
  editor = (await api.createUser('EDITOR')).token;
  contributor = (await api.createUser('CONTRIBUTOR')).token;
});
afterAll(() => api.close());

const asset = (id: string) => assetById(api, editor, id);
const remove = async (path: string, token = editor): Promise<number> =>
  (await dataOf(api, REMOVE, { path }, token)).removeFolder;
const refusalOf = (path: string, token = editor) => errorCodeOf(api, REMOVE, { path }, token);

describe('removeFolder', () => {
  it('returns how many assets it removed, those in folders below included', async () => {
    const root = freshFolder();
    await uploadInto(api, editor, root);
    await uploadInto(api, editor, `${root}/sub/deeper`);
    expect(await remove(root)).toBe(2);
  });

  it('soft-deletes the assets below: assets(includeDeleted: true) shows them deleted', async () => {
    const root = freshFolder();
    const deep = await uploadInto(api, editor, `${root}/sub/deeper`);
    await remove(root);
    expect(await assetsIn(api, editor, `${root}/sub/deeper`, true)).toEqual([{ id: deep.id, deleted: true }]);
  });

  it('hides the removed assets from listings without includeDeleted', async () => {
    const root = freshFolder();
    await uploadInto(api, editor, root);
    await remove(root);
    expect(await assetsIn(api, editor, root)).toEqual([]);
  });

  it('gives each removed asset the time of its deletion', async () => {
    const root = freshFolder();
    const file = await uploadInto(api, editor, root);
    const before = Date.now();
    await remove(root);
    expect(Date.parse((await asset(file.id)).deletedAt ?? '')).toBeGreaterThanOrEqual(before - 1000);
  });

  it('records a REMOVE in the history of each asset', async () => {
    const root = freshFolder();
    const file = await uploadInto(api, editor, `${root}/sub`);
    await remove(root);
    // Not necessarily the last entry: the scan queue may record its SCAN after the removal.
    expect((await asset(file.id)).history.map((entry) => entry.action)).toContain('REMOVE');
  });

  it('does not count assets that were deleted already', async () => {
    const root = freshFolder();
    const file = await uploadInto(api, editor, root);
    await uploadInto(api, editor, root);
    await dataOf(api, 'mutation($id: ID!) { deleteAsset(id: $id) { id } }', { id: file.id }, editor);
    expect(await remove(root)).toBe(1);
  });

  it('removes the folders below', async () => {
    const root = freshFolder();
    await createFolder(api, editor, `${root}/sub`);
    await remove(root);
    expect(await folderExists(api, editor, `${root}/sub`)).toBe(false);
  });

  it('removes an empty folder, counting no asset', async () => {
    const root = freshFolder();
    await createFolder(api, editor, root);
    expect(await remove(root)).toBe(0);
  });

  it('leaves alone a sibling whose name starts with the same letters', async () => {
    const root = freshFolder();
    const sibling = await uploadInto(api, editor, `${root}/ab`);
    await uploadInto(api, editor, `${root}/a`);
    await remove(`${root}/a`);
    expect((await asset(sibling.id)).deleted).toBe(false);
  });

  it('refuses to remove the root', async () => {
    expect(await refusalOf('/')).toBe('BAD_USER_INPUT');
  });

  it('is refused with CONFLICT while an asset inside is checked out by someone else, and removes nothing', async () => {
    const root = freshFolder();
    const file = await uploadInto(api, editor, root);
    await dataOf(api, CHECKOUT, { id: file.id }, await api.adminToken());
    expect(await refusalOf(root)).toBe('CONFLICT');
    expect((await asset(file.id)).deleted).toBe(false);
  });

  it('lets a CONTRIBUTOR remove a folder of its own assets', async () => {
    const root = freshFolder();
    await uploadInto(api, contributor, root);
    expect(await remove(root, contributor)).toBe(1);
  });

  it("refuses a CONTRIBUTOR a folder holding another user's asset", async () => {
    const root = freshFolder();
    await uploadInto(api, editor, root);
    expect(await refusalOf(root, contributor)).toBe('FORBIDDEN');
  });

  it('is NOT_FOUND for a folder that does not exist', async () => {
    expect(await refusalOf(freshFolder())).toBe('NOT_FOUND');
  });

  it.each(BAD_PATHS)('refuses a path with %s', async (_problem, path) => {
    expect(await refusalOf(path)).toBe('BAD_USER_INPUT');
  });
});
