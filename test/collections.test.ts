import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, errorCodeOf, freshFolder, uploadInto } from './support/graphqlCalls.js';
import { startTestServer, type TestServer } from './support/testServer.js';

const CREATE = `mutation($input: CreateCollectionInput!) {
  createCollection(input: $input) { id name folderPath size metadata versionNumber }
}`;
const ADD = 'mutation($c: ID!, $ids: [ID!]!) { addToCollection(collectionId: $c, assetIds: $ids) }';
const REMOVE = 'mutation($c: ID!, $ids: [ID!]!) { removeFromCollection(collectionId: $c, assetIds: $ids) }';
const RELATE = `mutation($input: CreateRelationInput!) { createRelation(input: $input) { id } }`;
const RELATIONS = 'query($id: ID!) { asset(id: $id) { relations { relationType target1Id target2Id } } }';
const DOMAIN = 'query($q: String!) { assets(first: 1, query: $q) { edges { node { id } } } }';

let api: TestServer;
let contributor: string;
let other: string;

beforeAll(async () => {
  api = await startTestServer();
  contributor = (await api.createUser('CONTRIBUTOR')).token;
  other = (await api.createUser('CONTRIBUTOR')).token;
});
afterAll(() => api.close());

async function createCollection(input: Record<string, unknown>, token = contributor) {
  return (await dataOf(api, CREATE, { input: { folderPath: freshFolder(), ...input } }, token)).createCollection;
}

async function add(collectionId: string, assetIds: string[], token = contributor): Promise<number> {
  return (await dataOf(api, ADD, { c: collectionId, ids: assetIds }, token)).addToCollection;
}

async function remove(collectionId: string, assetIds: string[], token = contributor): Promise<number> {
  return (await dataOf(api, REMOVE, { c: collectionId, ids: assetIds }, token)).removeFromCollection;
}

async function contentOf(collectionId: string): Promise<string[]> {
  const data = await dataOf(api, RELATIONS, { id: collectionId }, contributor);
  return data.asset.relations
    .filter((relation: { relationType: string; target1Id: string }) => relation.relationType === 'contains')
    .map((relation: { target2Id: string }) => relation.target2Id)
    .sort();
}

async function assets(count: number, token = contributor): Promise<string[]> {
  const folder = freshFolder();
  const made = [];
  for (let i = 0; i < count; i++) made.push((await uploadInto(api, token, folder, `item-${i}.txt`)).id);
  return made.sort();
}

describe('createCollection', () => {
  it('creates an asset named <name>.collection in the given folder', async () => {
    const folderPath = freshFolder();
    const collection = await createCollection({ name: 'Holiday', folderPath });
    expect(collection).toMatchObject({ name: 'Holiday.collection', folderPath, versionNumber: 1 });
  });

  it('does not add .collection twice', async () => {
    expect((await createCollection({ name: 'Ready.collection' })).name).toBe('Ready.collection');
  });

  it('has a 0-byte file, as WoodWing makes a collection', async () => {
    expect((await createCollection({ name: 'Sized' })).size).toBe(0);
  });

  it('keeps the metadata given', async () => {
    expect((await createCollection({ name: 'Tagged', metadata: { title: 'Trip' } })).metadata).toEqual({
      title: 'Trip',
    });
  });

  it('is a container: assetDomain:container finds it', async () => {
    const collection = await createCollection({ name: 'Findable' });
    const data = await dataOf(api, DOMAIN, { q: `id:${collection.id} assetDomain:container` }, contributor);
    expect(data.assets.edges.map((edge: { node: { id: string } }) => edge.node.id)).toEqual([collection.id]);
  });

  it('is refused to a VIEWER', async () => {
    const viewer = (await api.createUser('VIEWER')).token;
    expect(await errorCodeOf(api, CREATE, { input: { name: 'No' } }, viewer)).toBe('FORBIDDEN');
  });

  it('refuses a bad folderPath', async () => {
    expect(await errorCodeOf(api, CREATE, { input: { name: 'Bad', folderPath: '/a/../b' } }, contributor)).toBe(
      'BAD_USER_INPUT',
    );
  });
});

describe('addToCollection', () => {
  it('adds the assets as contains relations from the collection and returns how many', async () => {
    const collection = await createCollection({ name: 'Box' });
    const items = await assets(2);
    expect(await add(collection.id, items)).toBe(2);
    expect(await contentOf(collection.id)).toEqual(items);
  });

  it('skips assets already in the collection and counts only the new ones', async () => {
    const collection = await createCollection({ name: 'Box' });
    const [first, second] = await assets(2);
    await add(collection.id, [first!]);
    expect(await add(collection.id, [first!, second!])).toBe(1);
    expect(await contentOf(collection.id)).toEqual([first, second].sort());
  });

  it('counts an asset given twice once', async () => {
    const collection = await createCollection({ name: 'Box' });
    const [item] = await assets(1);
    expect(await add(collection.id, [item!, item!])).toBe(1);
  });

  it('is refused with CONFLICT for an asset joined to the collection by another relation', async () => {
    const collection = await createCollection({ name: 'Box' });
    const [item] = await assets(1);
    await dataOf(
      api,
      RELATE,
      { input: { relationType: 'related', target1Id: item, target2Id: collection.id } },
      contributor,
    );
    expect(await errorCodeOf(api, ADD, { c: collection.id, ids: [item] }, contributor)).toBe('CONFLICT');
  });

  it('refuses an asset that is not a collection as BAD_USER_INPUT', async () => {
    const [notACollection, item] = await assets(2);
    expect(await errorCodeOf(api, ADD, { c: notACollection, ids: [item] }, contributor)).toBe('BAD_USER_INPUT');
  });

  it('refuses to put a collection into itself', async () => {
    const collection = await createCollection({ name: 'Box' });
    expect(await errorCodeOf(api, ADD, { c: collection.id, ids: [collection.id] }, contributor)).toBe('BAD_USER_INPUT');
  });

  it('is NOT_FOUND for an asset that does not exist, and adds nothing', async () => {
    const collection = await createCollection({ name: 'Box' });
    const [item] = await assets(1);
    const code = await errorCodeOf(api, ADD, { c: collection.id, ids: [item, 'AAAAAAAAAAAAAAAAAAAAAA'] }, contributor);
    expect(code).toBe('NOT_FOUND');
    expect(await contentOf(collection.id)).toEqual([]);
  });

  it("is refused to a CONTRIBUTOR for another user's collection", async () => {
    const collection = await createCollection({ name: 'Theirs' }, other);
    const [item] = await assets(1);
    expect(await errorCodeOf(api, ADD, { c: collection.id, ids: [item] }, contributor)).toBe('FORBIDDEN');
  });
});

describe('removeFromCollection', () => {
  it('removes the assets from the collection and returns how many were in it', async () => {
    const collection = await createCollection({ name: 'Box' });
    const [kept, removed] = await assets(2);
    await add(collection.id, [kept!, removed!]);
    expect(await remove(collection.id, [removed!])).toBe(1);
    expect(await contentOf(collection.id)).toEqual([kept]);
  });

  it('does not count assets that were not in it', async () => {
    const collection = await createCollection({ name: 'Box' });
    const [inside, outside] = await assets(2);
    await add(collection.id, [inside!]);
    expect(await remove(collection.id, [inside!, outside!, 'AAAAAAAAAAAAAAAAAAAAAA'])).toBe(1);
  });

  it('leaves a relation of another type alone', async () => {
    const collection = await createCollection({ name: 'Box' });
    const [item] = await assets(1);
    await dataOf(
      api,
      RELATE,
      { input: { relationType: 'related', target1Id: collection.id, target2Id: item } },
      contributor,
    );
    expect(await remove(collection.id, [item!])).toBe(0);
  });

  it('refuses an asset that is not a collection as BAD_USER_INPUT', async () => {
    const [notACollection, item] = await assets(2);
    expect(await errorCodeOf(api, REMOVE, { c: notACollection, ids: [item] }, contributor)).toBe('BAD_USER_INPUT');
  });

  it("is refused to a CONTRIBUTOR for another user's collection", async () => {
    const collection = await createCollection({ name: 'Theirs' }, other);
    const [item] = await assets(1, other);
    await add(collection.id, [item!], other);
    expect(await errorCodeOf(api, REMOVE, { c: collection.id, ids: [item] }, contributor)).toBe('FORBIDDEN');
    expect(await contentOf(collection.id)).toEqual([item]);
  });
});
