import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, folderExists, uploadAs } from './support/graphqlCalls.js';
import { eventually, startTestServer, type TestServer, type TestUser } from './support/testServer.js';
import {
  bearer,
  bodyOf,
  cookieSession,
  ENCODINGS,
  type Encoding,
  expectAnyError,
  expectError,
  type Params,
  postServices,
} from './support/woodwingCalls.js';

/*
 * WoodWing Assets' /services createFolder, createRelation, removeRelation, remove, asset/history and browse
 * (reference section 3 and cases 16, 22, 26, 29, 34 and 35 of section 8), over real HTTP.
 */

let api: TestServer;
let adminToken: string;

beforeAll(async () => {
  api = await startTestServer();
  adminToken = await api.adminToken();
});
afterAll(() => api.close());

function post(
  path: string,
  params: Params = {},
  encoding: Encoding = 'urlencoded',
  headers: Record<string, string> = {},
) {
  return postServices(api.url, path, params, encoding, headers);
}

/** A urlencoded POST whose parameters may repeat (`path=/a&path=/b`). */
function postPairs(path: string, pairs: [string, string][], headers: Record<string, string>) {
  return fetch(`${api.url}/services/${path}`, { method: 'POST', headers, body: new URLSearchParams(pairs) });
}

function get(path: string, params: Params, headers: Record<string, string>) {
  const url = new URL(`${api.url}/services/${path}`);
  for (const [name, value] of Object.entries(params)) url.searchParams.append(name, String(value));
  return fetch(url, { headers });
}

/** Headers of a browser session of `account`, with the csrf header or without. */
const sessionOf = (account: TestUser, withCsrf: boolean) =>
  cookieSession(api.url, account.username, account.password, withCsrf);

/** A folder of its own for each test. */
const freshFolder = () => `/wworg/${randomUUID().replaceAll('-', '')}`;

/** Uploads a small text file as `token` into `folderPath` and returns its id. */
async function uploadInto(token: string, folderPath: string, name?: string) {
  return (await uploadAs(api, token, { name, input: { folderPath } })).id;
}

/** Uploads into a folder of its own. */
const uploadAsset = (token: string) => uploadInto(token, freshFolder());

/** Waits until the upload's virus scan is over, so that its history no longer grows by itself. */
async function scanned(id: string): Promise<string> {
  await eventually(async () => {
    const data = await dataOf(api, 'query($id: ID!) { asset(id: $id) { state } }', { id }, adminToken);
    return data.asset.state === 'UNSCANNED' ? undefined : true;
  });
  return id;
}

async function createCollection(token: string, folderPath: string, name = `coll-${randomUUID().slice(0, 8)}`) {
  const data = await dataOf<{ createCollection: { id: string; name: string } }>(
    api,
    'mutation($input: CreateCollectionInput!) { createCollection(input: $input) { id name } }',
    { input: { name, folderPath } },
    token,
  );
  return data.createCollection;
}

/** The search answer for `q`, as `token` sees it. */
async function search(q: string, token = adminToken): Promise<any> {
  const response = await post('search', { q }, 'urlencoded', bearer(token));
  if (response.status !== 200) throw new Error(`search failed: ${response.status} ${await response.text()}`);
  return bodyOf(response);
}

const totalHitsOf = async (q: string) => (await search(q)).totalHits as number;

/** Whether an asset is still live (not removed). */
const isLive = async (id: string) => (await totalHitsOf(`id:${id}`)) === 1;

/** The relations that join `id` to anything, seen from `id`. */
const relationsOf = async (id: string) => (await search(`relatedTo:${id}`)).hits.map((hit: any) => hit.relation);

async function relate(token: string, target1Id: string, target2Id: string, relationType = 'contains') {
  const response = await post('createRelation', { relationType, target1Id, target2Id }, 'urlencoded', bearer(token));
  if (response.status !== 200) throw new Error(`createRelation failed: ${response.status} ${await response.text()}`);
}

/** The id of the one relation that joins parent and child. */
async function relationIdOf(parentId: string, childId: string): Promise<string> {
  const body = await search(`relatedTo:${parentId} relationTarget:child id:${childId}`);
  const relationId = body.hits[0]?.relation?.relationId;
  if (!relationId) throw new Error(`no relation ${parentId} -> ${childId}: ${JSON.stringify(body)}`);
  return relationId;
}

/** Two assets of `token` joined by a `contains` relation. */
async function relatedPair(token: string) {
  const folder = freshFolder();
  const parent = await createCollection(token, folder);
  const child = await uploadInto(token, folder);
  await relate(token, parent.id, child);
  return { parentId: parent.id, childId: child, relationId: await relationIdOf(parent.id, child) };
}

async function browse(params: Params, token = adminToken): Promise<any[]> {
  const response = await post('browse', params, 'urlencoded', bearer(token));
  if (response.status !== 200) throw new Error(`browse failed: ${response.status} ${await response.text()}`);
  return bodyOf(response);
}

const namesOf = (entries: any[]) => entries.map((entry) => entry.name).sort();

async function history(params: Params, token = adminToken): Promise<any> {
  const response = await post('asset/history', params, 'urlencoded', bearer(token));
  if (response.status !== 200) throw new Error(`history failed: ${response.status} ${await response.text()}`);
  return bodyOf(response);
}

const actionsOf = (body: any) => body.hits.map((hit: any) => hit.usageStatsRecord.action);

/** Paths with each problem a folder path may have, and a folder that must not be made because of them. */
const BAD_PATHS: [problem: string, path: (base: string) => string, untouched: (base: string) => string][] = [
  ['a ".." segment', (base) => `${base}/a/../b`, (base) => `${base}/b`],
  ['an empty segment ("//")', (base) => `${base}/a//b`, (base) => `${base}/a`],
  ['no leading "/"', (base) => `${base.slice(1)}/a`, (base) => base],
  ['a control character', (base) => `${base}/a\u0007b`, (base) => base],
];

const STATUSES = ['created', 'already exists', 'access denied'];

describe('POST /services/createFolder', () => {
  describe.each(ENCODINGS)('with the parameters in the %s', (encoding) => {
    it('creates the folder and answers {"<path>": "created"}', async () => {
      const path = freshFolder();
      const response = await post('createFolder', { path }, encoding, bearer(adminToken));
      expect(response.status).toBe(200);
      expect(await bodyOf(response)).toEqual({ [path]: 'created' });
      expect(await folderExists(api, adminToken, path)).toBe(true);
    });
  });

  it('answers "already exists" for a folder that is there', async () => {
    const path = freshFolder();
    await post('createFolder', { path }, 'urlencoded', bearer(adminToken));
    const response = await post('createFolder', { path }, 'urlencoded', bearer(adminToken));
    expect(await bodyOf(response)).toEqual({ [path]: 'already exists' });
  });

  it('creates every path given (path repeated), each with its own answer', async () => {
    const existing = freshFolder();
    const fresh = freshFolder();
    await post('createFolder', { path: existing }, 'urlencoded', bearer(adminToken));
    const response = await postPairs(
      'createFolder',
      [
        ['path', existing],
        ['path', fresh],
      ],
      bearer(adminToken),
    );
    expect(await bodyOf(response)).toEqual({ [existing]: 'already exists', [fresh]: 'created' });
    expect(await folderExists(api, adminToken, fresh)).toBe(true);
  });

  it('creates every path of a multipart body with path repeated', async () => {
    const first = freshFolder();
    const second = freshFolder();
    const form = new FormData();
    form.append('path', first);
    form.append('path', second);
    const response = await fetch(`${api.url}/services/createFolder`, {
      method: 'POST',
      headers: bearer(adminToken),
      body: form,
    });
    expect(await bodyOf(response)).toEqual({ [first]: 'created', [second]: 'created' });
  });

  it('creates every path of a JSON body whose path is an array', async () => {
    const first = freshFolder();
    const second = freshFolder();
    const response = await fetch(`${api.url}/services/createFolder`, {
      method: 'POST',
      headers: { ...bearer(adminToken), 'content-type': 'application/json' },
      body: JSON.stringify({ path: [first, second] }),
    });
    expect(await bodyOf(response)).toEqual({ [first]: 'created', [second]: 'created' });
  });

  it('creates the folders above the path too', async () => {
    const base = freshFolder();
    await post('createFolder', { path: `${base}/a/b` }, 'urlencoded', bearer(adminToken));
    expect(await folderExists(api, adminToken, `${base}/a`)).toBe(true);
  });

  it('creates one folder whose name holds a comma, as path is repeated, not comma-separated', async () => {
    const path = `${freshFolder()}/a,b`;
    const response = await post('createFolder', { path }, 'urlencoded', bearer(adminToken));
    expect(await bodyOf(response)).toEqual({ [path]: 'created' });
    expect(await folderExists(api, adminToken, path)).toBe(true);
  });

  describe.each(BAD_PATHS)('a path with %s', (_problem, pathOf, untouchedOf) => {
    it('is answered with an error message of its own, not a status', async () => {
      const path = pathOf(freshFolder());
      const response = await post('createFolder', { path }, 'urlencoded', bearer(adminToken));
      expect(response.status).toBe(200);
      const body = await bodyOf(response);
      expect(Object.keys(body)).toEqual([path]);
      expect(body[path]).toEqual(expect.any(String));
      expect(STATUSES).not.toContain(body[path]);
    });

    it('creates no folder', async () => {
      const base = freshFolder();
      await post('createFolder', { path: pathOf(base) }, 'urlencoded', bearer(adminToken));
      expect(await folderExists(api, adminToken, untouchedOf(base))).toBe(false);
    });
  });

  it('still creates the good paths when another path is bad', async () => {
    const good = freshFolder();
    const response = await postPairs(
      'createFolder',
      [
        ['path', `${good}/x/../y`],
        ['path', good],
      ],
      bearer(adminToken),
    );
    expect((await bodyOf(response))[good]).toBe('created');
    expect(await folderExists(api, adminToken, good)).toBe(true);
  });

  it('answers "access denied" to a VIEWER', async () => {
    const viewer = await api.createUser('VIEWER');
    const path = freshFolder();
    const response = await post('createFolder', { path }, 'urlencoded', bearer(viewer.token));
    expect(await bodyOf(response)).toEqual({ [path]: 'access denied' });
  });

  it('creates nothing for a VIEWER', async () => {
    const viewer = await api.createUser('VIEWER');
    const path = freshFolder();
    await post('createFolder', { path }, 'urlencoded', bearer(viewer.token));
    expect(await folderExists(api, adminToken, path)).toBe(false);
  });

  it('lets a CONTRIBUTOR create folders', async () => {
    const contributor = await api.createUser('CONTRIBUTOR');
    const path = freshFolder();
    const response = await post('createFolder', { path }, 'urlencoded', bearer(contributor.token));
    expect(await bodyOf(response)).toEqual({ [path]: 'created' });
  });

  it('refuses a call without path with err(400)', async () => {
    await expectError(await post('createFolder', {}, 'urlencoded', bearer(adminToken)), 400);
  });

  it('refuses an empty path with err(400)', async () => {
    await expectError(await post('createFolder', { path: '' }, 'urlencoded', bearer(adminToken)), 400);
  });

  it('refuses a call without credentials with err(401)', async () => {
    await expectError(await post('createFolder', { path: freshFolder() }), 401);
  });

  it('refuses GET with 405', async () => {
    const response = await get('createFolder', { path: freshFolder() }, bearer(adminToken));
    await expectError(response, 405);
  });

  it('creates nothing on GET', async () => {
    const path = freshFolder();
    await get('createFolder', { path }, bearer(adminToken));
    expect(await folderExists(api, adminToken, path)).toBe(false);
  });

  it('refuses a cookie session without X-CSRF-TOKEN with err(403) and creates nothing', async () => {
    const editor = await api.createUser('EDITOR');
    const path = freshFolder();
    await expectError(await post('createFolder', { path }, 'urlencoded', await sessionOf(editor, false)), 403);
    expect(await folderExists(api, adminToken, path)).toBe(false);
  });

  it('creates the folder for a cookie session with X-CSRF-TOKEN', async () => {
    const editor = await api.createUser('EDITOR');
    const path = freshFolder();
    const response = await post('createFolder', { path }, 'urlencoded', await sessionOf(editor, true));
    expect(await bodyOf(response)).toEqual({ [path]: 'created' });
  });
});

describe('POST /services/createRelation', () => {
  let editor: TestUser;

  beforeAll(async () => {
    editor = await api.createUser('EDITOR');
  });

  /** A collection and an asset beside it, unrelated. */
  async function pair() {
    const folder = freshFolder();
    const parent = await createCollection(editor.token, folder);
    return { parentId: parent.id, childId: await uploadInto(editor.token, folder) };
  }

  describe.each(ENCODINGS)('with the parameters in the %s', (encoding) => {
    it('relates the two and answers {}', async () => {
      const { parentId, childId } = await pair();
      const response = await post(
        'createRelation',
        { relationType: 'contains', target1Id: parentId, target2Id: childId },
        encoding,
        bearer(editor.token),
      );
      expect(response.status).toBe(200);
      expect(await bodyOf(response)).toEqual({});
      expect((await relationsOf(parentId)).length).toBe(1);
    });
  });

  it('makes target1Id the parent and target2Id the child, of the given type', async () => {
    const { parentId, childId } = await pair();
    await relate(editor.token, parentId, childId, 'related');
    const body = await search(`relatedTo:${parentId} relationTarget:child`);
    expect(body.hits[0].relation).toEqual({
      relationId: expect.stringMatching(/.+/),
      relationType: 'related',
      target1Id: parentId,
      target2Id: childId,
    });
  });

  it('refuses a second relation between the same two', async () => {
    const { parentId, childId } = await pair();
    await relate(editor.token, parentId, childId);
    const again = { relationType: 'contains', target1Id: parentId, target2Id: childId };
    await expectAnyError(await post('createRelation', again, 'urlencoded', bearer(editor.token)));
  });

  it('keeps one relation after a second createRelation between the same two', async () => {
    const { parentId, childId } = await pair();
    await relate(editor.token, parentId, childId);
    const again = { relationType: 'contains', target1Id: parentId, target2Id: childId };
    await post('createRelation', again, 'urlencoded', bearer(editor.token));
    expect((await search(`relatedTo:${parentId}`)).totalHits).toBe(1);
  });

  it('refuses the reversed relation and still has one relation', async () => {
    const { parentId, childId } = await pair();
    await relate(editor.token, parentId, childId);
    const reversed = { relationType: 'contains', target1Id: childId, target2Id: parentId };
    await expectAnyError(await post('createRelation', reversed, 'urlencoded', bearer(editor.token)));
    expect(await relationsOf(parentId)).toEqual([expect.objectContaining({ target1Id: parentId, target2Id: childId })]);
  });

  it('refuses a relation of another type between the same two and still has one relation', async () => {
    const { parentId, childId } = await pair();
    await relate(editor.token, parentId, childId, 'contains');
    const other = { relationType: 'related', target1Id: parentId, target2Id: childId };
    await expectAnyError(await post('createRelation', other, 'urlencoded', bearer(editor.token)));
    expect(await relationsOf(parentId)).toEqual([expect.objectContaining({ relationType: 'contains' })]);
  });

  it('allows the relation again once the first is removed', async () => {
    const { parentId, childId, relationId } = await relatedPair(editor.token);
    await post('removeRelation', { relationIds: relationId }, 'urlencoded', bearer(editor.token));
    const again = { relationType: 'contains', target1Id: parentId, target2Id: childId };
    expect((await post('createRelation', again, 'urlencoded', bearer(editor.token))).status).toBe(200);
  });

  // Reference section 3: "500 on failure". The gateway answers 409 here (src/resolvers/relations.ts Conflict).
  it('answers a refused createRelation with HTTP 500, as WoodWing documents (section 3)', async () => {
    const { parentId, childId } = await pair();
    await relate(editor.token, parentId, childId);
    const again = { relationType: 'contains', target1Id: parentId, target2Id: childId };
    await expectError(await post('createRelation', again, 'urlencoded', bearer(editor.token)), 500);
  });

  describe.each(['relationType', 'target1Id', 'target2Id'])('without %s', (missing) => {
    it('is refused with err(400)', async () => {
      const { parentId, childId } = await pair();
      const params: Params = { relationType: 'contains', target1Id: parentId, target2Id: childId };
      delete params[missing];
      await expectError(await post('createRelation', params, 'urlencoded', bearer(editor.token)), 400);
    });

    it('relates nothing', async () => {
      const { parentId, childId } = await pair();
      const params: Params = { relationType: 'contains', target1Id: parentId, target2Id: childId };
      delete params[missing];
      await post('createRelation', params, 'urlencoded', bearer(editor.token));
      expect(await relationsOf(parentId)).toEqual([]);
    });
  });

  it('refuses an unknown target1Id with err(404)', async () => {
    const { childId } = await pair();
    const params = { relationType: 'contains', target1Id: 'A'.repeat(22), target2Id: childId };
    await expectError(await post('createRelation', params, 'urlencoded', bearer(editor.token)), 404);
  });

  it('refuses an unknown target2Id with err(404) and relates nothing', async () => {
    const { parentId } = await pair();
    const params = { relationType: 'contains', target1Id: parentId, target2Id: 'B'.repeat(22) };
    await expectError(await post('createRelation', params, 'urlencoded', bearer(editor.token)), 404);
    expect(await relationsOf(parentId)).toEqual([]);
  });

  it('refuses a malformed target id with err(400)', async () => {
    const { parentId } = await pair();
    const params = { relationType: 'contains', target1Id: parentId, target2Id: 'not an id' };
    await expectError(await post('createRelation', params, 'urlencoded', bearer(editor.token)), 400);
  });

  it('refuses a removed asset as either end', async () => {
    const { parentId, childId } = await pair();
    await post('remove', { ids: childId }, 'urlencoded', bearer(editor.token));
    const params = { relationType: 'contains', target1Id: parentId, target2Id: childId };
    await expectAnyError(await post('createRelation', params, 'urlencoded', bearer(editor.token)));
  });

  it('refuses to relate an asset to itself with err(400)', async () => {
    const { parentId } = await pair();
    const params = { relationType: 'contains', target1Id: parentId, target2Id: parentId };
    await expectError(await post('createRelation', params, 'urlencoded', bearer(editor.token)), 400);
  });

  it.each(['Contains', 'has space', '1st'])('refuses the relationType %j with err(400)', async (relationType) => {
    const { parentId, childId } = await pair();
    const params = { relationType, target1Id: parentId, target2Id: childId };
    await expectError(await post('createRelation', params, 'urlencoded', bearer(editor.token)), 400);
  });

  it('is refused to a VIEWER with err(403)', async () => {
    const viewer = await api.createUser('VIEWER');
    const { parentId, childId } = await pair();
    const params = { relationType: 'contains', target1Id: parentId, target2Id: childId };
    await expectError(await post('createRelation', params, 'urlencoded', bearer(viewer.token)), 403);
  });

  it('refuses GET with 405 and relates nothing', async () => {
    const { parentId, childId } = await pair();
    const params = { relationType: 'contains', target1Id: parentId, target2Id: childId };
    await expectError(await get('createRelation', params, bearer(editor.token)), 405);
    expect(await relationsOf(parentId)).toEqual([]);
  });

  it('refuses a cookie session without X-CSRF-TOKEN with err(403) and relates nothing', async () => {
    const { parentId, childId } = await pair();
    const params = { relationType: 'contains', target1Id: parentId, target2Id: childId };
    await expectError(await post('createRelation', params, 'urlencoded', await sessionOf(editor, false)), 403);
    expect(await relationsOf(parentId)).toEqual([]);
  });

  it('relates the two for a cookie session with X-CSRF-TOKEN', async () => {
    const { parentId, childId } = await pair();
    const params = { relationType: 'contains', target1Id: parentId, target2Id: childId };
    const response = await post('createRelation', params, 'urlencoded', await sessionOf(editor, true));
    expect(response.status).toBe(200);
    expect((await relationsOf(parentId)).length).toBe(1);
  });
});

describe('POST /services/removeRelation', () => {
  let editor: TestUser;

  beforeAll(async () => {
    editor = await api.createUser('EDITOR');
  });

  describe.each(ENCODINGS)('with the parameters in the %s', (encoding) => {
    it('removes the relation and answers {processedCount: 1, errorCount: 0}', async () => {
      const { relationId } = await relatedPair(editor.token);
      const response = await post('removeRelation', { relationIds: relationId }, encoding, bearer(editor.token));
      expect(response.status).toBe(200);
      expect(await bodyOf(response)).toEqual({ processedCount: 1, errorCount: 0 });
    });
  });

  it('leaves the two assets unrelated', async () => {
    const { parentId, relationId } = await relatedPair(editor.token);
    await post('removeRelation', { relationIds: relationId }, 'urlencoded', bearer(editor.token));
    expect(await relationsOf(parentId)).toEqual([]);
  });

  it('leaves both assets in place', async () => {
    const { parentId, childId, relationId } = await relatedPair(editor.token);
    await post('removeRelation', { relationIds: relationId }, 'urlencoded', bearer(editor.token));
    expect([await isLive(parentId), await isLive(childId)]).toEqual([true, true]);
  });

  it('removes every relation of a comma-separated list', async () => {
    const first = await relatedPair(editor.token);
    const second = await relatedPair(editor.token);
    const response = await post(
      'removeRelation',
      { relationIds: `${first.relationId},${second.relationId}` },
      'urlencoded',
      bearer(editor.token),
    );
    expect(await bodyOf(response)).toEqual({ processedCount: 2, errorCount: 0 });
    expect([...(await relationsOf(first.parentId)), ...(await relationsOf(second.parentId))]).toEqual([]);
  });

  it('counts an unknown relation id as an error and still removes the others', async () => {
    const { parentId, relationId } = await relatedPair(editor.token);
    const response = await post(
      'removeRelation',
      { relationIds: `${'C'.repeat(22)},${relationId}` },
      'urlencoded',
      bearer(editor.token),
    );
    expect(await bodyOf(response)).toEqual({ processedCount: 1, errorCount: 1 });
    expect(await relationsOf(parentId)).toEqual([]);
  });

  it('counts a malformed relation id as an error', async () => {
    const response = await post(
      'removeRelation',
      { relationIds: 'not a relation id' },
      'urlencoded',
      bearer(editor.token),
    );
    expect(await bodyOf(response)).toEqual({ processedCount: 0, errorCount: 1 });
  });

  it('counts a relation already removed as an error', async () => {
    const { relationId } = await relatedPair(editor.token);
    await post('removeRelation', { relationIds: relationId }, 'urlencoded', bearer(editor.token));
    const response = await post('removeRelation', { relationIds: relationId }, 'urlencoded', bearer(editor.token));
    expect(await bodyOf(response)).toEqual({ processedCount: 0, errorCount: 1 });
  });

  it('counts as an error a relation whose parent a CONTRIBUTOR may not manage', async () => {
    const contributor = await api.createUser('CONTRIBUTOR');
    const { relationId } = await relatedPair(editor.token);
    const response = await post('removeRelation', { relationIds: relationId }, 'urlencoded', bearer(contributor.token));
    expect(await bodyOf(response)).toEqual({ processedCount: 0, errorCount: 1 });
  });

  it('keeps a relation whose parent the CONTRIBUTOR asking may not manage', async () => {
    const contributor = await api.createUser('CONTRIBUTOR');
    const { parentId, relationId } = await relatedPair(editor.token);
    await post('removeRelation', { relationIds: relationId }, 'urlencoded', bearer(contributor.token));
    expect((await relationsOf(parentId)).length).toBe(1);
  });

  it('counts as an error every relation a VIEWER asks to remove, and keeps it', async () => {
    const viewer = await api.createUser('VIEWER');
    const { parentId, relationId } = await relatedPair(editor.token);
    const response = await post('removeRelation', { relationIds: relationId }, 'urlencoded', bearer(viewer.token));
    expect(await bodyOf(response)).toEqual({ processedCount: 0, errorCount: 1 });
    expect((await relationsOf(parentId)).length).toBe(1);
  });

  it('lets a CONTRIBUTOR remove a relation from a parent it created', async () => {
    const contributor = await api.createUser('CONTRIBUTOR');
    const { relationId } = await relatedPair(contributor.token);
    const response = await post('removeRelation', { relationIds: relationId }, 'urlencoded', bearer(contributor.token));
    expect(await bodyOf(response)).toEqual({ processedCount: 1, errorCount: 0 });
  });

  it('refuses a call without relationIds with err(400)', async () => {
    await expectError(await post('removeRelation', {}, 'urlencoded', bearer(editor.token)), 400);
  });

  it('refuses relationIds of only commas with err(400)', async () => {
    await expectError(await post('removeRelation', { relationIds: ' , ,' }, 'urlencoded', bearer(editor.token)), 400);
  });

  it('refuses GET with 405 and keeps the relation', async () => {
    const { parentId, relationId } = await relatedPair(editor.token);
    await expectError(await get('removeRelation', { relationIds: relationId }, bearer(editor.token)), 405);
    expect((await relationsOf(parentId)).length).toBe(1);
  });

  it('refuses a cookie session without X-CSRF-TOKEN with err(403) and keeps the relation', async () => {
    const { parentId, relationId } = await relatedPair(editor.token);
    const headers = await sessionOf(editor, false);
    await expectError(await post('removeRelation', { relationIds: relationId }, 'urlencoded', headers), 403);
    expect((await relationsOf(parentId)).length).toBe(1);
  });

  it('removes the relation for a cookie session with X-CSRF-TOKEN', async () => {
    const { relationId } = await relatedPair(editor.token);
    const headers = await sessionOf(editor, true);
    const response = await post('removeRelation', { relationIds: relationId }, 'multipart', headers);
    expect(await bodyOf(response)).toEqual({ processedCount: 1, errorCount: 0 });
  });
});

describe('relations end to end (case 35)', () => {
  it('createRelation, a relatedTo search finding it, removeRelation, and the search no longer finding it', async () => {
    const user = await api.createUser('EDITOR');
    const folder = freshFolder();
    const collection = await createCollection(user.token, folder);
    const id = await uploadInto(user.token, folder);
    const created = await post(
      'createRelation',
      { relationType: 'contains', target1Id: collection.id, target2Id: id },
      'multipart',
      bearer(user.token),
    );
    expect({ status: created.status, body: await bodyOf(created) }).toEqual({ status: 200, body: {} });

    const q = `relatedTo:${collection.id} relationTarget:child relationType:contains id:${id}`;
    const found = await search(q, user.token);
    expect(found.totalHits).toBe(1);
    const relationId = found.hits[0].relation.relationId;
    expect(relationId).toEqual(expect.stringMatching(/.+/));

    const removed = await post('removeRelation', { relationIds: relationId }, 'multipart', bearer(user.token));
    expect(await bodyOf(removed)).toEqual(expect.objectContaining({ processedCount: 1 }));
    expect((await search(q, user.token)).totalHits).toBe(0);
  });
});

describe('POST /services/remove', () => {
  let editor: TestUser;

  beforeAll(async () => {
    editor = await api.createUser('EDITOR');
  });

  describe.each(ENCODINGS)('with the parameters in the %s', (encoding) => {
    it('removes by ids and answers {processedCount: 1, errorCount: 0} (case 26)', async () => {
      const id = await uploadAsset(editor.token);
      const response = await post('remove', { ids: id }, encoding, bearer(editor.token));
      expect(response.status).toBe(200);
      expect(await bodyOf(response)).toEqual({ processedCount: 1, errorCount: 0 });
    });
  });

  it('makes an asset removed by ids unfindable (case 26)', async () => {
    const id = await uploadAsset(editor.token);
    await post('remove', { ids: id }, 'urlencoded', bearer(editor.token));
    expect(await totalHitsOf(`id:${id}`)).toBe(0);
  });

  it('removes every asset of a comma-separated ids list', async () => {
    const first = await uploadAsset(editor.token);
    const second = await uploadAsset(editor.token);
    const response = await post('remove', { ids: `${first},${second}` }, 'urlencoded', bearer(editor.token));
    expect(await bodyOf(response)).toEqual({ processedCount: 2, errorCount: 0 });
    expect([await isLive(first), await isLive(second)]).toEqual([false, false]);
  });

  it('counts an unknown id as an error and still removes the others', async () => {
    const id = await uploadAsset(editor.token);
    const response = await post('remove', { ids: `${'D'.repeat(22)},${id}` }, 'urlencoded', bearer(editor.token));
    expect(await bodyOf(response)).toEqual({ processedCount: 1, errorCount: 1 });
    expect(await isLive(id)).toBe(false);
  });

  it('counts a malformed id as an error', async () => {
    const response = await post('remove', { ids: 'not-an-id' }, 'urlencoded', bearer(editor.token));
    expect(await bodyOf(response)).toEqual({ processedCount: 0, errorCount: 1 });
  });

  it('counts an asset already removed as an error', async () => {
    const id = await uploadAsset(editor.token);
    await post('remove', { ids: id }, 'urlencoded', bearer(editor.token));
    const response = await post('remove', { ids: id }, 'urlencoded', bearer(editor.token));
    expect(await bodyOf(response)).toEqual({ processedCount: 0, errorCount: 1 });
  });

  it("counts as an error another user's asset removed by a CONTRIBUTOR, and keeps it", async () => {
    const contributor = await api.createUser('CONTRIBUTOR');
    const others = await uploadAsset(editor.token);
    const response = await post('remove', { ids: others }, 'urlencoded', bearer(contributor.token));
    expect(await bodyOf(response)).toEqual({ processedCount: 0, errorCount: 1 });
    expect(await isLive(others)).toBe(true);
  });

  it('lets a CONTRIBUTOR remove its own asset beside an error for another user’s', async () => {
    const contributor = await api.createUser('CONTRIBUTOR');
    const own = await uploadAsset(contributor.token);
    const others = await uploadAsset(editor.token);
    const response = await post('remove', { ids: `${others},${own}` }, 'urlencoded', bearer(contributor.token));
    expect(await bodyOf(response)).toEqual({ processedCount: 1, errorCount: 1 });
    expect(await isLive(own)).toBe(false);
  });

  it('counts as an error every asset a VIEWER asks to remove, and keeps it', async () => {
    const viewer = await api.createUser('VIEWER');
    const id = await uploadAsset(editor.token);
    const response = await post('remove', { ids: id }, 'urlencoded', bearer(viewer.token));
    expect(await bodyOf(response)).toEqual({ processedCount: 0, errorCount: 1 });
    expect(await isLive(id)).toBe(true);
  });

  it('counts as an error an asset checked out by another user, and keeps it (case 29)', async () => {
    const holder = await api.createUser('EDITOR');
    const id = await uploadAsset(holder.token);
    await post(`checkout/${id}`, {}, 'urlencoded', bearer(holder.token));
    const response = await post('remove', { ids: id }, 'urlencoded', bearer(editor.token));
    expect(await bodyOf(response)).toEqual({ processedCount: 0, errorCount: 1 });
    expect(await isLive(id)).toBe(true);
  });

  it('removes by q every asset the query finds', async () => {
    const folder = freshFolder();
    const ids = [await uploadInto(editor.token, folder), await uploadInto(editor.token, folder)];
    const response = await post('remove', { q: `folderPath:"${folder}"` }, 'urlencoded', bearer(editor.token));
    expect(await bodyOf(response)).toEqual({ processedCount: 2, errorCount: 0 });
    expect(await Promise.all(ids.map(isLive))).toEqual([false, false]);
  });

  it('leaves alone what the q does not find', async () => {
    const kept = await uploadAsset(editor.token);
    const removed = await uploadAsset(editor.token);
    await post('remove', { q: `id:${removed}` }, 'urlencoded', bearer(editor.token));
    expect(await isLive(kept)).toBe(true);
  });

  it('answers {processedCount: 0, errorCount: 0} for a q that finds nothing', async () => {
    const response = await post('remove', { q: `id:${'E'.repeat(22)}` }, 'urlencoded', bearer(editor.token));
    expect(await bodyOf(response)).toEqual({ processedCount: 0, errorCount: 0 });
  });

  it('counts as errors, by q, the assets of another user a CONTRIBUTOR may not remove, and removes its own', async () => {
    const contributor = await api.createUser('CONTRIBUTOR');
    const folder = freshFolder();
    const own = await uploadInto(contributor.token, folder);
    const others = await uploadInto(editor.token, folder);
    const response = await post('remove', { q: `folderPath:"${folder}"` }, 'urlencoded', bearer(contributor.token));
    expect(await bodyOf(response)).toEqual({ processedCount: 1, errorCount: 1 });
    expect([await isLive(own), await isLive(others)]).toEqual([false, true]);
  });

  it('refuses a malformed q with err(400)', async () => {
    await expectError(await post('remove', { q: 'noSuchField:x' }, 'urlencoded', bearer(editor.token)), 400);
  });

  it('removes by folderPath every asset in and below the folder', async () => {
    const folder = freshFolder();
    const ids = [await uploadInto(editor.token, folder), await uploadInto(editor.token, `${folder}/sub`)];
    const response = await post('remove', { folderPath: folder }, 'urlencoded', bearer(editor.token));
    expect(await bodyOf(response)).toEqual({ processedCount: 2, errorCount: 0 });
    expect(await Promise.all(ids.map(isLive))).toEqual([false, false]);
  });

  it('removes by folderPath the folder itself', async () => {
    const folder = freshFolder();
    await uploadInto(editor.token, folder);
    await post('remove', { folderPath: folder }, 'urlencoded', bearer(editor.token));
    expect(await folderExists(api, adminToken, folder)).toBe(false);
  });

  it('leaves alone by folderPath the assets of a sibling folder that shares its prefix', async () => {
    const folder = freshFolder();
    await uploadInto(editor.token, folder);
    const sibling = await uploadInto(editor.token, `${folder}-sibling`);
    await post('remove', { folderPath: folder }, 'urlencoded', bearer(editor.token));
    expect(await isLive(sibling)).toBe(true);
  });

  it("removes nothing by folderPath for a CONTRIBUTOR when the folder holds another user's asset", async () => {
    const contributor = await api.createUser('CONTRIBUTOR');
    const folder = freshFolder();
    const others = await uploadInto(editor.token, folder);
    await post('remove', { folderPath: folder }, 'urlencoded', bearer(contributor.token));
    expect(await isLive(others)).toBe(true);
  });

  it('refuses folderPath=/ (the root) with err(400) and removes nothing', async () => {
    const id = await uploadAsset(editor.token);
    await expectError(await post('remove', { folderPath: '/' }, 'urlencoded', bearer(adminToken)), 400);
    expect(await isLive(id)).toBe(true);
  });

  it('refuses a folderPath that does not exist with err(404)', async () => {
    await expectError(await post('remove', { folderPath: freshFolder() }, 'urlencoded', bearer(editor.token)), 404);
  });

  it('refuses a folderPath with a ".." segment with err(400)', async () => {
    const folder = freshFolder();
    await uploadInto(editor.token, folder);
    const response = await post('remove', { folderPath: `${folder}/x/..` }, 'urlencoded', bearer(editor.token));
    await expectError(response, 400);
  });

  it('uses q when q and ids are both given', async () => {
    const byQuery = await uploadAsset(editor.token);
    const byIds = await uploadAsset(editor.token);
    await post('remove', { q: `id:${byQuery}`, ids: byIds }, 'urlencoded', bearer(editor.token));
    expect([await isLive(byQuery), await isLive(byIds)]).toEqual([false, true]);
  });

  it('uses q when q and folderPath are both given', async () => {
    const folder = freshFolder();
    const inFolder = await uploadInto(editor.token, folder);
    const byQuery = await uploadAsset(editor.token);
    await post('remove', { q: `id:${byQuery}`, folderPath: folder }, 'urlencoded', bearer(editor.token));
    expect([await isLive(byQuery), await isLive(inFolder)]).toEqual([false, true]);
  });

  it('uses ids when ids and folderPath are both given', async () => {
    const folder = freshFolder();
    const inFolder = await uploadInto(editor.token, folder);
    const byIds = await uploadAsset(editor.token);
    await post('remove', { ids: byIds, folderPath: folder }, 'urlencoded', bearer(editor.token));
    expect([await isLive(byIds), await isLive(inFolder)]).toEqual([false, true]);
  });

  it('refuses a call with none of q, ids and folderPath with err(400) (case 26)', async () => {
    await expectError(await post('remove', {}, 'urlencoded', bearer(editor.token)), 400);
  });

  it('refuses GET with 405 and removes nothing', async () => {
    const id = await uploadAsset(editor.token);
    await expectError(await get('remove', { ids: id }, bearer(editor.token)), 405);
    expect(await isLive(id)).toBe(true);
  });

  it('refuses a cookie session without X-CSRF-TOKEN with err(403) and removes nothing', async () => {
    const id = await uploadAsset(editor.token);
    await expectError(await post('remove', { ids: id }, 'urlencoded', await sessionOf(editor, false)), 403);
    expect(await isLive(id)).toBe(true);
  });

  it('removes for a cookie session with X-CSRF-TOKEN', async () => {
    const id = await uploadAsset(editor.token);
    const response = await post('remove', { ids: id }, 'urlencoded', await sessionOf(editor, true));
    expect(await bodyOf(response)).toEqual({ processedCount: 1, errorCount: 0 });
  });
});

describe('/services/asset/history', () => {
  let editor: TestUser;

  beforeAll(async () => {
    editor = await api.createUser('EDITOR');
  });

  /** An asset with five entries: CREATE, SCAN, CHECKOUT, UNDO_CHECKOUT, CHECKOUT. */
  async function assetWithHistory() {
    const id = await scanned(await uploadAsset(editor.token));
    await post(`checkout/${id}`, {}, 'urlencoded', bearer(editor.token));
    await post(`undocheckout/${id}`, {}, 'urlencoded', bearer(editor.token));
    await post(`checkout/${id}`, {}, 'urlencoded', bearer(editor.token));
    return id;
  }

  describe.each(ENCODINGS)('with the parameters in the %s', (encoding) => {
    it('answers {totalHits, hits} for the asset', async () => {
      const id = await scanned(await uploadAsset(editor.token));
      const response = await post('asset/history', { id }, encoding, bearer(editor.token));
      expect(response.status).toBe(200);
      const body = await bodyOf(response);
      expect({ totalHits: body.totalHits, actions: actionsOf(body) }).toEqual({
        totalHits: 2,
        actions: ['CREATE', 'SCAN'],
      });
    });
  });

  it('describes each entry as a usageStatsRecord of the documented fields', async () => {
    const folder = freshFolder();
    const id = await scanned(await uploadInto(editor.token, folder, 'history.txt'));
    const body = await history({ id });
    expect(body.hits[0]).toEqual({
      usageStatsRecord: {
        id: expect.stringMatching(/.+/),
        logDate: expect.any(Number),
        userName: editor.username,
        action: 'CREATE',
        assetId: id,
        assetPath: `${folder}/history.txt`,
        assetDomain: expect.any(String),
        details: expect.objectContaining({ name: 'history.txt', folderPath: folder }),
        versionNumber: 1,
      },
    });
  });

  it('dates each entry in epoch milliseconds of when it happened', async () => {
    const before = Date.now();
    const id = await scanned(await uploadAsset(editor.token));
    const after = Date.now();
    const logDate = (await history({ id })).hits[0].usageStatsRecord.logDate;
    expect(logDate).toBeGreaterThanOrEqual(before - 1000);
    expect(logDate).toBeLessThanOrEqual(after + 1000);
  });

  it('lists checkout and undocheckout, oldest first, with actions=CHECKOUT,UNDO_CHECKOUT (case 34)', async () => {
    const id = await assetWithHistory();
    const body = await history({ id, detailLevel: 0, actions: 'CHECKOUT,UNDO_CHECKOUT' });
    expect({ totalHits: body.totalHits, actions: actionsOf(body) }).toEqual({
      totalHits: 3,
      actions: ['CHECKOUT', 'UNDO_CHECKOUT', 'CHECKOUT'],
    });
  });

  it('lists only CHECKOUT and CHECKIN entries with actions=CHECKOUT,CHECKIN after a check-in (case 34)', async () => {
    const id = await scanned(await uploadAsset(editor.token));
    await post(`checkout/${id}`, {}, 'urlencoded', bearer(editor.token));
    const checkin = await api.upload(
      'mutation($assetId: ID!, $file: Upload!) { checkin(assetId: $assetId, file: $file) { id } }',
      { assetId: id },
      { name: 'new.txt', content: `new ${randomUUID()}` },
      { token: editor.token },
    );
    if (checkin.errors) throw new Error(`checkin failed: ${JSON.stringify(checkin.errors)}`);
    const body = await history({ id, detailLevel: 0, actions: 'CHECKOUT,CHECKIN' });
    expect(actionsOf(body)).toEqual(['CHECKOUT', 'CHECKIN']);
  });

  it('leaves out the actions not asked for', async () => {
    const id = await assetWithHistory();
    const body = await history({ id, actions: 'UNDO_CHECKOUT' });
    expect({ totalHits: body.totalHits, actions: actionsOf(body) }).toEqual({
      totalHits: 1,
      actions: ['UNDO_CHECKOUT'],
    });
  });

  it('lists every entry without actions', async () => {
    const id = await assetWithHistory();
    expect(actionsOf(await history({ id }))).toEqual(['CREATE', 'SCAN', 'CHECKOUT', 'UNDO_CHECKOUT', 'CHECKOUT']);
  });

  it('names the user who acted', async () => {
    const other = await api.createUser('EDITOR');
    const id = await scanned(await uploadAsset(editor.token));
    await post(`checkout/${id}`, {}, 'urlencoded', bearer(other.token));
    const body = await history({ id, actions: 'CHECKOUT' });
    expect(body.hits[0].usageStatsRecord.userName).toBe(other.username);
  });

  it('pages with start and num, totalHits counting every entry', async () => {
    const id = await assetWithHistory();
    const body = await history({ id, start: 2, num: 2 });
    expect({ totalHits: body.totalHits, actions: actionsOf(body) }).toEqual({
      totalHits: 5,
      actions: ['CHECKOUT', 'UNDO_CHECKOUT'],
    });
  });

  it('answers no hits but the total for num=0', async () => {
    const id = await assetWithHistory();
    const body = await history({ id, num: 0 });
    expect({ totalHits: body.totalHits, hits: body.hits }).toEqual({ totalHits: 5, hits: [] });
  });

  it('answers no hits but the total for a start past the end', async () => {
    const id = await assetWithHistory();
    const body = await history({ id, start: 10 });
    expect({ totalHits: body.totalHits, hits: body.hits }).toEqual({ totalHits: 5, hits: [] });
  });

  it('pages what the actions filter leaves', async () => {
    const id = await assetWithHistory();
    const body = await history({ id, actions: 'CHECKOUT', start: 1, num: 5 });
    expect({ totalHits: body.totalHits, count: body.hits.length }).toEqual({ totalHits: 2, count: 1 });
  });

  it('answers GET as well', async () => {
    const id = await scanned(await uploadAsset(editor.token));
    const response = await get('asset/history', { id }, bearer(editor.token));
    expect(response.status).toBe(200);
    expect((await bodyOf(response)).totalHits).toBe(2);
  });

  it('lets a VIEWER read the history', async () => {
    const viewer = await api.createUser('VIEWER');
    const id = await scanned(await uploadAsset(editor.token));
    expect((await history({ id }, viewer.token)).totalHits).toBe(2);
  });

  it('records a remove in the history', async () => {
    const id = await scanned(await uploadAsset(editor.token));
    await post('remove', { ids: id }, 'urlencoded', bearer(editor.token));
    expect(actionsOf(await history({ id }))).toEqual(['CREATE', 'SCAN', 'REMOVE']);
  });

  describe.each(['start', 'num'])('%s', (name) => {
    it.each(['-1', 'abc', '1.5'])('refuses %j with err(400)', async (value) => {
      const id = await scanned(await uploadAsset(editor.token));
      await expectError(await post('asset/history', { id, [name]: value }, 'urlencoded', bearer(editor.token)), 400);
    });
  });

  it('refuses a call without id with err(400)', async () => {
    await expectError(await post('asset/history', {}, 'urlencoded', bearer(editor.token)), 400);
  });

  it('answers err(404) for an unknown asset id', async () => {
    await expectError(await post('asset/history', { id: 'F'.repeat(22) }, 'urlencoded', bearer(editor.token)), 404);
  });

  it('answers err(400) for a malformed asset id', async () => {
    await expectError(await post('asset/history', { id: 'no such id' }, 'urlencoded', bearer(editor.token)), 400);
  });

  it('refuses a call without credentials with err(401)', async () => {
    const id = await scanned(await uploadAsset(editor.token));
    await expectError(await post('asset/history', { id }), 401);
  });
});

describe('/services/collection/add and /services/collection/remove', () => {
  let editor: TestUser;

  beforeAll(async () => {
    editor = await api.createUser('EDITOR');
  });

  /** A collection and two assets beside it, all the editor's. */
  async function collectionAndAssets() {
    const folder = freshFolder();
    const collection = await createCollection(editor.token, folder);
    return {
      collection,
      first: await uploadInto(editor.token, folder),
      second: await uploadInto(editor.token, folder),
    };
  }

  const change = (kind: 'add' | 'remove', params: Params, token = editor.token) =>
    post(`collection/${kind}`, params, 'urlencoded', bearer(token));

  const childrenOf = async (collectionId: string) =>
    (await search(`relatedTo:${collectionId} relationTarget:child relationType:contains`)).hits
      .map((hit: any) => hit.id)
      .sort();

  it('adds the childIds to the collection as contains relations and answers {}', async () => {
    const { collection, first, second } = await collectionAndAssets();
    const response = await change('add', { collectionId: collection.id, childIds: `${first},${second}` });
    expect(response.status).toBe(200);
    expect(await bodyOf(response)).toEqual({});
    expect(await childrenOf(collection.id)).toEqual([first, second].sort());
  });

  it('takes the childIds out of the collection and leaves the others', async () => {
    const { collection, first, second } = await collectionAndAssets();
    await change('add', { collectionId: collection.id, childIds: `${first},${second}` });
    const response = await change('remove', { collectionId: collection.id, childIds: first });
    expect(response.status).toBe(200);
    expect(await childrenOf(collection.id)).toEqual([second]);
  });

  it.each([
    'add',
    'remove',
  ] as const)('%s refuses a call without collectionId or childIds with err(400)', async (kind) => {
    const { collection, first } = await collectionAndAssets();
    await expectError(await change(kind, { childIds: first }), 400);
    await expectError(await change(kind, { collectionId: collection.id }), 400);
  });

  it('refuses a collectionId that is not a collection with err(400), adding nothing', async () => {
    const { first, second } = await collectionAndAssets();
    await expectError(await change('add', { collectionId: first, childIds: second }), 400);
    expect(await childrenOf(first)).toEqual([]);
  });

  it('refuses an unknown childId with err(404), adding none of the others', async () => {
    const { collection, first } = await collectionAndAssets();
    await expectError(
      await change('add', { collectionId: collection.id, childIds: `${first},${'A'.repeat(22)}` }),
      404,
    );
    expect(await childrenOf(collection.id)).toEqual([]);
  });

  it.each(['add', 'remove'] as const)('%s is refused to a VIEWER with err(403)', async (kind) => {
    const { collection, first } = await collectionAndAssets();
    if (kind === 'remove') await change('add', { collectionId: collection.id, childIds: first });
    const viewer = await api.createUser('VIEWER');
    await expectError(await change(kind, { collectionId: collection.id, childIds: first }, viewer.token), 403);
    expect(await childrenOf(collection.id)).toEqual(kind === 'add' ? [] : [first]);
  });

  it('refuses a cookie session without X-CSRF-TOKEN with err(403) and adds nothing', async () => {
    const { collection, first } = await collectionAndAssets();
    const headers = await sessionOf(editor, false);
    await expectError(
      await post('collection/add', { collectionId: collection.id, childIds: first }, 'urlencoded', headers),
      403,
    );
    expect(await childrenOf(collection.id)).toEqual([]);
  });

  it('refuses GET with 405', async () => {
    const { collection, first } = await collectionAndAssets();
    const response = await get(
      'collection/add',
      { collectionId: collection.id, childIds: first },
      bearer(editor.token),
    );
    expect(response.status).toBe(405);
    expect(await childrenOf(collection.id)).toEqual([]);
  });

  it('refuses a call without credentials with err(401)', async () => {
    await expectError(await post('collection/add', { collectionId: 'A'.repeat(22), childIds: 'B'.repeat(22) }), 401);
  });
});

describe('/services/logUsage', () => {
  let editor: TestUser;

  beforeAll(async () => {
    editor = await api.createUser('EDITOR');
  });

  const logUsage = (params: Params, token = editor.token) => post('logUsage', params, 'urlencoded', bearer(token));

  /** The entries asset/history shows for `id` with a CUSTOM_ACTION_ action. */
  async function usageOf(id: string) {
    const body = await history({ id });
    return body.hits
      .map((hit: any) => hit.usageStatsRecord)
      .filter((record: any) => record.action.startsWith('CUSTOM_ACTION_'));
  }

  it('records the action in the asset history, with the other parameters as details, and answers {}', async () => {
    const id = await uploadAsset(editor.token);
    const response = await logUsage({ assetId: id, action: 'CUSTOM_ACTION_PRINTED', copies: 3 });
    expect(response.status).toBe(200);
    expect(await bodyOf(response)).toEqual({});
    expect(await usageOf(id)).toEqual([
      expect.objectContaining({
        action: 'CUSTOM_ACTION_PRINTED',
        userName: editor.username,
        details: { action: 'CUSTOM_ACTION_PRINTED', copies: '3' },
      }),
    ]);
  });

  it('takes assetID, as the Postman collection sends it', async () => {
    const id = await uploadAsset(editor.token);
    expect((await logUsage({ assetID: id, action: 'CUSTOM_ACTION_VIEWED' })).status).toBe(200);
    expect((await usageOf(id)).map((record: any) => record.action)).toEqual(['CUSTOM_ACTION_VIEWED']);
  });

  it('is what asset/history finds with actions=CUSTOM_ACTION_...', async () => {
    const id = await uploadAsset(editor.token);
    await logUsage({ assetId: id, action: 'CUSTOM_ACTION_PRINTED' });
    await logUsage({ assetId: id, action: 'CUSTOM_ACTION_VIEWED' });
    const body = await history({ id, actions: 'CUSTOM_ACTION_VIEWED' });
    expect(body.hits.map((hit: any) => hit.usageStatsRecord.action)).toEqual(['CUSTOM_ACTION_VIEWED']);
  });

  it('lets a VIEWER log the use of an asset it may see', async () => {
    const id = await uploadAsset(editor.token);
    const viewer = await api.createUser('VIEWER');
    expect((await logUsage({ assetId: id, action: 'CUSTOM_ACTION_VIEWED' }, viewer.token)).status).toBe(200);
  });

  it.each([
    ['no action', {}],
    ['an action without the CUSTOM_ACTION_ prefix', { action: 'PRINTED' }],
    ['an action with other characters', { action: 'CUSTOM_ACTION_a b' }],
    [
      'more than 20 details',
      { action: 'CUSTOM_ACTION_X', ...Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`d${i}`, 'x'])) },
    ],
    ['a detail over 1000 characters', { action: 'CUSTOM_ACTION_X', note: 'x'.repeat(1001) }],
  ])('refuses %s with err(400) and logs nothing', async (_problem, params) => {
    const id = await uploadAsset(editor.token);
    await expectError(await logUsage({ assetId: id, ...params }), 400);
    expect(await usageOf(id)).toEqual([]);
  });

  it('refuses a call without assetId with err(400)', async () => {
    await expectError(await logUsage({ action: 'CUSTOM_ACTION_X' }), 400);
  });

  it('answers an unknown asset with err(404)', async () => {
    await expectError(await logUsage({ assetId: 'A'.repeat(22), action: 'CUSTOM_ACTION_X' }), 404);
  });

  it('refuses GET with 405', async () => {
    const id = await uploadAsset(editor.token);
    expect((await get('logUsage', { assetId: id, action: 'CUSTOM_ACTION_X' }, bearer(editor.token))).status).toBe(405);
  });

  it('refuses a call without credentials with err(401)', async () => {
    await expectError(await post('logUsage', { assetId: 'A'.repeat(22), action: 'CUSTOM_ACTION_X' }), 401);
  });
});

describe('/services/browse', () => {
  let editor: TestUser;

  beforeAll(async () => {
    editor = await api.createUser('EDITOR');
  });

  /** A folder with subfolders s1 and s2 (s2 with a child of its own), a.txt, b.jpg and a collection. */
  async function folderWithContent() {
    const folder = freshFolder();
    await post('createFolder', { path: `${folder}/s1` }, 'urlencoded', bearer(editor.token));
    await post('createFolder', { path: `${folder}/s2/deeper` }, 'urlencoded', bearer(editor.token));
    const text = await uploadInto(editor.token, folder, 'a.txt');
    const image = await uploadInto(editor.token, folder, 'b.jpg');
    const collection = await createCollection(editor.token, folder, 'c');
    return { folder, text, image, collection };
  }

  describe.each(ENCODINGS)('with the parameters in the %s', (encoding) => {
    it('lists the child folders and the collections of the folder', async () => {
      const { folder } = await folderWithContent();
      const response = await post('browse', { path: folder }, encoding, bearer(editor.token));
      expect(response.status).toBe(200);
      expect(namesOf(await bodyOf(response))).toEqual(['c.collection', 's1', 's2']);
    });
  });

  it('describes a child folder as a browsable directory', async () => {
    const { folder } = await folderWithContent();
    const entries = await browse({ path: folder, includeAssets: false });
    expect(entries[0]).toEqual({
      name: 's1',
      assetPath: `${folder}/s1`,
      directory: true,
      collection: false,
      browsable: true,
      permissionMask: expect.any(String),
      removing: false,
    });
  });

  it('gives a folder the full permission mask for a user who may organize folders', async () => {
    const { folder } = await folderWithContent();
    const entries = await browse({ path: folder, includeAssets: false }, editor.token);
    expect(entries.map((entry) => entry.permissionMask)).toEqual(['VPWUMERXCD', 'VPWUMERXCD']);
  });

  it('gives a folder a mask without the rights to change it for a VIEWER', async () => {
    const { folder } = await folderWithContent();
    const viewer = await api.createUser('VIEWER');
    const entries = await browse({ path: folder, includeAssets: false }, viewer.token);
    expect(entries.map((entry) => entry.permissionMask)).toEqual(['VPWU------', 'VPWU------']);
  });

  it('describes a collection as a browsable collection with its containerId (case 16)', async () => {
    const { folder, collection } = await folderWithContent();
    const entries = await browse({ path: folder, includeFolders: false });
    expect(entries).toEqual([
      {
        name: 'c.collection',
        assetPath: `${folder}/c.collection`,
        directory: false,
        collection: true,
        browsable: true,
        containerId: collection.id,
        permissionMask: expect.any(String),
        removing: false,
      },
    ]);
  });

  it('lists only the direct child folders, not those below them', async () => {
    const { folder } = await folderWithContent();
    const entries = await browse({ path: folder, includeAssets: false });
    expect(namesOf(entries)).toEqual(['s1', 's2']);
  });

  it('lists every asset of the folder with includeExtensions=all', async () => {
    const { folder } = await folderWithContent();
    const entries = await browse({ path: folder, includeFolders: false, includeExtensions: 'all' });
    expect(namesOf(entries)).toEqual(['a.txt', 'b.jpg', 'c.collection']);
  });

  it('describes a plain asset as neither directory nor collection', async () => {
    const { folder } = await folderWithContent();
    const entries = await browse({ path: folder, includeFolders: false, includeExtensions: 'all' });
    expect(entries.find((entry) => entry.name === 'a.txt')).toEqual(
      expect.objectContaining({ assetPath: `${folder}/a.txt`, directory: false, collection: false }),
    );
  });

  it('lists the assets of the extensions given in includeExtensions, with or without the dot', async () => {
    const { folder } = await folderWithContent();
    const entries = await browse({ path: folder, includeFolders: false, includeExtensions: '.txt,jpg' });
    expect(namesOf(entries)).toEqual(['a.txt', 'b.jpg']);
  });

  it('leaves out folders with includeFolders=false', async () => {
    const { folder } = await folderWithContent();
    const entries = await browse({ path: folder, includeFolders: false });
    expect(entries.some((entry) => entry.directory)).toBe(false);
  });

  it('leaves out assets with includeAssets=false', async () => {
    const { folder } = await folderWithContent();
    const entries = await browse({ path: folder, includeAssets: false, includeExtensions: 'all' });
    expect(entries.every((entry) => entry.directory)).toBe(true);
  });

  it('leaves out removed assets', async () => {
    const { folder, collection } = await folderWithContent();
    await post('remove', { ids: collection.id }, 'urlencoded', bearer(editor.token));
    const entries = await browse({ path: folder, includeFolders: false, includeExtensions: 'all' });
    expect(namesOf(entries)).toEqual(['a.txt', 'b.jpg']);
  });

  it('leaves out a folder removed by remove folderPath', async () => {
    const { folder } = await folderWithContent();
    await post('remove', { folderPath: `${folder}/s2` }, 'urlencoded', bearer(editor.token));
    expect(namesOf(await browse({ path: folder, includeAssets: false }))).toEqual(['s1']);
  });

  it('answers a non-empty array for path=/ (case 22)', async () => {
    await folderWithContent();
    const entries = await browse({ path: '/' });
    expect(entries.map((entry) => entry.assetPath)).toContain('/wworg');
  });

  it('lists a collection that sorts after 500 other assets of the folder', async () => {
    const folder = freshFolder();
    const names = Array.from({ length: 500 }, (_, index) => `a-${String(index).padStart(3, '0')}.txt`);
    for (let from = 0; from < names.length; from += 25) {
      await Promise.all(names.slice(from, from + 25).map((name) => uploadInto(editor.token, folder, name)));
    }
    await createCollection(editor.token, folder, 'z');
    expect(namesOf(await browse({ path: folder, includeFolders: false }))).toEqual(['z.collection']);
  }, 120_000);

  it('answers an empty array for an empty folder', async () => {
    const folder = freshFolder();
    await post('createFolder', { path: folder }, 'urlencoded', bearer(editor.token));
    expect(await browse({ path: folder })).toEqual([]);
  });

  it('answers GET as well', async () => {
    const { folder } = await folderWithContent();
    const response = await get('browse', { path: folder, includeAssets: false }, bearer(editor.token));
    expect(namesOf(await bodyOf(response))).toEqual(['s1', 's2']);
  });

  it('answers a GET of a cookie session without X-CSRF-TOKEN', async () => {
    const { folder } = await folderWithContent();
    const response = await get('browse', { path: folder }, await sessionOf(editor, false));
    expect(namesOf(await bodyOf(response))).toEqual(['c.collection', 's1', 's2']);
  });

  it('lists the child folders of a path given with a trailing "/"', async () => {
    const { folder } = await folderWithContent();
    expect(namesOf(await browse({ path: `${folder}/`, includeAssets: false }))).toEqual(['s1', 's2']);
  });

  it('refuses a call without path with err(400)', async () => {
    await expectError(await post('browse', {}, 'urlencoded', bearer(editor.token)), 400);
  });

  it('refuses includeFolders=maybe with err(400)', async () => {
    const response = await post('browse', { path: '/', includeFolders: 'maybe' }, 'urlencoded', bearer(editor.token));
    await expectError(response, 400);
  });

  describe.each(BAD_PATHS)('a path with %s', (_problem, pathOf) => {
    it('is refused with err(400)', async () => {
      const { folder } = await folderWithContent();
      await expectError(await post('browse', { path: pathOf(folder) }, 'urlencoded', bearer(editor.token)), 400);
    });

    it('is refused with err(400) with includeAssets=false too', async () => {
      const { folder } = await folderWithContent();
      const response = await post(
        'browse',
        { path: pathOf(folder), includeAssets: false },
        'urlencoded',
        bearer(editor.token),
      );
      await expectError(response, 400);
    });
  });

  it('refuses a call without credentials with err(401)', async () => {
    await expectError(await post('browse', { path: '/' }), 401);
  });
});
