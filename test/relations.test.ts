import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, errorCodeOf, freshFolder, uploadInto } from './support/graphqlCalls.js';
import { startTestServer, type TestServer } from './support/testServer.js';

const RELATION = 'id relationType target1Id target2Id target1 { id } target2 { id } createdAt';
const CREATE = `mutation($input: CreateRelationInput!) { createRelation(input: $input) { ${RELATION} } }`;
const REMOVE = 'mutation($ids: [ID!]!) { removeRelations(ids: $ids) { processedCount errorCount } }';
const RELATIONS = 'query($id: ID!) { asset(id: $id) { relations { id relationType target1Id target2Id } } }';

interface RelationView {
  id: string;
  relationType: string;
  target1Id: string;
  target2Id: string;
}

let api: TestServer;
let contributor: string;
let other: string;

beforeAll(async () => {
  api = await startTestServer();
  contributor = (await api.createUser('CONTRIBUTOR')).token;
  other = (await api.createUser('CONTRIBUTOR')).token;
});
afterAll(() => api.close());

async function twoAssets(token = contributor): Promise<[string, string]> {
  const folder = freshFolder();
  const first = await uploadInto(api, token, folder, 'first.txt');
  const second = await uploadInto(api, token, folder, 'second.txt');
  return [first.id, second.id];
}

/** A draft only its creator (and ADMIN) may see. */
async function hiddenDraftOf(owner: { id: string; token: string }): Promise<string> {
  const result = await api.upload(
    'mutation($file: Upload!, $input: UploadAssetInput) { uploadAsset(file: $file, input: $input) { id } }',
    { input: { folderPath: freshFolder(), draft: true, accessLimitedUserIds: [owner.id] } },
    { name: 'secret.txt', content: 'secret' },
    { token: owner.token },
  );
  if (!result.data?.uploadAsset) throw new Error(`upload failed: ${JSON.stringify(result.errors)}`);
  return result.data.uploadAsset.id;
}

async function relate(target1Id: string, target2Id: string, relationType = 'related', token = contributor) {
  const data = await dataOf(api, CREATE, { input: { relationType, target1Id, target2Id } }, token);
  return data.createRelation as RelationView;
}

function refusalOf(target1Id: string, target2Id: string, relationType = 'related', token = contributor) {
  return errorCodeOf(api, CREATE, { input: { relationType, target1Id, target2Id } }, token);
}

async function relationsOf(id: string): Promise<RelationView[]> {
  return (await dataOf(api, RELATIONS, { id }, contributor)).asset.relations;
}

async function removeRelations(ids: string[], token = contributor) {
  return (await dataOf(api, REMOVE, { ids }, token)).removeRelations;
}

describe('createRelation', () => {
  it('relates two assets: target1 the parent, target2 the child', async () => {
    const [parent, child] = await twoAssets();
    const relation = await relate(parent, child, 'contains');
    expect(relation).toMatchObject({
      relationType: 'contains',
      target1Id: parent,
      target2Id: child,
      target1: { id: parent },
      target2: { id: child },
    });
  });

  it('records when the relation was made', async () => {
    const [parent, child] = await twoAssets();
    const before = Date.now();
    const relation = await relate(parent, child);
    expect(Date.parse((relation as RelationView & { createdAt: string }).createdAt)).toBeGreaterThanOrEqual(
      before - 1000,
    );
  });

  it('shows the relation on both assets', async () => {
    const [parent, child] = await twoAssets();
    const relation = await relate(parent, child);
    expect((await relationsOf(parent)).map((found) => found.id)).toEqual([relation.id]);
    expect((await relationsOf(child)).map((found) => found.id)).toEqual([relation.id]);
  });

  it('is refused with CONFLICT when a relation of the same type joins the two', async () => {
    const [parent, child] = await twoAssets();
    await relate(parent, child, 'related');
    expect(await refusalOf(parent, child, 'related')).toBe('CONFLICT');
  });

  it('is refused with CONFLICT when a relation of another type joins the two', async () => {
    const [parent, child] = await twoAssets();
    await relate(parent, child, 'related');
    expect(await refusalOf(parent, child, 'references')).toBe('CONFLICT');
  });

  it('is refused with CONFLICT when a relation joins the two the other way round', async () => {
    const [parent, child] = await twoAssets();
    await relate(parent, child, 'related');
    expect(await refusalOf(child, parent, 'variation')).toBe('CONFLICT');
  });

  it('is allowed again once the relation between the two is removed', async () => {
    const [parent, child] = await twoAssets();
    const relation = await relate(parent, child);
    await removeRelations([relation.id]);
    expect((await relate(child, parent)).target1Id).toBe(child);
  });

  it('refuses to relate an asset to itself', async () => {
    const [asset] = await twoAssets();
    expect(await refusalOf(asset, asset)).toBe('BAD_USER_INPUT');
  });

  it.each([
    ['an upper-case first letter', 'Related'],
    ['a space', 'is related'],
    ['an empty type', ''],
    ['65 characters', `r${'x'.repeat(64)}`],
  ])('refuses a relationType with %s', async (_problem, relationType) => {
    const [parent, child] = await twoAssets();
    expect(await refusalOf(parent, child, relationType)).toBe('BAD_USER_INPUT');
  });

  it('accepts a relationType of letters, digits, "_" and "-"', async () => {
    const [parent, child] = await twoAssets();
    expect((await relate(parent, child, 'see-also_2')).relationType).toBe('see-also_2');
  });

  it('is NOT_FOUND for an asset that does not exist', async () => {
    const [parent] = await twoAssets();
    expect(await refusalOf(parent, 'AAAAAAAAAAAAAAAAAAAAAA')).toBe('NOT_FOUND');
  });

  it('is NOT_FOUND for an asset the viewer may not see', async () => {
    const [parent] = await twoAssets();
    const hidden = await hiddenDraftOf(await api.createUser('CONTRIBUTOR'));
    expect(await refusalOf(parent, hidden)).toBe('NOT_FOUND');
  });

  it('is NOT_FOUND for a deleted asset', async () => {
    const [parent, child] = await twoAssets();
    await dataOf(api, 'mutation($id: ID!) { deleteAsset(id: $id) { id } }', { id: child }, contributor);
    expect(await refusalOf(parent, child)).toBe('NOT_FOUND');
  });

  it('lets a CONTRIBUTOR relate assets it did not create but may see', async () => {
    const [parent, child] = await twoAssets(other);
    expect((await relate(parent, child)).target1Id).toBe(parent);
  });

  it('is refused to a VIEWER', async () => {
    const [parent, child] = await twoAssets();
    const viewer = (await api.createUser('VIEWER')).token;
    expect(await refusalOf(parent, child, 'related', viewer)).toBe('FORBIDDEN');
  });
});

describe('removeRelations', () => {
  it('removes relations by id and counts them as processed', async () => {
    const [a, b] = await twoAssets();
    const [c] = await twoAssets();
    const first = await relate(a, b);
    const second = await relate(a, c);
    expect(await removeRelations([first.id, second.id])).toEqual({ processedCount: 2, errorCount: 0 });
    expect(await relationsOf(a)).toEqual([]);
  });

  it('counts an unknown id as an error and still removes the others', async () => {
    const [a, b] = await twoAssets();
    const relation = await relate(a, b);
    const result = await removeRelations([relation.id, 'AAAAAAAAAAAAAAAAAAAAAA', 'not-an-id']);
    expect(result).toEqual({ processedCount: 1, errorCount: 2 });
    expect(await relationsOf(a)).toEqual([]);
  });

  it('counts as an error a relation whose parent a CONTRIBUTOR did not create, and keeps it', async () => {
    const [a, b] = await twoAssets(other);
    const relation = await relate(a, b, 'related', other);
    expect(await removeRelations([relation.id])).toEqual({ processedCount: 0, errorCount: 1 });
    expect((await relationsOf(a)).map((found) => found.id)).toEqual([relation.id]);
  });

  it('lets the creator of the parent remove a relation someone else made', async () => {
    const [a, b] = await twoAssets();
    const relation = await relate(a, b, 'related', other);
    expect(await removeRelations([relation.id])).toEqual({ processedCount: 1, errorCount: 0 });
  });

  it('lets an EDITOR remove any relation', async () => {
    const [a, b] = await twoAssets(other);
    const relation = await relate(a, b, 'related', other);
    const editor = (await api.createUser('EDITOR')).token;
    expect(await removeRelations([relation.id], editor)).toEqual({ processedCount: 1, errorCount: 0 });
  });
});

describe('Asset.relations', () => {
  it('lists only the relations of that asset', async () => {
    const [a, b] = await twoAssets();
    const [c, d] = await twoAssets();
    const mine = await relate(a, b);
    await relate(c, d);
    expect((await relationsOf(a)).map((found) => found.id)).toEqual([mine.id]);
  });

  it('shows an end the viewer may not see as null', async () => {
    const owner = await api.createUser('CONTRIBUTOR');
    const [visible] = await twoAssets(owner.token);
    const hiddenId = await hiddenDraftOf(owner);
    await relate(visible, hiddenId, 'related', owner.token);
    const data = await dataOf(
      api,
      'query($id: ID!) { asset(id: $id) { relations { target2Id target2 { id } } } }',
      {
        id: visible,
      },
      contributor,
    );
    expect(data.asset.relations).toEqual([{ target2Id: hiddenId, target2: null }]);
  });
});
