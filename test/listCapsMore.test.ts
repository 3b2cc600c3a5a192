import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configProblemWith, configWith } from './support/configSettings.js';
import { codeOf, createFolder, dataOf, freshFolder, untilUploaded, uploadInto } from './support/graphqlCalls.js';
import { startTestServerWithUser, type TestServer, type TestUser } from './support/testServer.js';
import { bearer, bodyOf, expectError, postServices } from './support/woodwingCalls.js';

/*
 * GraphQL's plain lists (Asset.history, Asset.versions, Folder.folders, users) answer the first `first` of
 * their entries, 100 unless asked, at most 500; WoodWing's browse, which has no paging, answers at most
 * BROWSE_MAX_ENTRIES entries and refuses a fuller folder.
 */

let api: TestServer;
let editor: TestUser;
beforeAll(async () => {
  ({ api, user: editor } = await startTestServerWithUser('EDITOR', { env: { BROWSE_MAX_ENTRIES: '3' } }));
});
afterAll(() => api.close());

async function uploaded(folder = freshFolder(), name = 'file.txt'): Promise<string> {
  const asset = await uploadInto(api, editor.token, folder, name, `content of ${name}`);
  await untilUploaded(api, editor.token, asset.id);
  return asset.id;
}

/** Doubles the asset's history rows `times` times, copying those it has. */
async function grownHistory(id: string, times: number): Promise<number> {
  for (let time = 0; time < times; time++) {
    await api.sql(
      'insert into history_entries (asset_id, action, at, user_id, username, version_number, details) select asset_id, action, at, user_id, username, version_number, details from history_entries where asset_id = ?',
      [id],
    );
  }
  const [row] = await api.sql('select count(*) as n from history_entries where asset_id = ?', [id]);
  return Number(row?.n);
}

/** Doubles the asset's versions `times` times: 1 becomes 1, 2, ... 2^times, copies of the first. */
async function grownVersions(id: string, times: number): Promise<void> {
  for (let time = 0, count = 1; time < times; time++, count *= 2) {
    await api.sql(
      `insert into asset_versions (asset_id, version_number, name, content_type, size, md5, sha256, blob_key, created_at, created_by_id)
       select asset_id, version_number + ?, name, content_type, size, md5, sha256, blob_key, created_at, created_by_id
       from asset_versions where asset_id = ?`,
      [count, id],
    );
  }
}

const HISTORY = 'query($id: ID!, $first: Int) { asset(id: $id) { history(first: $first) { action } } }';
const HISTORY_DEFAULT = 'query($id: ID!) { asset(id: $id) { history { action } } }';
const VERSIONS = 'query($id: ID!, $first: Int) { asset(id: $id) { versions(first: $first) { versionNumber } } }';
const FOLDERS = 'query($path: String!, $first: Int) { folder(path: $path) { folders(first: $first) { name } } }';
const FOLDERS_DEFAULT = 'query($path: String!) { folder(path: $path) { folders { name } } }';
const USERS = 'query($first: Int) { users(first: $first) { username } }';

describe('Asset.history', () => {
  it('answers the oldest `first` entries', async () => {
    const id = await uploaded();
    await postServices(
      api.url,
      'logUsage',
      { assetId: id, action: 'CUSTOM_ACTION_READ' },
      'urlencoded',
      bearer(editor.token),
    );
    const data = await dataOf(api, HISTORY, { id, first: 1 }, editor.token);
    expect(data.asset.history).toEqual([{ action: 'CREATE' }]);
  });

  it('answers 100 entries when first is left out', async () => {
    const id = await uploaded();
    expect(await grownHistory(id, 7)).toBeGreaterThan(100);
    const data = await dataOf(api, HISTORY_DEFAULT, { id }, editor.token);
    expect(data.asset.history).toHaveLength(100);
  });

  it('answers each asset its own first entries when several are read at once', async () => {
    const folder = freshFolder();
    const ids = [await uploaded(folder, 'a.txt'), await uploaded(folder, 'b.txt')];
    await grownHistory(ids[0] ?? '', 3);
    const data = await dataOf(
      api,
      'query($folder: String!) { assets(folderPath: $folder, first: 10) { edges { node { id history(first: 2) { action } } } } }',
      { folder },
      editor.token,
    );
    const lengths = data.assets.edges.map((edge: { node: { history: unknown[] } }) => edge.node.history.length);
    expect(lengths).toEqual([2, 2]);
  });

  it('refuses first over 500 with BAD_USER_INPUT naming 500', async () => {
    const id = await uploaded();
    const result = await api.graphql(HISTORY, { id, first: 501 }, { token: editor.token });
    expect(codeOf(result)).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.message).toBe('"first" must be a whole number from 0 to 500, got 501');
  });
});

describe('Asset.versions', () => {
  it('answers the first `first` versions by number', async () => {
    const id = await uploaded();
    await grownVersions(id, 2);
    const data = await dataOf(api, VERSIONS, { id, first: 3 }, editor.token);
    expect(data.asset.versions).toEqual([{ versionNumber: 1 }, { versionNumber: 2 }, { versionNumber: 3 }]);
  });

  it('answers 100 versions when first is left out', async () => {
    const id = await uploaded();
    await grownVersions(id, 7);
    const data = await dataOf(
      api,
      'query($id: ID!) { asset(id: $id) { versions { versionNumber } } }',
      { id },
      editor.token,
    );
    expect(data.asset.versions).toHaveLength(100);
    expect(data.asset.versions[99]).toEqual({ versionNumber: 100 });
  });

  it('refuses first over 500 with BAD_USER_INPUT naming 500', async () => {
    const id = await uploaded();
    const result = await api.graphql(VERSIONS, { id, first: 1000 }, { token: editor.token });
    expect(codeOf(result)).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.message).toContain('from 0 to 500');
  });
});

describe('Folder.folders', () => {
  it('answers the first `first` child folders by path', async () => {
    const parent = freshFolder();
    for (const name of ['c', 'a', 'b']) await createFolder(api, editor.token, `${parent}/${name}`);
    const data = await dataOf(api, FOLDERS, { path: parent, first: 2 }, editor.token);
    expect(data.folder.folders).toEqual([{ name: 'a' }, { name: 'b' }]);
  });

  it('answers 100 child folders when first is left out', async () => {
    const parent = freshFolder();
    for (let n = 0; n < 101; n++) await createFolder(api, editor.token, `${parent}/f${String(n).padStart(3, '0')}`);
    const data = await dataOf(api, FOLDERS_DEFAULT, { path: parent }, editor.token);
    expect(data.folder.folders).toHaveLength(100);
  });

  it('refuses first over 500 with BAD_USER_INPUT naming 500', async () => {
    const result = await api.graphql(FOLDERS, { path: '/', first: 501 }, { token: editor.token });
    expect(codeOf(result)).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.message).toContain('from 0 to 500');
  });
});

describe('users', () => {
  it('answers the first `first` users by name', async () => {
    const admin = await api.adminToken();
    const all = (await dataOf(api, USERS, { first: 500 }, admin)).users;
    const names = all.map((user: { username: string }) => user.username);
    expect(names.length).toBeGreaterThan(1);
    expect(names).toEqual([...names].sort());
    const data = await dataOf(api, USERS, { first: 1 }, admin);
    expect(data.users).toEqual([all[0]]);
  });

  it('refuses first over 500 with BAD_USER_INPUT naming 500', async () => {
    const result = await api.graphql(USERS, { first: 501 }, { token: await api.adminToken() });
    expect(codeOf(result)).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.message).toContain('from 0 to 500');
  });
});

describe("WoodWing's browse", () => {
  /** A folder holding the folders d1, d2 and the assets a.txt, b.txt. */
  async function fullFolder(): Promise<string> {
    const folder = freshFolder();
    for (const name of ['d1', 'd2']) await createFolder(api, editor.token, `${folder}/${name}`);
    for (const name of ['a.txt', 'b.txt']) await uploaded(folder, name);
    return folder;
  }

  const browse = (params: Record<string, string>) =>
    postServices(api.url, 'browse', params, 'urlencoded', bearer(editor.token));

  it('refuses with 400 naming BROWSE_MAX_ENTRIES a folder holding more entries than it', async () => {
    const folder = await fullFolder();
    const body = await expectError(await browse({ path: folder, includeExtensions: 'all' }), 400);
    expect(body.message).toContain('at most 3 entries (BROWSE_MAX_ENTRIES)');
  });

  it('answers a folder holding no more entries than BROWSE_MAX_ENTRIES of what was asked for', async () => {
    const folder = await fullFolder();
    const response = await browse({ path: folder, includeExtensions: 'all', includeFolders: 'false' });
    expect(response.status).toBe(200);
    const names = (await bodyOf(response)).map((entry: { name: string }) => entry.name);
    expect(names).toEqual(['a.txt', 'b.txt']);
  });
});

describe('the browse setting', () => {
  it('is read from BROWSE_MAX_ENTRIES, 10000 unless set', () => {
    expect(configWith({ BROWSE_MAX_ENTRIES: '25' }).browseMaxEntries).toBe(25);
    expect(configWith({}).browseMaxEntries).toBe(10_000);
  });

  it('refuses a value that is no whole number from 1, naming BROWSE_MAX_ENTRIES', () => {
    expect(configProblemWith({ BROWSE_MAX_ENTRIES: '0' }).message).toContain('BROWSE_MAX_ENTRIES');
  });
});
