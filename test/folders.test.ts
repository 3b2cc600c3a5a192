import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BAD_PATHS, dataOf, errorCodeOf, freshFolder, uploadInto } from './support/graphqlCalls.js';
import { startTestServer, type TestServer } from './support/testServer.js';

const CREATE = 'mutation($path: String!) { createFolder(path: $path) { path status } }';
const FOLDER = `query($path: String!) {
  folder(path: $path) { path name parentPath createdAt folders { path name } }
}`;
const REMOVE = 'mutation($path: String!) { removeFolder(path: $path) }';
const MOVE_ASSET =
  'mutation($id: ID!, $folderPath: String!) { updateAsset(id: $id, input: { folderPath: $folderPath }) { id } }';

interface FolderView {
  path: string;
  name: string;
  parentPath: string | null;
  createdAt: string | null;
  folders: { path: string; name: string }[];
}

let api: TestServer;
let contributor: string;

beforeAll(async () => {
  api = await startTestServer();
  contributor = (await api.createUser('CONTRIBUTOR')).token;
});
afterAll(() => api.close());

async function createFolder(path: string, token = contributor): Promise<{ path: string; status: string }> {
  return (await dataOf(api, CREATE, { path }, token)).createFolder;
}

async function folder(path: string): Promise<FolderView | null> {
  return (await dataOf(api, FOLDER, { path }, contributor)).folder;
}

describe('createFolder', () => {
  it('creates a folder and reports CREATED', async () => {
    const path = freshFolder();
    expect(await createFolder(path)).toEqual({ path, status: 'CREATED' });
  });

  it('reports ALREADY_EXISTS for a folder that is there, and changes nothing', async () => {
    const path = freshFolder();
    await createFolder(path);
    const before = await folder(path);
    expect(await createFolder(path)).toEqual({ path, status: 'ALREADY_EXISTS' });
    expect(await folder(path)).toEqual(before);
  });

  it('creates the folders above it', async () => {
    const path = freshFolder();
    await createFolder(`${path}/a/b`);
    expect((await folder(`${path}/a`))?.folders).toEqual([{ path: `${path}/a/b`, name: 'b' }]);
  });

  it('stores the path without a trailing "/"', async () => {
    const path = freshFolder();
    expect(await createFolder(`${path}/`)).toEqual({ path, status: 'CREATED' });
  });

  it('reports ALREADY_EXISTS for the root', async () => {
    expect(await createFolder('/')).toEqual({ path: '/', status: 'ALREADY_EXISTS' });
  });

  it('creates a removed folder again, as CREATED', async () => {
    const path = freshFolder();
    await createFolder(path);
    await dataOf(api, REMOVE, { path }, contributor);
    expect(await createFolder(path)).toEqual({ path, status: 'CREATED' });
  });

  it('is refused to a VIEWER', async () => {
    const viewer = await api.createUser('VIEWER');
    expect(await errorCodeOf(api, CREATE, { path: freshFolder() }, viewer.token)).toBe('FORBIDDEN');
  });

  it('is refused without a login', async () => {
    const result = await api.graphql(CREATE, { path: freshFolder() });
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it.each(BAD_PATHS)('refuses a path with %s as BAD_USER_INPUT', async (_problem, path) => {
    expect(await errorCodeOf(api, CREATE, { path }, contributor)).toBe('BAD_USER_INPUT');
  });
});

describe('folder', () => {
  it('returns the folder with its name, parent and creation time', async () => {
    const path = freshFolder();
    await createFolder(`${path}/reports`);
    const found = await folder(`${path}/reports`);
    expect(found).toMatchObject({ path: `${path}/reports`, name: 'reports', parentPath: path, folders: [] });
    expect(Date.parse(found?.createdAt ?? '')).toBeGreaterThan(Date.now() - 60_000);
  });

  it('returns null for a folder that does not exist', async () => {
    expect(await folder(freshFolder())).toBeNull();
  });

  it('returns the root, which has no parent', async () => {
    expect(await folder('/')).toMatchObject({ path: '/', name: '', parentPath: null, createdAt: null });
  });

  it('lists the folders directly inside, by path, without those further down', async () => {
    const path = freshFolder();
    await createFolder(`${path}/b/deeper`);
    await createFolder(`${path}/a`);
    expect((await folder(path))?.folders.map((child) => child.path)).toEqual([`${path}/a`, `${path}/b`]);
  });

  it('does not list a folder whose name only starts with the same letters', async () => {
    const path = freshFolder();
    await createFolder(`${path}/a/inside`);
    await createFolder(`${path}/ab/elsewhere`);
    expect((await folder(`${path}/a`))?.folders.map((child) => child.path)).toEqual([`${path}/a/inside`]);
  });

  it('does not list removed folders', async () => {
    const path = freshFolder();
    await createFolder(`${path}/kept`);
    await createFolder(`${path}/gone`);
    await dataOf(api, REMOVE, { path: `${path}/gone` }, contributor);
    expect((await folder(path))?.folders.map((child) => child.path)).toEqual([`${path}/kept`]);
  });

  it('is null after the folder is removed', async () => {
    const path = freshFolder();
    await createFolder(path);
    await dataOf(api, REMOVE, { path }, contributor);
    expect(await folder(path)).toBeNull();
  });

  it.each(BAD_PATHS)('refuses a path with %s as BAD_USER_INPUT', async (_problem, path) => {
    expect(await errorCodeOf(api, FOLDER, { path }, contributor)).toBe('BAD_USER_INPUT');
  });

  it('is refused without a login', async () => {
    const result = await api.graphql(FOLDER, { path: '/' });
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('folders made by assets', () => {
  it('an upload creates its folder and those above it', async () => {
    const path = freshFolder();
    await uploadInto(api, contributor, `${path}/x/y`);
    expect((await folder(`${path}/x`))?.folders.map((child) => child.path)).toEqual([`${path}/x/y`]);
  });

  it('an upload into a removed folder brings it back', async () => {
    const path = freshFolder();
    await createFolder(path);
    await dataOf(api, REMOVE, { path }, contributor);
    await uploadInto(api, contributor, path);
    expect((await folder(path))?.path).toBe(path);
  });

  it('moving an asset into a new folder creates that folder', async () => {
    const path = freshFolder();
    const asset = await uploadInto(api, contributor, path);
    await dataOf(api, MOVE_ASSET, { id: asset.id, folderPath: `${path}/moved/here` }, contributor);
    expect((await folder(`${path}/moved`))?.folders.map((child) => child.path)).toEqual([`${path}/moved/here`]);
  });
});

describe('folder metadata', () => {
  const METADATA = 'query($path: String!) { folder(path: $path) { id metadata } }';
  const UPDATE = `mutation($path: String!, $metadata: JSON!) {
    updateFolderMetadata(path: $path, metadata: $metadata) { path metadata }
  }`;

  const metadataOf = async (path: string) => (await dataOf(api, METADATA, { path }, contributor)).folder;
  const update = (path: string, metadata: unknown, token = contributor) =>
    dataOf(api, UPDATE, { path, metadata }, token).then((data) => data.updateFolderMetadata);

  it('is empty for a new folder, which has an id', async () => {
    const path = freshFolder();
    await createFolder(path);
    expect(await metadataOf(path)).toEqual({ id: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/), metadata: {} });
  });

  it('has neither id nor metadata for the root', async () => {
    expect(await metadataOf('/')).toEqual({ id: null, metadata: {} });
  });

  it('sets the fields given, keeps the others and removes those set to null', async () => {
    const path = freshFolder();
    await createFolder(path);
    await update(path, { owner: 'desk', status: 'draft' });
    expect(await update(path, { status: 'final', owner: null })).toEqual({ path, metadata: { status: 'final' } });
    expect((await metadataOf(path)).metadata).toEqual({ status: 'final' });
  });

  it('shows the same id as the /api/folder of WoodWing clients', async () => {
    const path = freshFolder();
    await createFolder(path);
    const response = await fetch(`${api.url}/api/folder/get?path=${encodeURIComponent(path)}`, {
      headers: { authorization: `Bearer ${contributor}` },
    });
    expect(((await response.json()) as { id: string }).id).toBe((await metadataOf(path)).id);
  });

  it('refuses metadata that is not an object with BAD_USER_INPUT', async () => {
    const path = freshFolder();
    await createFolder(path);
    expect(await errorCodeOf(api, UPDATE, { path, metadata: ['x'] }, contributor)).toBe('BAD_USER_INPUT');
  });

  it('answers NOT_FOUND for a folder that is not there', async () => {
    expect(await errorCodeOf(api, UPDATE, { path: freshFolder(), metadata: {} }, contributor)).toBe('NOT_FOUND');
  });

  it('is refused to a VIEWER with FORBIDDEN, and nothing changes', async () => {
    const path = freshFolder();
    await createFolder(path);
    const viewer = (await api.createUser('VIEWER')).token;
    expect(await errorCodeOf(api, UPDATE, { path, metadata: { owner: 'x' } }, viewer)).toBe('FORBIDDEN');
    expect((await metadataOf(path)).metadata).toEqual({});
  });
});
