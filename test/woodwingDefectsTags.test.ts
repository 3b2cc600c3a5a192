import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, uploadAs } from './support/graphqlCalls.js';
import { startTestServerWithUser, type TestServer, type TestUser } from './support/testServer.js';
import { bearer, bodyOf, postServices, postServicesFile, termOf } from './support/woodwingCalls.js';

/*
 * Issue #15: a search by a tag finds the asset however its tags were set (GraphQL upload input or update,
 * WoodWing create with metadata JSON or a <field>= parameter, update, updatebulk), and totalCount equals
 * the hits, on GraphQL and on /services/search alike.
 */

let api: TestServer;
let user: TestUser;
let folder: string;
/** The assets made, by how their tags were set; each holds red, and those marked so blue too. */
const made = new Map<string, { id: string; blue: boolean }>();

const UPDATE_ASSET = 'mutation($id: ID!, $input: UpdateAssetInput!) { updateAsset(id: $id, input: $input) { id } }';

async function graphqlUpload(metadata: Record<string, unknown>): Promise<string> {
  return (await uploadAs(api, user.token, { input: { folderPath: folder, metadata } })).id;
}

async function woodwingCreate(fields: Record<string, string>): Promise<string> {
  const file = { name: `${randomUUID()}.txt`, content: randomUUID() };
  const response = await postServicesFile(
    api.url,
    'create',
    { folderPath: folder, ...fields },
    file,
    bearer(user.token),
  );
  return (await bodyOf(response)).id;
}

async function woodwingPost(path: string, params: Record<string, string>): Promise<void> {
  const response = await postServices(api.url, path, params, 'multipart', bearer(user.token));
  if (response.status !== 200) throw new Error(`${path} failed: ${await response.text()}`);
  await response.arrayBuffer();
}

beforeAll(async () => {
  ({ api, user } = await startTestServerWithUser('EDITOR'));
  folder = `/tags/${randomUUID()}`;
  made.set('GraphQL upload, a list', { id: await graphqlUpload({ tags: ['red', 'blue'] }), blue: true });
  made.set('GraphQL upload, a comma string', { id: await graphqlUpload({ tags: 'red, blue' }), blue: true });
  made.set('WoodWing create, metadata JSON list', {
    id: await woodwingCreate({ metadata: JSON.stringify({ tags: ['red'] }) }),
    blue: false,
  });
  made.set('WoodWing create, metadata JSON comma string', {
    id: await woodwingCreate({ metadata: JSON.stringify({ tags: 'red,blue' }) }),
    blue: true,
  });
  made.set('WoodWing create, tags=red,blue', { id: await woodwingCreate({ tags: 'red,blue' }), blue: true });

  const updated = await woodwingCreate({});
  await woodwingPost('update', { id: updated, tags: 'red,blue' });
  made.set('WoodWing update, tags=red,blue', { id: updated, blue: true });

  const added = await woodwingCreate({ tags: 'red' });
  await woodwingPost('update', { id: added, tags: '+blue' });
  made.set('WoodWing update, +blue onto tags=red', { id: added, blue: true });

  const bulk = await woodwingCreate({ metadata: JSON.stringify({ tags: 'red' }) });
  await woodwingPost('updatebulk', { q: `id:${bulk}`, tags: '+blue' });
  made.set('WoodWing updatebulk, +blue onto a string tag', { id: bulk, blue: true });

  const graphqlUpdated = await graphqlUpload({});
  await dataOf(api, UPDATE_ASSET, { id: graphqlUpdated, input: { metadata: { tags: 'red' } } }, user.token);
  made.set('GraphQL updateAsset, a string', { id: graphqlUpdated, blue: false });
});
afterAll(() => api.close());

const inFolder = (query: string) => `${termOf('folderPath', folder)} AND (${query})`;

async function woodwingSearch(query: string) {
  const response = await postServices(
    api.url,
    'search',
    { q: inFolder(query), num: 100 },
    'urlencoded',
    bearer(user.token),
  );
  const body = await bodyOf(response);
  return { total: body.totalHits, ids: body.hits.map((hit: { id: string }) => hit.id).sort() };
}

async function graphqlSearch(query: string) {
  const data = await dataOf(
    api,
    'query($q: String) { assets(query: $q, first: 100) { totalCount edges { node { id } } } }',
    { q: inFolder(query) },
    user.token,
  );
  return { total: data.assets.totalCount, ids: data.assets.edges.map((edge: any) => edge.node.id).sort() };
}

const expected = (wanted: (asset: { blue: boolean }) => boolean) => {
  const ids = [...made.values()].filter(wanted).map((asset) => asset.id);
  return { total: ids.length, ids: ids.sort() };
};

describe.each([
  ['/services/search', woodwingSearch],
  ['GraphQL assets(query:)', graphqlSearch],
])('%s', (_surface, search) => {
  it('finds every asset by tags:red, however its tags were set, with totalCount equal to the hits', async () => {
    expect(await search('tags:red')).toEqual(expected(() => true));
  });

  it('finds every asset by tags:red OR tags:blue, with totalCount equal to the hits', async () => {
    expect(await search('tags:red OR tags:blue')).toEqual(expected(() => true));
  });

  it('finds exactly the assets given blue by tags:blue', async () => {
    expect(await search('tags:blue')).toEqual(expected((asset) => asset.blue));
  });
});

it('stores a comma-separated tags value as a list, as a hit shows it', async () => {
  const id = await woodwingCreate({ tags: ' red , blue,red,' });
  const response = await postServices(
    api.url,
    'search',
    { q: `id:${id}`, metadataToReturn: 'tags' },
    'urlencoded',
    bearer(user.token),
  );
  expect((await bodyOf(response)).hits[0].metadata.tags).toEqual(['red', 'blue']);
});
