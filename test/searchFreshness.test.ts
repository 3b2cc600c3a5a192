import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Asset } from '../src/db/entities/Asset.js';
import { dataOf, freshFolder, uploadAs } from './support/graphqlCalls.js';
import { TEST_DATABASE_URL } from './support/testDatabase.js';
import { startTestServer, type TestServer } from './support/testServer.js';

/*
 * Search after issue #6: facet counts from the in-memory index follow every write, this instance's and
 * another's on the same database; facet selections; metadata ranges over the numeric copy of each value;
 * ids matched exactly; users named in a query; paging when the hits are read in index order; the cap on
 * facet values. Each group works in folders of its own, so that what it counts is only what it made.
 */

const UPDATE = `mutation($id: ID!, $input: UpdateAssetInput!) { updateAsset(id: $id, input: $input) { id } }`;
const DELETE = 'mutation($id: ID!) { deleteAsset(id: $id) { id } }';
const CHECKOUT = 'mutation($assetId: ID!) { checkout(assetId: $assetId) { checkedOutBy } }';

const SEARCH = `query($first: Int, $after: String, $query: String, $sort: String, $facets: [String!],
  $facetSelection: [FacetSelectionInput!], $includeDeleted: Boolean) {
  assets(first: $first, after: $after, query: $query, sort: $sort, facets: $facets, facetSelection: $facetSelection,
    includeDeleted: $includeDeleted) {
    totalCount
    edges { node { id } }
    pageInfo { hasNextPage endCursor }
    facets { field values { value hitCount selected } }
  }
}`;

interface SearchArgs {
  query: string;
  first?: number;
  after?: string | null;
  sort?: string;
  facets?: string[];
  facetSelection?: { field: string; values: string[] }[];
  includeDeleted?: boolean;
}

interface FacetValue {
  value: string;
  hitCount: number;
  selected: boolean;
}

interface Page {
  totalCount: number;
  edges: { node: { id: string } }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  facets: { field: string; values: FacetValue[] }[];
}

let api: TestServer;
let admin: string;

beforeAll(async () => {
  api = await startTestServer();
  admin = await api.adminToken();
});

afterAll(() => api?.close());

/** Uploads a small file and returns its id. */
async function upload(
  name: string,
  folderPath: string,
  metadata?: Record<string, unknown>,
  options: { token?: string; on?: TestServer } = {},
): Promise<string> {
  const asset = await uploadAs(options.on ?? api, options.token ?? admin, {
    name,
    content: `content of ${name} ${randomUUID()}`,
    input: { folderPath, ...(metadata ? { metadata } : {}) },
  });
  return asset.id;
}

async function mutate(
  query: string,
  variables: Record<string, unknown>,
  options: { token?: string; on?: TestServer } = {},
) {
  return dataOf(options.on ?? api, query, variables, options.token ?? admin);
}

async function search(args: SearchArgs, on: TestServer = api): Promise<Page> {
  const result = await on.graphql<{ assets: Page }>(SEARCH, { first: 100, ...args }, { token: admin });
  if (!result.data?.assets || result.errors) throw new Error(`search failed: ${JSON.stringify(result.errors)}`);
  return result.data.assets;
}

/** The counts of one facet over the hits of `query`, as value -> hitCount. */
async function facetCounts(query: string, field: string, on: TestServer = api): Promise<Record<string, number>> {
  const found = await search({ query, facets: [field] }, on);
  return Object.fromEntries((found.facets[0]?.values ?? []).map((value) => [value.value, value.hitCount]));
}

/** The ids a query finds, sorted. */
async function idsFound(query: string): Promise<string[]> {
  const found = await search({ query });
  return found.edges.map((edge) => edge.node.id).sort();
}

const sorted = (ids: (string | undefined)[]) => [...ids].sort();

describe('facet counts after writes made once a field was counted', () => {
  it('moves the counts of a tag changed on an asset', async () => {
    const folder = freshFolder();
    const [changed] = await Promise.all([
      upload('a.txt', folder, { tags: ['red'] }),
      upload('b.txt', folder, { tags: ['red', 'blue'] }),
    ]);
    expect(await facetCounts(`ancestorPaths:${folder}`, 'tags')).toEqual({ red: 2, blue: 1 });
    await mutate(UPDATE, { id: changed, input: { metadata: { tags: ['blue'] } } });
    expect(await facetCounts(`ancestorPaths:${folder}`, 'tags')).toEqual({ red: 1, blue: 2 });
  });

  it('counts every one of the many tags of an asset, and only those it keeps when they change', async () => {
    const folder = freshFolder();
    const many = ['t1', 't2', 't3', 't4', 't5', 't6', 't7'];
    const [changed] = await Promise.all([
      upload('many.txt', folder, { tags: many }),
      upload('few.txt', folder, { tags: ['t1', 't7'] }),
    ]);
    expect(await facetCounts(`ancestorPaths:${folder}`, 'tags')).toEqual({
      t1: 2,
      t2: 1,
      t3: 1,
      t4: 1,
      t5: 1,
      t6: 1,
      t7: 2,
    });
    await mutate(UPDATE, { id: changed, input: { metadata: { tags: ['t2', 't9'] } } });
    expect(await facetCounts(`ancestorPaths:${folder}`, 'tags')).toEqual({ t1: 1, t2: 1, t7: 1, t9: 1 });
  });

  it('selects an asset by the sixth of its tags', async () => {
    const folder = freshFolder();
    const [many] = await Promise.all([
      upload('many.txt', folder, { tags: ['s1', 's2', 's3', 's4', 's5', 's6'] }),
      upload('other.txt', folder, { tags: ['s1'] }),
    ]);
    const found = await search({
      query: `ancestorPaths:${folder}`,
      facets: ['extension'],
      facetSelection: [{ field: 'tags', values: ['s6'] }],
    });
    expect(found.edges.map((edge) => edge.node.id)).toEqual([many]);
  });

  it('adds a new upload to the count of its value', async () => {
    const folder = freshFolder();
    await upload('first.png', folder);
    expect(await facetCounts(`ancestorPaths:${folder}`, 'extension')).toEqual({ png: 1 });
    await Promise.all([upload('second.png', folder), upload('third.jpg', folder)]);
    expect(await facetCounts(`ancestorPaths:${folder}`, 'extension')).toEqual({ png: 2, jpg: 1 });
  });

  it('leaves a deleted asset out of the counts', async () => {
    const folder = freshFolder();
    const [deleted] = await Promise.all([
      upload('a.txt', folder, { tags: ['amber'] }),
      upload('b.txt', folder, { tags: ['amber', 'jade'] }),
    ]);
    expect(await facetCounts(`ancestorPaths:${folder}`, 'tags')).toEqual({ amber: 2, jade: 1 });
    await mutate(DELETE, { id: deleted });
    expect(await facetCounts(`ancestorPaths:${folder}`, 'tags')).toEqual({ amber: 1, jade: 1 });
  });

  it('counts a moved asset under its new folderPath', async () => {
    const folder = freshFolder();
    const [moved] = await Promise.all([upload('a.txt', `${folder}/from`), upload('b.txt', `${folder}/from`)]);
    expect(await facetCounts(`ancestorPaths:${folder}`, 'folderPath')).toEqual({ [`${folder}/from`]: 2 });
    await mutate(UPDATE, { id: moved, input: { folderPath: `${folder}/to` } });
    expect(await facetCounts(`ancestorPaths:${folder}`, 'folderPath')).toEqual({
      [`${folder}/from`]: 1,
      [`${folder}/to`]: 1,
    });
  });

  it('counts a renamed file under its new extension', async () => {
    const folder = freshFolder();
    const [renamed] = await Promise.all([upload('notes.txt', folder), upload('other.txt', folder)]);
    expect(await facetCounts(`ancestorPaths:${folder}`, 'extension')).toEqual({ txt: 2 });
    await mutate(UPDATE, { id: renamed, input: { name: 'notes.md' } });
    expect(await facetCounts(`ancestorPaths:${folder}`, 'extension')).toEqual({ txt: 1, md: 1 });
  });
});

describe('facet counts with a second instance on the same database', () => {
  let second: TestServer;

  beforeAll(async () => {
    second = await startTestServer({ dataDir: api.dataDir });
  });

  // stop, not close: close would drop the database and the folder that the first instance still uses
  afterAll(() => second?.stop());

  it('counts a tag changed through the other instance', async () => {
    const folder = freshFolder();
    const id = await upload('a.txt', folder, { tags: ['green'] });
    expect(await facetCounts(`ancestorPaths:${folder}`, 'tags')).toEqual({ green: 1 });
    await mutate(UPDATE, { id, input: { metadata: { tags: ['yellow'] } } }, { on: second });
    expect(await facetCounts(`ancestorPaths:${folder}`, 'tags')).toEqual({ yellow: 1 });
  });

  it('counts an asset uploaded through the other instance', async () => {
    const folder = freshFolder();
    await upload('a.txt', folder, { tags: ['green'] });
    expect(await facetCounts(`ancestorPaths:${folder}`, 'tags')).toEqual({ green: 1 });
    await upload('b.txt', folder, { tags: ['green', 'violet'] }, { on: second });
    expect(await facetCounts(`ancestorPaths:${folder}`, 'tags')).toEqual({ green: 2, violet: 1 });
  });

  it('counts on the other instance a tag changed through this one after the other counted', async () => {
    const folder = freshFolder();
    const id = await upload('a.txt', folder, { tags: ['green'] }, { on: second });
    expect(await facetCounts(`ancestorPaths:${folder}`, 'tags', second)).toEqual({ green: 1 });
    await mutate(UPDATE, { id, input: { metadata: { tags: ['indigo'] } } });
    expect(await facetCounts(`ancestorPaths:${folder}`, 'tags', second)).toEqual({ indigo: 1 });
  });
});

describe.runIf(TEST_DATABASE_URL)('facet counts on PostgreSQL, where writes may commit out of order', () => {
  it('counts a change that commits after a later-numbered one was already counted', async () => {
    const folder = freshFolder();
    const early = await upload('early.txt', folder, { tags: ['green'] });
    const later = await upload('later.txt', folder, { tags: ['green'] });
    expect(await facetCounts(`ancestorPaths:${folder}`, 'tags')).toEqual({ green: 2 });
    await api.server.orm.em.fork().transactional(async (tx) => {
      await tx.nativeUpdate(Asset, { id: early }, { metadata: { tags: ['amber'] } });
      await mutate(UPDATE, { id: later, input: { metadata: { tags: ['jade'] } } });
      expect(await facetCounts(`ancestorPaths:${folder}`, 'tags')).toEqual({ green: 1, jade: 1 });
    });
    expect(await facetCounts(`ancestorPaths:${folder}`, 'tags')).toEqual({ amber: 1, jade: 1 });
  });
});

describe('facet selections', () => {
  const folder = freshFolder();
  const query = `ancestorPaths:${folder}`;
  const ids = new Map<string, string>();
  const JPG_AND_SEA = [
    { field: 'extension', values: ['jpg'] },
    { field: 'tags', values: ['sea'] },
  ];

  beforeAll(async () => {
    const seed: [name: string, tags: string[]][] = [
      ['a1.jpg', ['sea']],
      ['a2.jpg', ['sea', 'boats']],
      ['a3.png', ['sea']],
      ['a4.png', ['coast']],
      ['a5.txt', ['boats']],
      ['a6.jpg', ['coast']],
    ];
    await Promise.all(seed.map(async ([name, tags]) => ids.set(name, await upload(name, folder, { tags }))));
  });

  const countsOf = (found: Page, field: string) =>
    Object.fromEntries(
      (found.facets.find((facet) => facet.field === field)?.values ?? []).map((value) => [value.value, value.hitCount]),
    );

  it('counts each facet under the other selection and not under its own', async () => {
    const found = await search({
      query,
      facets: ['extension', 'tags'],
      facetSelection: JPG_AND_SEA,
    });
    // extension under tags:sea (a1, a2, a3); tags under extension:jpg (a1, a2, a6)
    expect(countsOf(found, 'extension')).toEqual({ jpg: 2, png: 1 });
    expect(countsOf(found, 'tags')).toEqual({ sea: 2, boats: 1, coast: 1 });
  });

  it('gives the hits and totalCount under every selection at once', async () => {
    const found = await search({
      query,
      facets: ['extension', 'tags'],
      facetSelection: JPG_AND_SEA,
    });
    expect(found.totalCount).toBe(2);
    expect(found.edges.map((edge) => edge.node.id).sort()).toEqual(sorted([ids.get('a1.jpg'), ids.get('a2.jpg')]));
  });

  it('gives the same totalCount with selections but no facets asked for', async () => {
    const found = await search({
      query,
      facetSelection: JPG_AND_SEA,
    });
    expect(found.totalCount).toBe(2);
  });

  it('selects values whatever their case, and marks them selected', async () => {
    const found = await search({
      query,
      facets: ['extension', 'tags'],
      facetSelection: [
        { field: 'extension', values: ['JPG'] },
        { field: 'tags', values: ['Sea'] },
      ],
    });
    expect(found.totalCount).toBe(2);
    expect(countsOf(found, 'extension')).toEqual({ jpg: 2, png: 1 });
    expect(countsOf(found, 'tags')).toEqual({ sea: 2, boats: 1, coast: 1 });
    const selected = found.facets.flatMap((facet) =>
      facet.values.filter((value) => value.selected).map((value) => `${facet.field}:${value.value}`),
    );
    expect(selected.sort()).toEqual(['extension:jpg', 'tags:sea']);
  });
});

describe('ranges over metadata numbers', () => {
  const folder = freshFolder();
  const batch = `batch-${randomUUID()}`;
  const inFolder = (range: string) => `ancestorPaths:${folder} AND ${range}`;
  const keyOf = new Map<string, string>();

  /** The keys of the assets a query finds, sorted. */
  async function keysFound(query: string): Promise<string[]> {
    return (await idsFound(query)).map((id) => keyOf.get(id) ?? `other:${id}`).sort();
  }

  beforeAll(async () => {
    const ratings: [key: string, rating: unknown][] = [
      ['three', 3],
      ['four', 4],
      ['four-as-text', '4'],
      ['five', 5],
      ['six', 6],
      ['minus-two-and-a-half', -2.5],
      ['minus-one-as-text', '-1'],
      ['three-quarters', 0.75],
      ['four-and-a-quarter-as-text', '4.25'],
      ['abc', 'abc'],
      ['empty', ''],
    ];
    const editions: [key: string, edition: unknown][] = [
      ['edition-four', 4],
      ['edition-three-to-five', '3-5'],
      ['edition-version', '4.1.2'],
      ['edition-date', '2024-01-01'],
      ['edition-exponent', '1e3'],
    ];
    await Promise.all([
      ...ratings.map(async ([key, rating]) => keyOf.set(await upload(`${key}.txt`, folder, { batch, rating }), key)),
      ...editions.map(async ([key, edition]) => keyOf.set(await upload(`${key}.txt`, folder, { batch, edition }), key)),
    ]);
  });

  it('matches a JSON number and text that reads as that number alike', async () => {
    expect(await keysFound(inFolder('rating:[4 TO 4]'))).toEqual(['four', 'four-as-text']);
  });

  it('includes both ends of [3 TO 5], numbers and numeric text alike', async () => {
    expect(await keysFound(inFolder('rating:[3 TO 5]'))).toEqual(
      ['five', 'four', 'four-and-a-quarter-as-text', 'four-as-text', 'three'].sort(),
    );
  });

  it('never matches "abc" or empty text, not even where reading them as a number would give 0', async () => {
    expect(await keysFound(inFolder('rating:[-1 TO 1]'))).toEqual(['minus-one-as-text', 'three-quarters']);
    expect(await keysFound(inFolder('rating:[0 TO 0]'))).toEqual([]);
  });

  it('compares negative numbers', async () => {
    expect(await keysFound(inFolder('rating:[-3 TO -1]'))).toEqual(['minus-one-as-text', 'minus-two-and-a-half']);
  });

  it('compares decimal numbers', async () => {
    expect(await keysFound(inFolder('rating:[0.5 TO 0.8]'))).toEqual(['three-quarters']);
    expect(await keysFound(inFolder('rating:[4.2 TO 4.3]'))).toEqual(['four-and-a-quarter-as-text']);
  });

  it('leaves the upper end open with [4 TO *]', async () => {
    expect(await keysFound(inFolder('rating:[4 TO *]'))).toEqual(
      ['five', 'four', 'four-and-a-quarter-as-text', 'four-as-text', 'six'].sort(),
    );
  });

  it('leaves the lower end open with [* TO 0]', async () => {
    expect(await keysFound(inFolder('rating:[* TO 0]'))).toEqual(['minus-one-as-text', 'minus-two-and-a-half']);
  });

  it('leaves both ends out of {3 TO 5}', async () => {
    expect(await keysFound(inFolder('rating:{3 TO 5}'))).toEqual(
      ['four', 'four-and-a-quarter-as-text', 'four-as-text'].sort(),
    );
  });

  it('leaves one end out of [3 TO 5} and of {3 TO 5]', async () => {
    expect(await keysFound(inFolder('rating:[3 TO 5}'))).toEqual(
      ['four', 'four-and-a-quarter-as-text', 'four-as-text', 'three'].sort(),
    );
    expect(await keysFound(inFolder('rating:{3 TO 5]'))).toEqual(
      ['five', 'four', 'four-and-a-quarter-as-text', 'four-as-text'].sort(),
    );
  });

  it('matches alike when an exact metadata term leads the query (the range checked per hit)', async () => {
    expect(await keysFound(`batch:${batch} AND rating:[4 TO *]`)).toEqual(
      ['five', 'four', 'four-and-a-quarter-as-text', 'four-as-text', 'six'].sort(),
    );
    expect(await keysFound(`batch:${batch} AND rating:[-1 TO 1]`)).toEqual(['minus-one-as-text', 'three-quarters']);
  });

  it('never matches text that is not a plain decimal number (3-5, 4.1.2, 2024-01-01, 1e3)', async () => {
    expect.soft(await keysFound(inFolder('edition:[3 TO 5]'))).toEqual(['edition-four']);
    expect.soft(await keysFound(inFolder('edition:[2000 TO 2100]'))).toEqual([]);
    expect.soft(await keysFound(inFolder('edition:[999 TO 1001]'))).toEqual([]);
  });

  it('refuses a bound that is not a number', async () => {
    const result = await api.graphql(SEARCH, { query: inFolder('rating:[abc TO 5]') }, { token: admin });
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.message).toContain('"abc" is not a number');
  });
});

describe('several metadata terms joined by AND', () => {
  const batch = `batch-${randomUUID()}`;
  const keyOf = new Map<string, string>();

  async function keysFound(query: string): Promise<string[]> {
    return (await idsFound(query)).map((id) => keyOf.get(id) ?? `other:${id}`).sort();
  }

  beforeAll(async () => {
    const folder = freshFolder();
    const assets: [key: string, metadata: Record<string, unknown>][] = [
      ['red-sea-3', { tags: ['red', 'sea'], rating: 3, year: 2020 }],
      ['red-sea-5', { tags: ['red', 'sea'], rating: 5, year: 2024 }],
      ['red-3', { tags: ['red'], rating: 3, year: 2024 }],
      ['sea-4', { tags: ['sea', 'sea'], rating: 4, year: 2021 }],
      ['scores', { tags: ['red'], rating: [1, 4, 9], year: 2022 }],
    ];
    await Promise.all(
      assets.map(async ([key, metadata]) => keyOf.set(await upload(`${key}.txt`, folder, { batch, ...metadata }), key)),
    );
  });

  it('needs every exact term to match', async () => {
    expect(await keysFound(`batch:${batch} AND tags:red AND tags:sea`)).toEqual(['red-sea-3', 'red-sea-5']);
  });

  it('needs every range to match, whichever comes first', async () => {
    expect(await keysFound(`rating:[3 TO 4] AND year:[2021 TO 2024] AND batch:${batch}`)).toEqual([
      'red-3',
      'scores',
      'sea-4',
    ]);
  });

  it('finds an asset once when several of its values match (a repeated tag, numbers of one field)', async () => {
    const found = await search({ query: `batch:${batch} AND tags:sea AND rating:[0 TO 10]` });
    expect(found.totalCount).toBe(3);
    expect(await keysFound(`batch:${batch} AND rating:[1 TO 9]`)).toEqual([
      'red-3',
      'red-sea-3',
      'red-sea-5',
      'scores',
      'sea-4',
    ]);
  });

  it('leaves a deleted asset out of the hits and the total, and finds it with includeDeleted', async () => {
    const folder = freshFolder();
    const word = `word${randomUUID().slice(0, 8)}`;
    const [gone] = await Promise.all([
      upload('gone.txt', folder, { batch, tags: ['gone'], rating: 2, note: word }),
      upload('kept.txt', folder, { batch, tags: ['gone'], rating: 2, note: word }),
    ]);
    await mutate(DELETE, { id: gone });
    // Metadata terms, a free-text word, and a pattern inside a word (which lists the indexed words first).
    for (const query of [`batch:${batch} AND tags:gone AND rating:[2 TO 2]`, word, `*${word.slice(2)}`]) {
      const live = await search({ query });
      expect.soft(live.totalCount, query).toBe(1);
      expect
        .soft(
          live.edges.map((edge) => edge.node.id),
          query,
        )
        .not.toContain(gone);
      const all = await search({ query, includeDeleted: true });
      expect.soft(all.totalCount, query).toBe(2);
      expect
        .soft(
          all.edges.map((edge) => edge.node.id),
          query,
        )
        .toContain(gone);
    }
  });

  it('joins the terms of a group in parentheses with those around it', async () => {
    expect(await keysFound(`(batch:${batch} AND rating:[5 TO 5]) AND tags:sea`)).toEqual(['red-sea-5']);
  });

  it('leaves the terms under NOT and OR to themselves', async () => {
    expect(await keysFound(`batch:${batch} AND tags:red AND NOT rating:[3 TO 3]`)).toEqual(['red-sea-5', 'scores']);
    expect(await keysFound(`batch:${batch} AND (rating:[5 TO 5] OR year:[2021 TO 2021])`)).toEqual([
      'red-sea-5',
      'sea-4',
    ]);
  });
});

describe('id: matched exactly', () => {
  let id: string;

  beforeAll(async () => {
    id = await upload('exact.txt', freshFolder());
  });

  const swappedCase = (text: string) =>
    text.replace(/[A-Za-z]/g, (letter) =>
      letter === letter.toLowerCase() ? letter.toUpperCase() : letter.toLowerCase(),
    );

  it('finds the asset by its exact id', async () => {
    expect(await idsFound(`id:${id}`)).toEqual([id]);
  });

  it('finds nothing by the id with the case of its letters changed', async () => {
    const changed = swappedCase(id);
    expect(changed).not.toBe(id);
    const found = await search({ query: `id:${changed}` });
    expect(found.edges).toEqual([]);
    expect(found.totalCount).toBe(0);
  });
});

describe('assetCreator, assetModifier and checkedOutBy', () => {
  const folder = freshFolder();
  let contributor: { id: string; username: string; token: string };
  let editor: { id: string; username: string; token: string };
  let byContributor: string[];
  let byAdmin: string;

  beforeAll(async () => {
    [contributor, editor] = await Promise.all([api.createUser('CONTRIBUTOR'), api.createUser('EDITOR')]);
    [byAdmin, ...byContributor] = await Promise.all([
      upload('admin.txt', folder),
      upload('c1.txt', folder, undefined, { token: contributor.token }),
      upload('c2.txt', folder, undefined, { token: contributor.token }),
    ]);
  });

  it('assetCreator finds the assets of that user, whatever the case of the username', async () => {
    expect(await idsFound(`assetCreator:${contributor.username.toUpperCase()}`)).toEqual(sorted(byContributor));
  });

  it('assetCreator:adm* finds the assets of the users whose name starts so', async () => {
    expect(await idsFound(`ancestorPaths:${folder} AND assetCreator:adm*`)).toEqual([byAdmin]);
  });

  it('takes _ and % in a username pattern as themselves, not as LIKE wildcards', async () => {
    expect(await idsFound(`ancestorPaths:${folder} AND assetCreator:a_min*`)).toEqual([]);
    expect(await idsFound(`ancestorPaths:${folder} AND assetCreator:a%n`)).toEqual([]);
  });

  it('finds nothing for a username that no user has', async () => {
    const found = await search({ query: `assetCreator:nobody-${randomUUID()}` });
    expect(found.edges).toEqual([]);
    expect(found.totalCount).toBe(0);
  });

  it('assetModifier finds the assets that user changed last', async () => {
    const changed = byContributor[0];
    await mutate(
      UPDATE,
      { id: changed, input: { metadata: { note: 'changed by the editor' } } },
      { token: editor.token },
    );
    expect(await idsFound(`ancestorPaths:${folder} AND assetModifier:${editor.username}`)).toEqual([changed]);
  });

  it('checkedOutBy finds what that user has checked out, once it is', async () => {
    const held = byContributor[1];
    expect(await idsFound(`checkedOutBy:${editor.username}`)).toEqual([]);
    await mutate(CHECKOUT, { assetId: held }, { token: editor.token });
    expect(await idsFound(`checkedOutBy:${editor.username}`)).toEqual([held]);
  });
});

describe('paging through many hits (read in index order)', () => {
  const folder = freshFolder();
  /** id -> assetCreated (ms), of the assets each query should find */
  const many = new Map<string, number>();
  const few = new Map<string, number>();

  beforeAll(async () => {
    // 120 assets: 100 in many/, 3 in few/, 17 in other/, uploaded ten at a time.
    const targets = Array.from({ length: 120 }, (_, index) =>
      [6, 7, 112].includes(index) ? 'few' : index % 7 === 3 ? 'other' : 'many',
    );
    const uploaded: { id: string; target: string }[] = [];
    for (let start = 0; start < targets.length; start += 10) {
      const batch = targets.slice(start, start + 10);
      uploaded.push(
        ...(await Promise.all(
          batch.map(async (target, offset) => ({
            id: await upload(`p-${start + offset}.txt`, `${folder}/${target}`),
            target,
          })),
        )),
      );
    }
    // Three assets per creation time, so that pages break ties by id; written straight to the table
    // (no API sets assetCreated).
    const base = Date.UTC(2023, 0, 1);
    const em = api.server.orm.em.fork();
    for (const [index, { id, target }] of uploaded.entries()) {
      const created = base + Math.floor(index / 3) * 60_000;
      await em.nativeUpdate(Asset, { id }, { createdAt: new Date(created) });
      if (target === 'many') many.set(id, created);
      if (target === 'few') few.set(id, created);
    }
  }, 60_000);

  /** Every page of a search, `first` at a time: the ids in the order listed, and each page's totalCount. */
  async function walk(query: string, sort: string | undefined, first: number) {
    const seen: string[] = [];
    const totals = new Set<number>();
    let after: string | null = null;
    for (let pageNumber = 0; pageNumber < 100; pageNumber++) {
      const found = await search({ query, first, after, ...(sort ? { sort } : {}) });
      seen.push(...found.edges.map((edge) => edge.node.id));
      totals.add(found.totalCount);
      if (!found.pageInfo.hasNextPage) break;
      after = found.pageInfo.endCursor;
    }
    return { seen, totals: [...totals] };
  }

  const newestFirst = (created: Map<string, number>) =>
    [...created].sort(([a, at], [b, bt]) => bt - at || (a < b ? 1 : -1)).map(([id]) => id);
  const oldestFirst = (created: Map<string, number>) => [...newestFirst(created)].reverse();

  it('lists each of 100 hits out of 120 once, newest first, in pages of 10', async () => {
    const { seen, totals } = await walk(`folderPath:${folder}/many`, undefined, 10);
    expect(totals).toEqual([100]);
    expect(seen).toEqual(newestFirst(many));
  });

  it('lists each of 100 hits out of 120 once, oldest first with assetCreated-asc, in pages of 10', async () => {
    const { seen, totals } = await walk(`folderPath:${folder}/many`, 'assetCreated-asc', 10);
    expect(totals).toEqual([100]);
    expect(seen).toEqual(oldestFirst(many));
  });

  it('lists each of 3 hits out of 120 once, in both orders, in pages of 2', async () => {
    const newest = await walk(`folderPath:${folder}/few`, undefined, 2);
    expect(newest.totals).toEqual([3]);
    expect(newest.seen).toEqual(newestFirst(few));
    const oldest = await walk(`folderPath:${folder}/few`, 'assetCreated-asc', 2);
    expect(oldest.seen).toEqual(oldestFirst(few));
  });
});

describe('a facet over many distinct values', () => {
  it('lists at most 100 values, the most frequent first, then by value', async () => {
    const folder = freshFolder();
    const code = (n: number) => `c${String(n).padStart(3, '0')}`;
    // Listed last to first, so that neither upload order nor list order is the expected order.
    const codes = (count: number) => Array.from({ length: count }, (_, index) => code(count - 1 - index));
    await Promise.all([
      upload('all.txt', folder, { code: codes(150) }),
      upload('half.txt', folder, { code: codes(50) }),
      upload('few.txt', folder, { code: codes(20) }),
    ]);
    const found = await search({ query: `ancestorPaths:${folder}`, facets: ['code'] });
    const expected = [
      ...Array.from({ length: 20 }, (_, n) => [code(n), 3]),
      ...Array.from({ length: 30 }, (_, n) => [code(20 + n), 2]),
      ...Array.from({ length: 50 }, (_, n) => [code(50 + n), 1]),
    ];
    expect(found.facets[0]?.values.map((value) => [value.value, value.hitCount])).toEqual(expected);
  });
});
