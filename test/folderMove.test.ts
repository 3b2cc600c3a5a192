import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assetById,
  BAD_PATHS,
  createFolder,
  dataOf,
  errorCodeOf,
  folderExists,
  freshFolder,
  uploadInto,
} from './support/graphqlCalls.js';
import { startTestServer, type TestServer } from './support/testServer.js';

const MOVE = 'mutation($from: String!, $to: String!) { moveFolder(from: $from, to: $to) { path folders { path } } }';
const CHECKOUT = 'mutation($id: ID!) { checkout(assetId: $id) { checkedOut } }';

let api: TestServer;
let editor: { username: string; token: string };
let contributor: string;

beforeAll(async () => {
  api = await startTestServer();
  editor = await api.createUser('EDITOR');
  contributor = (await api.createUser('CONTRIBUTOR')).token;
});
afterAll(() => api.close());

const asset = (id: string) => assetById(api, editor.token, id);
const move = (from: string, to: string, token = editor.token) => dataOf(api, MOVE, { from, to }, token);
const refusalOf = (from: string, to: string, token = editor.token) => errorCodeOf(api, MOVE, { from, to }, token);

describe('moveFolder', () => {
  it('moves the assets inside: their folderPath and assetPath follow', async () => {
    const root = freshFolder();
    const file = await uploadInto(api, editor.token, `${root}/from/sub`, 'deep.txt');
    await move(`${root}/from`, `${root}/to`);
    expect(await asset(file.id)).toMatchObject({ folderPath: `${root}/to/sub`, assetPath: `${root}/to/sub/deep.txt` });
  });

  it('moves the subfolders and leaves nothing at the old path', async () => {
    const root = freshFolder();
    await createFolder(api, editor.token, `${root}/from/empty`);
    const moved = (await move(`${root}/from`, `${root}/to`)).moveFolder;
    expect(moved).toEqual({ path: `${root}/to`, folders: [{ path: `${root}/to/empty` }] });
    expect(await folderExists(api, editor.token, `${root}/from`)).toBe(false);
  });

  it('renames a folder within its parent', async () => {
    const root = freshFolder();
    const file = await uploadInto(api, editor.token, `${root}/old-name`);
    await move(`${root}/old-name`, `${root}/new-name`);
    expect((await asset(file.id)).folderPath).toBe(`${root}/new-name`);
  });

  it('records a MOVE in the history of each asset moved', async () => {
    const root = freshFolder();
    const file = await uploadInto(api, editor.token, `${root}/from`, 'a.txt');
    await move(`${root}/from`, `${root}/to`);
    // Not necessarily the last entry: the scan queue may record its SCAN after the move.
    expect((await asset(file.id)).history.find((entry) => entry.action === 'MOVE')).toEqual({
      action: 'MOVE',
      details: { from: `${root}/from/a.txt`, to: `${root}/to/a.txt` },
    });
  });

  it('marks each asset moved as modified by the mover', async () => {
    const root = freshFolder();
    const file = await uploadInto(api, contributor, `${root}/from`);
    const before = Date.now();
    await move(`${root}/from`, `${root}/to`);
    const moved = await asset(file.id);
    expect(moved.modifiedBy?.username).toBe(editor.username);
    expect(Date.parse(moved.modifiedAt)).toBeGreaterThanOrEqual(before - 1000);
  });

  it('leaves alone a sibling whose name starts with the same letters', async () => {
    const root = freshFolder();
    const sibling = await uploadInto(api, editor.token, `${root}/ab`);
    await uploadInto(api, editor.token, `${root}/a`);
    await move(`${root}/a`, `${root}/z`);
    expect((await asset(sibling.id)).folderPath).toBe(`${root}/ab`);
  });

  it('creates the folders above the target', async () => {
    const root = freshFolder();
    await createFolder(api, editor.token, `${root}/from`);
    await move(`${root}/from`, `${root}/new/parent/to`);
    expect(await folderExists(api, editor.token, `${root}/new/parent`)).toBe(true);
  });

  it('is refused with CONFLICT when the target exists, and moves nothing', async () => {
    const root = freshFolder();
    const file = await uploadInto(api, editor.token, `${root}/from`);
    await createFolder(api, editor.token, `${root}/to`);
    expect(await refusalOf(`${root}/from`, `${root}/to`)).toBe('CONFLICT');
    expect((await asset(file.id)).folderPath).toBe(`${root}/from`);
  });

  it('is refused with CONFLICT into itself', async () => {
    const root = freshFolder();
    await createFolder(api, editor.token, root);
    expect(await refusalOf(root, root)).toBe('CONFLICT');
  });

  it('is refused with CONFLICT below itself', async () => {
    const root = freshFolder();
    await createFolder(api, editor.token, root);
    expect(await refusalOf(root, `${root}/inner`)).toBe('CONFLICT');
  });

  it('is refused with CONFLICT while an asset inside is checked out by someone else, and moves nothing', async () => {
    const root = freshFolder();
    const file = await uploadInto(api, editor.token, `${root}/from/sub`);
    await dataOf(api, CHECKOUT, { id: file.id }, await api.adminToken());
    expect(await refusalOf(`${root}/from`, `${root}/to`)).toBe('CONFLICT');
    expect((await asset(file.id)).folderPath).toBe(`${root}/from/sub`);
  });

  it('moves an asset the mover has checked out', async () => {
    const root = freshFolder();
    const file = await uploadInto(api, editor.token, `${root}/from`);
    await dataOf(api, CHECKOUT, { id: file.id }, editor.token);
    await move(`${root}/from`, `${root}/to`);
    expect((await asset(file.id)).folderPath).toBe(`${root}/to`);
  });

  it('refuses to move the root', async () => {
    expect(await refusalOf('/', freshFolder())).toBe('BAD_USER_INPUT');
  });

  it('is NOT_FOUND for a folder that does not exist', async () => {
    expect(await refusalOf(freshFolder(), freshFolder())).toBe('NOT_FOUND');
  });

  it('lets a CONTRIBUTOR move a folder of its own assets', async () => {
    const root = freshFolder();
    const file = await uploadInto(api, contributor, `${root}/from`);
    await move(`${root}/from`, `${root}/to`, contributor);
    expect((await asset(file.id)).folderPath).toBe(`${root}/to`);
  });

  it("refuses a CONTRIBUTOR a folder holding another user's asset", async () => {
    const root = freshFolder();
    await uploadInto(api, contributor, `${root}/from`);
    await uploadInto(api, editor.token, `${root}/from`);
    expect(await refusalOf(`${root}/from`, `${root}/to`, contributor)).toBe('FORBIDDEN');
  });

  it('is refused to a VIEWER', async () => {
    const root = freshFolder();
    await createFolder(api, editor.token, root);
    const viewer = (await api.createUser('VIEWER')).token;
    expect(await refusalOf(root, freshFolder(), viewer)).toBe('FORBIDDEN');
  });

  it.each(BAD_PATHS)('refuses a source with %s', async (_problem, from) => {
    expect(await refusalOf(from, freshFolder())).toBe('BAD_USER_INPUT');
  });

  it.each(BAD_PATHS)('refuses a target with %s', async (_problem, to) => {
    const from = freshFolder();
    await createFolder(api, editor.token, from);
    expect(await refusalOf(from, to)).toBe('BAD_USER_INPUT');
  });
});
