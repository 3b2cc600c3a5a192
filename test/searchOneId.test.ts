import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, freshFolder, uploadAs } from './support/graphqlCalls.js';
import { startTestServer, type TestServer, type TestUser } from './support/testServer.js';
import { bearer, bodyOf } from './support/woodwingCalls.js';

/*
 * WoodWing's `q=id:<id>` (one exact id, at most one hit) is answered without the general search's counting
 * and paging; these pin that it keeps every rule and every paging parameter of the one search.
 */

let api: TestServer;
let contributor: TestUser;
let outsider: TestUser;

beforeAll(async () => {
  api = await startTestServer();
  [contributor, outsider] = await Promise.all([api.createUser('CONTRIBUTOR'), api.createUser('VIEWER')]);
});
afterAll(() => api.close());

async function searchById(token: string, id: string, more: Record<string, string> = {}) {
  const query = new URLSearchParams({ q: `id:${id}`, ...more });
  const response = await fetch(`${api.url}/services/search?${query}`, { headers: bearer(token) });
  expect(response.status).toBe(200);
  const body = await bodyOf(response);
  return { totalHits: body.totalHits as number, ids: (body.hits as { id: string }[]).map((hit) => hit.id) };
}

const uploadAsContributor = (input: Record<string, unknown> = {}) =>
  uploadAs(api, contributor.token, { input: { folderPath: freshFolder(), ...input } });

describe('search by one id', () => {
  it('finds the asset with that id', async () => {
    const asset = await uploadAsContributor();
    expect(await searchById(contributor.token, asset.id)).toEqual({ totalHits: 1, ids: [asset.id] });
  });

  it('finds nothing for an id no asset has', async () => {
    expect(await searchById(contributor.token, 'AAAAAAAAAAAAAAAAAAAAAA')).toEqual({ totalHits: 0, ids: [] });
  });

  it('leaves a deleted asset out', async () => {
    const asset = await uploadAsContributor();
    await dataOf(api, 'mutation($id: ID!) { deleteAsset(id: $id) { id } }', { id: asset.id }, contributor.token);
    expect(await searchById(contributor.token, asset.id)).toEqual({ totalHits: 0, ids: [] });
  });

  it('leaves out an access-limited draft from a viewer it is not limited to', async () => {
    const asset = await uploadAsContributor({ draft: true, accessLimitedUserIds: [contributor.id] });
    expect(await searchById(outsider.token, asset.id)).toEqual({ totalHits: 0, ids: [] });
  });

  it('counts the hit but lists nothing past start', async () => {
    const asset = await uploadAsContributor();
    expect(await searchById(contributor.token, asset.id, { start: '1' })).toEqual({ totalHits: 1, ids: [] });
  });

  it('counts the hit but lists nothing for num=0', async () => {
    const asset = await uploadAsContributor();
    expect(await searchById(contributor.token, asset.id, { num: '0' })).toEqual({ totalHits: 1, ids: [] });
  });

  it('matches the id exactly, not as a prefix', async () => {
    const asset = await uploadAsContributor();
    expect(await searchById(contributor.token, asset.id.slice(0, 21))).toEqual({ totalHits: 0, ids: [] });
  });
});
