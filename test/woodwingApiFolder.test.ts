import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Folder } from '../src/db/entities/Folder.js';
import { uploadInto } from './support/graphqlCalls.js';
import { startTestServerWithUser, type TestServer, type TestUser } from './support/testServer.js';
import { bearer, bodyOf, cookieSession, expectError, postServices } from './support/woodwingCalls.js';

/*
 * WoodWing's v2 folder API, /api/folder (reference section 6: the DerSpiegel client's integration tests and
 * the Bruno suite's steps 2 and 9): JSON in and out, folders with an id and metadata of their own.
 */

let api: TestServer;
let editor: TestUser;
beforeAll(async () => ({ api, user: editor } = await startTestServerWithUser('EDITOR')));
afterAll(() => api.close());

const freshPath = () => `/apifolder/${randomUUID().slice(0, 8)} Folder`;

function call(method: string, path: string, body?: unknown, headers: Record<string, string> = bearer(editor.token)) {
  return fetch(`${api.url}/api/folder${path}`, {
    method,
    headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
}

async function create(path: string, metadata?: Record<string, unknown>) {
  const response = await call('POST', '', metadata ? { path, metadata } : { path });
  expect(response.status).toBe(201);
  return bodyOf(response);
}

const getByPath = (path: string, headers?: Record<string, string>) =>
  call('GET', `/get?path=${encodeURIComponent(path)}`, undefined, headers);

describe('POST /api/folder', () => {
  it('creates the folder and answers 201 with its id, name, path, permissions and metadata, tags as a list', async () => {
    const path = freshPath();
    const folder = await create(path, { tags: 'test,folder' });
    expect(folder).toEqual({
      id: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
      name: path.split('/').pop(),
      path,
      permissions: 'VPWUMERXCD',
      metadata: { tags: ['test', 'folder'] },
    });
  });

  it('creates a folder without metadata, with empty metadata (the Bruno suite sends only path)', async () => {
    expect((await create(freshPath())).metadata).toEqual({});
  });

  it('makes the folder visible to /services/browse of its parent', async () => {
    const path = freshPath();
    await create(path);
    const response = await postServices(api.url, 'browse', { path: '/apifolder' }, 'urlencoded', bearer(editor.token));
    expect((await bodyOf(response)).map((entry: { assetPath: string }) => entry.assetPath)).toContain(path);
  });

  it('refuses a folder that exists already with err(409)', async () => {
    const path = freshPath();
    await create(path);
    await expectError(await call('POST', '', { path }), 409);
  });

  it('lets exactly one of ten simultaneous creates of one path win', async () => {
    const path = freshPath();
    const statuses = await Promise.all(
      Array.from({ length: 10 }, () => call('POST', '', { path }).then((r) => r.status)),
    );
    expect(statuses.filter((status) => status === 201)).toHaveLength(1);
    expect(statuses.filter((status) => status === 409)).toHaveLength(9);
  });

  it.each([
    ['no path', {}],
    ['an empty path', { path: '' }],
    ['a path that is not a string', { path: 7 }],
    ['a path with ..', { path: '/a/../b' }],
    ['the root', { path: '/' }],
    ['metadata that is not an object', { path: '/apifolder/x', metadata: [1, 2] }],
  ])('refuses %s with err(400)', async (_problem, body) => {
    await expectError(await call('POST', '', body), 400);
  });

  it('refuses a body that is not JSON with err(400)', async () => {
    await expectError(await call('POST', '', '{"path": '), 400);
  });

  it('refuses a VIEWER with err(403) and creates nothing', async () => {
    const viewer = await api.createUser('VIEWER');
    const path = freshPath();
    await expectError(await call('POST', '', { path }, bearer(viewer.token)), 403);
    await expectError(await getByPath(path), 404);
  });

  it('refuses a cookie session without X-CSRF-TOKEN with err(403), and takes it with the header', async () => {
    const path = freshPath();
    const without = await cookieSession(api.url, editor.username, editor.password, false);
    await expectError(await call('POST', '', { path }, without), 403);
    const withCsrf = await cookieSession(api.url, editor.username, editor.password, true);
    expect((await call('POST', '', { path }, withCsrf)).status).toBe(201);
  });

  it('refuses a call without credentials with err(401)', async () => {
    await expectError(await call('POST', '', { path: freshPath() }, {}), 401);
  });
});

describe('GET /api/folder/get?path= and GET /api/folder/<id>', () => {
  it('finds the folder by its path', async () => {
    const created = await create(freshPath(), { owner: 'desk' });
    const response = await getByPath(created.path);
    expect(response.status).toBe(200);
    expect(await bodyOf(response)).toEqual(created);
  });

  it('finds the folder by its id', async () => {
    const created = await create(freshPath());
    const response = await call('GET', `/${created.id}`);
    expect(response.status).toBe(200);
    expect(await bodyOf(response)).toEqual(created);
  });

  it('finds a folder that an upload made', async () => {
    const path = freshPath();
    await uploadInto(api, editor.token, path);
    expect((await bodyOf(await getByPath(path))).path).toBe(path);
  });

  it('gives a folder known only from its assets (no folder row) a record when asked for by path', async () => {
    const path = freshPath();
    await uploadInto(api, editor.token, path);
    await api.server.orm.em.fork().nativeDelete(Folder, { path });
    const response = await getByPath(path);
    expect(response.status).toBe(200);
    const folder = await bodyOf(response);
    expect(folder.path).toBe(path);
    expect((await bodyOf(await call('GET', `/${folder.id}`))).path).toBe(path);
  });

  it('shows a VIEWER the folder with a mask without the rights to change it', async () => {
    const created = await create(freshPath());
    const viewer = await api.createUser('VIEWER');
    expect((await bodyOf(await getByPath(created.path, bearer(viewer.token)))).permissions).toBe('VPWU------');
  });

  it('answers a path that is no folder with err(404)', async () => {
    await expectError(await getByPath(freshPath()), 404);
  });

  it('answers an unknown or malformed id with err(404)', async () => {
    await expectError(await call('GET', `/${'A'.repeat(22)}`), 404);
    await expectError(await call('GET', '/not-an-id'), 404);
  });

  it('refuses get without path with err(400)', async () => {
    await expectError(await call('GET', '/get'), 400);
  });

  it('refuses a call without credentials with err(401)', async () => {
    const created = await create(freshPath());
    await expectError(await call('GET', `/${created.id}`, undefined, {}), 401);
  });
});

describe('GET /api/folder/list', () => {
  /** A parent folder with the children c1 ... c<count>, each with metadata {n, colour}. */
  async function parentWithChildren(count: number) {
    const parent = await create(freshPath());
    for (let n = 1; n <= count; n++) await create(`${parent.path}/c${n}`, { n, colour: 'red' });
    return parent;
  }

  const list = async (query: string) => {
    const response = await call('GET', `/list?${query}`);
    expect(response.status).toBe(200);
    return bodyOf(response);
  };

  it('lists the folders directly inside folder id, 10 at a time, with the total', async () => {
    const parent = await parentWithChildren(12);
    await create(`${parent.path}/c1/deeper`);
    const first = await list(`id=${parent.id}`);
    expect(first.total).toBe(12);
    expect(first.folders).toHaveLength(10);
    expect(first.folders[0]).toEqual({
      id: expect.any(String),
      name: 'c1',
      path: `${parent.path}/c1`,
      permissions: 'VPWUMERXCD',
      metadata: { n: 1, colour: 'red' },
    });
  });

  it('pages with from and size', async () => {
    const parent = await parentWithChildren(5);
    const page = await list(`id=${parent.id}&from=3&size=10`);
    expect(page.folders.map((folder: { name: string }) => folder.name)).toEqual(['c4', 'c5']);
    expect(page.total).toBe(5);
  });

  it('returns only the metadata fields asked for, or none', async () => {
    const parent = await parentWithChildren(1);
    expect((await list(`id=${parent.id}&metadataToReturn=n`)).folders[0].metadata).toEqual({ n: 1 });
    expect((await list(`id=${parent.id}&metadataToReturn=none`)).folders[0].metadata).toEqual({});
  });

  it('lists the folders of the root without id', async () => {
    await create(freshPath());
    const root = await list('size=1000');
    expect(root.folders.map((folder: { path: string }) => folder.path)).toContain('/apifolder');
  });

  it.each(['from=-1', 'from=x', 'size=0', 'size=1.5'])('refuses %s with err(400)', async (query) => {
    await expectError(await call('GET', `/list?${query}`), 400);
  });

  it('answers an unknown id with err(404)', async () => {
    await expectError(await call('GET', `/list?id=${'A'.repeat(22)}`), 404);
  });
});

describe('PUT /api/folder/<id>', () => {
  it('sets the metadata fields given, keeps the others and removes those set to null', async () => {
    const created = await create(freshPath(), { owner: 'desk', status: 'draft' });
    const response = await call('PUT', `/${created.id}`, { metadata: { status: 'final', owner: null, year: 2026 } });
    expect(response.status).toBe(200);
    expect((await bodyOf(response)).metadata).toEqual({ status: 'final', year: 2026 });
    expect((await bodyOf(await call('GET', `/${created.id}`))).metadata).toEqual({ status: 'final', year: 2026 });
  });

  it('refuses metadata that is not an object with err(400)', async () => {
    const created = await create(freshPath());
    await expectError(await call('PUT', `/${created.id}`, { metadata: 'x' }), 400);
  });

  it('answers an unknown id with err(404)', async () => {
    await expectError(await call('PUT', `/${'A'.repeat(22)}`, { metadata: {} }), 404);
  });

  it('refuses a VIEWER with err(403) and changes nothing', async () => {
    const created = await create(freshPath(), { owner: 'desk' });
    const viewer = await api.createUser('VIEWER');
    await expectError(await call('PUT', `/${created.id}`, { metadata: { owner: 'x' } }, bearer(viewer.token)), 403);
    expect((await bodyOf(await call('GET', `/${created.id}`))).metadata).toEqual({ owner: 'desk' });
  });
});

describe('DELETE /api/folder/<id>', () => {
  it('removes the folder and answers 200 (the Bruno suite, step 9)', async () => {
    const created = await create(freshPath());
    const response = await call('DELETE', `/${created.id}`);
    expect(response.status).toBe(200);
    expect(await bodyOf(response)).toEqual({});
    await expectError(await getByPath(created.path), 404);
  });

  it('removes the assets in it too', async () => {
    const path = freshPath();
    const created = await create(path);
    const asset = await uploadInto(api, editor.token, path);
    await call('DELETE', `/${created.id}`);
    const search = await postServices(api.url, 'search', { q: `id:${asset.id}` }, 'urlencoded', bearer(editor.token));
    expect((await bodyOf(search)).totalHits).toBe(0);
  });

  it('lets the path be created again, as a new folder', async () => {
    const created = await create(freshPath(), { owner: 'desk' });
    await call('DELETE', `/${created.id}`);
    const again = await create(created.path);
    expect(again.metadata).toEqual({});
  });

  it('answers an unknown id with err(404)', async () => {
    await expectError(await call('DELETE', `/${'A'.repeat(22)}`), 404);
  });

  it('refuses a VIEWER with err(403) and removes nothing', async () => {
    const created = await create(freshPath());
    const viewer = await api.createUser('VIEWER');
    await expectError(await call('DELETE', `/${created.id}`, undefined, bearer(viewer.token)), 403);
    expect((await getByPath(created.path)).status).toBe(200);
  });
});

describe('/api/folder methods', () => {
  it('refuses GET /api/folder and POST /api/folder/<id> with 405, naming the methods they take', async () => {
    const created = await create(freshPath());
    const list = await call('GET', '');
    expect(list.status).toBe(405);
    expect(list.headers.get('allow')).toBe('POST');
    const post = await call('POST', `/${created.id}`, {});
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, PUT, DELETE');
  });
});
