import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, freshFolder, uploadAs } from './support/graphqlCalls.js';
import { restartRerunning } from './support/migrationRerun.js';
import { startTestServer, type TestServer } from './support/testServer.js';
import { bearer } from './support/woodwingCalls.js';

/*
 * Issue #15: assets (and folders) stored with `tags` as a comma string before every write kept it as a list.
 * The TagLists migration rewrites them as lists and the search index follows. The old rows are written into
 * the database directly, then the migration runs again on a restart.
 */

const SEARCH = `query($query: String, $facets: [String!]) {
  assets(first: 10, query: $query, facets: $facets) {
    edges { node { id metadata } }
    facets { field values { value hitCount } }
  }
}`;

interface Found {
  assets: {
    edges: { node: { id: string; metadata: Record<string, unknown> } }[];
    facets: { field: string; values: { value: string; hitCount: number }[] }[];
  };
}

const marker = randomUUID().slice(0, 8);
const [red, blue] = [`red${marker}`, `blue${marker}`];
const folder = freshFolder();
const recordPath = freshFolder('/tagfolders');
let api: TestServer;
let admin: string;
let assetId: string;

beforeAll(async () => {
  const before = await startTestServer();
  const token = await before.adminToken();
  ({ id: assetId } = await uploadAs(before, token, { input: { folderPath: folder } }));
  const metadata = JSON.stringify({ title: 'old row', tags: ` ${red}, ${blue},,${red}` });
  await before.sql('update assets set metadata = ? where id = ?', [metadata, assetId]);
  const created = await fetch(`${before.url}/api/folder`, {
    method: 'POST',
    headers: { ...bearer(token), 'content-type': 'application/json' },
    body: JSON.stringify({ path: recordPath }),
  });
  expect(created.status).toBe(201);
  await before.sql('update folders set metadata = ? where path = ?', [
    JSON.stringify({ tags: `${red},${blue}` }),
    recordPath,
  ]);
  api = await restartRerunning(before, 'Migration20261207120000TagLists');
  admin = await api.adminToken();
});
afterAll(() => api?.close());

const search = (query: string, facets?: string[]) => dataOf<Found>(api, SEARCH, { query, facets }, admin);

describe('an asset stored with tags as a comma string, after the TagLists migration', () => {
  it('is found by tags:<one of them>', async () => {
    const found = await search(`tags:${blue}`);
    expect(found.assets.edges.map((edge) => edge.node.id)).toEqual([assetId]);
  });

  it('holds its tags as a list, trimmed, without blanks or repeats, its other fields unchanged', async () => {
    const found = await search(`tags:${red}`);
    expect(found.assets.edges[0]?.node.metadata).toEqual({ title: 'old row', tags: [red, blue] });
  });

  it('counts once under each of its tags in the tags facet', async () => {
    const found = await search(`ancestorPaths:"${folder}"`, ['tags']);
    const tags = found.assets.facets.find((facet) => facet.field === 'tags')?.values ?? [];
    expect(Object.fromEntries(tags.map((value) => [value.value, value.hitCount]))).toEqual({ [red]: 1, [blue]: 1 });
  });

  it('is no longer found by the whole old string', async () => {
    const found = await search(`tags:"${red},${blue}"`);
    expect(found.assets.edges).toEqual([]);
  });
});

describe('a folder record stored with tags as a comma string, after the TagLists migration', () => {
  it('holds its tags as a list', async () => {
    const response = await fetch(`${api.url}/api/folder/get?path=${encodeURIComponent(recordPath)}`, {
      headers: bearer(admin),
    });
    expect(((await response.json()) as { metadata: unknown }).metadata).toEqual({ tags: [red, blue] });
  });
});
