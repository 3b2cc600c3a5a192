import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assetById,
  assetsIn,
  BAD_PATHS,
  createFolder,
  dataOf,
  errorCodeOf,
  freshFolder,
  uploadInto,
} from './support/graphqlCalls.js';
import { eventually, startTestServer, type TestServer } from './support/testServer.js';

const COPY = 'mutation($from: String!, $to: String!) { copyFolder(from: $from, to: $to) { path folders { path } } }';

let api: TestServer;
let editor: string;

beforeAll(async () => {
  api = await startTestServer();
  editor = (await api.createUser('EDITOR')).token;
});
afterAll(() => api.close());

const asset = (id: string) => assetById(api, editor, id);
const copy = (from: string, to: string, token = editor) => dataOf(api, COPY, { from, to }, token);
const refusalOf = (from: string, to: string, token = editor) => errorCodeOf(api, COPY, { from, to }, token);

/** The one asset directly in a folder. */
async function onlyAssetIn(folderPath: string) {
  const found = await assetsIn(api, editor, folderPath);
  expect(found).toHaveLength(1);
  return asset(found[0]?.id ?? '');
}

describe('copyFolder', () => {
  it('copies each asset as a new one sharing the blob: same sha256, new id', async () => {
    const root = freshFolder();
    const file = await uploadInto(api, editor, `${root}/from/sub`, 'copied.txt');
    await copy(`${root}/from`, `${root}/to`);
    const copied = await onlyAssetIn(`${root}/to/sub`);
    expect(copied.id).not.toBe(file.id);
    expect(copied.sha256).toBe(file.sha256);
  });

  it('gives the copy version 1, with one version', async () => {
    const root = freshFolder();
    const file = await uploadInto(api, editor, `${root}/from`);
    await copy(`${root}/from`, `${root}/to`);
    expect((await onlyAssetIn(`${root}/to`)).versions).toEqual([{ versionNumber: 1, sha256: file.sha256 }]);
  });

  it('records a CREATE in the history of the copy that names its source', async () => {
    const root = freshFolder();
    const file = await uploadInto(api, editor, `${root}/from`);
    await copy(`${root}/from`, `${root}/to`);
    const history = (await onlyAssetIn(`${root}/to`)).history;
    // The copy's scan may already have added its SCAN entry: only the first entry is the copy's own.
    expect(history.map((entry) => [entry.action, entry.details.copiedFrom])[0]).toEqual(['CREATE', file.id]);
    expect(history.filter((entry) => entry.action === 'CREATE')).toHaveLength(1);
  });

  it('keeps the source where it was', async () => {
    const root = freshFolder();
    const file = await uploadInto(api, editor, `${root}/from`);
    await copy(`${root}/from`, `${root}/to`);
    expect((await assetsIn(api, editor, `${root}/from`)).map((found) => found.id)).toEqual([file.id]);
  });

  it('copies the subfolders, empty ones included', async () => {
    const root = freshFolder();
    await createFolder(api, editor, `${root}/from/empty`);
    const copied = (await copy(`${root}/from`, `${root}/to`)).copyFolder;
    expect(copied).toEqual({ path: `${root}/to`, folders: [{ path: `${root}/to/empty` }] });
  });

  it('keeps the state of an UPLOADED source', async () => {
    const root = freshFolder();
    const file = await uploadInto(api, editor, `${root}/from`);
    await eventually(async () => ((await asset(file.id)).state === 'UPLOADED' ? true : undefined));
    await copy(`${root}/from`, `${root}/to`);
    expect((await onlyAssetIn(`${root}/to`)).state).toBe('UPLOADED');
  });

  it('leaves deleted assets behind', async () => {
    const root = freshFolder();
    const file = await uploadInto(api, editor, `${root}/from`);
    await dataOf(api, 'mutation($id: ID!) { deleteAsset(id: $id) { id } }', { id: file.id }, editor);
    await copy(`${root}/from`, `${root}/to`);
    expect(await assetsIn(api, editor, `${root}/to`, true)).toEqual([]);
  });

  it('is refused with CONFLICT when the target exists', async () => {
    const root = freshFolder();
    await uploadInto(api, editor, `${root}/from`);
    await uploadInto(api, editor, `${root}/to`);
    expect(await refusalOf(`${root}/from`, `${root}/to`)).toBe('CONFLICT');
  });

  it('is refused with CONFLICT below itself', async () => {
    const root = freshFolder();
    await uploadInto(api, editor, root);
    expect(await refusalOf(root, `${root}/again`)).toBe('CONFLICT');
  });

  it('is NOT_FOUND for a folder that does not exist', async () => {
    expect(await refusalOf(freshFolder(), freshFolder())).toBe('NOT_FOUND');
  });

  it('is refused to a VIEWER', async () => {
    const root = freshFolder();
    await uploadInto(api, editor, `${root}/from`);
    const viewer = (await api.createUser('VIEWER')).token;
    expect(await refusalOf(`${root}/from`, `${root}/to`, viewer)).toBe('FORBIDDEN');
  });

  it.each(BAD_PATHS)('refuses a source with %s', async (_problem, from) => {
    expect(await refusalOf(from, freshFolder())).toBe('BAD_USER_INPUT');
  });

  it.each(BAD_PATHS)('refuses a target with %s', async (_problem, to) => {
    const from = freshFolder();
    await createFolder(api, editor, from);
    expect(await refusalOf(from, to)).toBe('BAD_USER_INPUT');
  });
});
