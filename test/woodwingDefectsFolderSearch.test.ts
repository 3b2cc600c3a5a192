import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServerWithUser, type TestServer, type TestUser } from './support/testServer.js';
import { bearer, bodyOf, expectError } from './support/woodwingCalls.js';

/* Issue #15: /api/folder/search, as the Postman collection (GET) and other clients (POST) send it. */

let api: TestServer;
let user: TestUser;
/** A word no other folder holds, so that each search sees only what this file made. */
const marker = `postman${randomUUID().slice(0, 8)}`;

async function createFolder(path: string, metadata: Record<string, unknown> = {}) {
  const response = await fetch(`${api.url}/api/folder`, {
    method: 'POST',
    headers: { ...bearer(user.token), 'content-type': 'application/json' },
    body: JSON.stringify({ path, metadata }),
  });
  if (response.status !== 201) throw new Error(`folder ${path} not created: ${await response.text()}`);
  return bodyOf(response);
}

beforeAll(async () => {
  ({ api, user } = await startTestServerWithUser('EDITOR'));
  await createFolder(`/fs/${marker} one`, { status: 'Production', tags: ['red'] });
  await createFolder(`/fs/${marker} two`, { status: 'Draft' });
  await createFolder(`/fs/other/${marker}-three`);
});
afterAll(() => api.close());

function search(
  method: 'GET' | 'POST',
  params: Record<string, string>,
  headers: Record<string, string> = bearer(user.token),
) {
  return fetch(`${api.url}/api/folder/search?${new URLSearchParams(params)}`, { method, headers });
}

async function pathsFound(method: 'GET' | 'POST', params: Record<string, string>) {
  const response = await search(method, params);
  expect(response.status).toBe(200);
  const body = await bodyOf(response);
  return { total: body.total, paths: body.folders.map((folder: { path: string }) => folder.path) };
}

describe.each(['POST', 'GET'] as const)('%s /api/folder/search', (method) => {
  it('finds the folders whose name holds the word of q=name:<word>, in path order', async () => {
    expect(await pathsFound(method, { q: `name:${marker}` })).toEqual({
      total: 3,
      paths: [`/fs/other/${marker}-three`, `/fs/${marker} one`, `/fs/${marker} two`],
    });
  });

  it('finds a folder by a metadata field', async () => {
    expect(await pathsFound(method, { q: `name:${marker} AND status:production` })).toEqual({
      total: 1,
      paths: [`/fs/${marker} one`],
    });
  });

  it('answers a page of size from `from` in path order, with the total of every folder found', async () => {
    expect(await pathsFound(method, { q: `name:${marker}`, from: '1', size: '1' })).toEqual({
      total: 3,
      paths: [`/fs/${marker} one`],
    });
  });

  it('answers each folder as /api/folder does, its metadata limited by metadataToReturn', async () => {
    const response = await search(method, { q: `name:"${marker} one"`, metadataToReturn: 'status' });
    expect((await bodyOf(response)).folders).toEqual([
      {
        id: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
        name: `${marker} one`,
        path: `/fs/${marker} one`,
        permissions: 'VPWUMERXCD',
        metadata: { status: 'Production' },
      },
    ]);
  });

  it('finds by a wildcard and by ancestorPaths', async () => {
    expect((await pathsFound(method, { q: `name:${marker}-th* AND ancestorPaths:/fs/other` })).paths).toEqual([
      `/fs/other/${marker}-three`,
    ]);
  });

  it('refuses a query it cannot read with err(400)', async () => {
    await expectError(await search(method, { q: 'name:(unclosed' }), 400);
  });

  it('refuses a caller without a login with err(401)', async () => {
    await expectError(await search(method, { q: `name:${marker}` }, {}), 401);
  });
});
