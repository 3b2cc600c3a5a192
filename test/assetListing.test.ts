import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadAs } from './support/graphqlCalls.js';
import { eventually, startTestServer, type TestServer } from './support/testServer.js';

const UPDATE = `mutation($id: ID!, $input: UpdateAssetInput!) { updateAsset(id: $id, input: $input) { id } }`;
const DELETE = 'mutation($id: ID!) { deleteAsset(id: $id) { id } }';

const LIST = `query($first: Int, $after: String, $query: String, $folderPath: String, $includeDeleted: Boolean, $sort: String) {
  assets(first: $first, after: $after, query: $query, folderPath: $folderPath, includeDeleted: $includeDeleted, sort: $sort) {
    totalCount
    edges { cursor node { id name size } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;

interface ListArgs {
  first?: number;
  after?: string;
  query?: string;
  folderPath?: string;
  includeDeleted?: boolean;
  sort?: string;
}

interface Page {
  totalCount: number;
  edges: { cursor: string; node: { id: string; name: string; size: number } }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

interface Fixture {
  name: string;
  folderPath: string;
  size: number;
  metadata?: Record<string, unknown>;
}

/** In upload order; createdAt rises along the list. Sizes are unique except beach.jpg and notes.txt (a tie). */
const FIXTURES: Fixture[] = [
  { name: 'report.pdf', folderPath: '/docs', size: 300, metadata: { title: 'Quarterly report', tags: ['finance'] } },
  {
    name: 'harbour.jpg',
    folderPath: '/photos/2026',
    size: 1000,
    metadata: { title: 'Harbour', tags: ['sea', 'boats'] },
  },
  { name: 'beach.jpg', folderPath: '/photos/2026', size: 200, metadata: { title: 'Harbour at dawn', tags: ['sea'] } },
  { name: 'notes.txt', folderPath: '/docs', size: 200, metadata: { title: 'Notes', code: 'A_1' } },
  { name: 'logo.png', folderPath: '/photos', size: 50 },
  { name: 'my_file.pdf', folderPath: '/docs/archive', size: 700 },
  { name: 'data.csv', folderPath: '/', size: 400 },
];
/** Uploaded last and deleted: listed only with includeDeleted. */
const DELETED: Fixture = { name: 'old.gif', folderPath: '/photos', size: 123 };

let api: TestServer;
let admin: string;
/** name -> id */
const ids = new Map<string, string>();

function idOf(name: string): string {
  const id = ids.get(name);
  if (!id) throw new Error(`no fixture named ${name}`);
  return id;
}

async function list(args: ListArgs, token = admin) {
  return api.graphql<{ assets: Page }>(LIST, { ...args }, { token });
}

async function page(args: ListArgs, token = admin): Promise<Page> {
  const result = await list(args, token);
  if (!result.data?.assets) throw new Error(`assets failed: ${JSON.stringify(result.errors)}`);
  return result.data.assets;
}

async function names(args: ListArgs): Promise<string[]> {
  return (await page({ first: 500, ...args })).edges.map((edge) => edge.node.name);
}

async function errorOf(args: ListArgs) {
  const result = await list(args);
  expect(result.data?.assets ?? null).toBeNull();
  expect(result.errors).toHaveLength(1);
  return result.errors?.[0];
}

/** Each upload lands in a later millisecond than the one before, so that "newest first" has one answer. */
async function nextMillisecond(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 5));
}

async function upload(token: string, fixture: Fixture, content?: string): Promise<string> {
  const input = { folderPath: fixture.folderPath, metadata: fixture.metadata ?? {} };
  return (await uploadAs(api, token, { name: fixture.name, content: content ?? 'x'.repeat(fixture.size), input })).id;
}

const visibleNames = FIXTURES.map((fixture) => fixture.name);
const newestFirst = [...visibleNames].reverse();
const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

beforeAll(async () => {
  api = await startTestServer();
  admin = await api.adminToken();
  for (const fixture of [...FIXTURES, DELETED]) {
    ids.set(fixture.name, await upload(admin, fixture));
    await nextMillisecond();
  }
  const deleted = await api.graphql(DELETE, { id: idOf(DELETED.name) }, { token: admin });
  expect(deleted.errors).toBeUndefined();
  await nextMillisecond();
  // The oldest asset becomes the most recently modified one.
  const updated = await api.graphql(
    UPDATE,
    { id: idOf('report.pdf'), input: { metadata: { reviewed: 'yes' } } },
    { token: admin },
  );
  expect(updated.errors).toBeUndefined();
});
afterAll(() => api.close());

describe('paging through assets', () => {
  it('walks through every asset exactly once, in order, a page at a time', async () => {
    const seen: string[] = [];
    let after: string | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const current = await page({ first: 3, ...(after ? { after } : {}) });
      seen.push(...current.edges.map((edge) => edge.node.name));
      if (!current.pageInfo.hasNextPage) break;
      after = current.pageInfo.endCursor ?? undefined;
    }
    expect(seen).toEqual(newestFirst);
  });

  it('gives the full count on every page', async () => {
    const firstPage = await page({ first: 3 });
    const secondPage = await page({ first: 3, after: firstPage.pageInfo.endCursor as string });
    expect(firstPage.totalCount).toBe(FIXTURES.length);
    expect(secondPage.totalCount).toBe(FIXTURES.length);
  });

  it('says there is a next page on all pages but the last', async () => {
    const firstPage = await page({ first: 4 });
    const lastPage = await page({ first: 4, after: firstPage.pageInfo.endCursor as string });
    expect(firstPage.pageInfo.hasNextPage).toBe(true);
    expect(lastPage.edges).toHaveLength(FIXTURES.length - 4);
    expect(lastPage.pageInfo.hasNextPage).toBe(false);
  });

  it('says there is a previous page only after a cursor', async () => {
    const firstPage = await page({ first: 2 });
    const secondPage = await page({ first: 2, after: firstPage.pageInfo.endCursor as string });
    expect(firstPage.pageInfo.hasPreviousPage).toBe(false);
    expect(secondPage.pageInfo.hasPreviousPage).toBe(true);
  });

  it('gives start and end cursors that are those of the first and last edge', async () => {
    const current = await page({ first: 3 });
    expect(current.pageInfo.startCursor).toBe(current.edges[0]?.cursor);
    expect(current.pageInfo.endCursor).toBe(current.edges.at(-1)?.cursor);
  });

  it('answers first: 0 with no edges but the full count', async () => {
    const current = await page({ first: 0 });
    expect(current.edges).toEqual([]);
    expect(current.totalCount).toBe(FIXTURES.length);
  });

  it('leaves deleted assets out unless includeDeleted is set', async () => {
    expect(await names({})).not.toContain(DELETED.name);
    const withDeleted = await page({ first: 500, includeDeleted: true });
    expect(withDeleted.edges.map((edge) => edge.node.name)).toContain(DELETED.name);
    expect(withDeleted.totalCount).toBe(FIXTURES.length + 1);
  });

  it('refuses a page size below 0', async () => {
    expect((await errorOf({ first: -1 }))?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('refuses a page size above 500', async () => {
    expect((await errorOf({ first: 501 }))?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('refuses a garbled after cursor', async () => {
    expect((await errorOf({ after: 'not-a-cursor' }))?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('refuses a cursor that decodes to JSON of the wrong shape', async () => {
    const wrongShape = Buffer.from(JSON.stringify({ id: 'x' })).toString('base64url');
    expect((await errorOf({ after: wrongShape }))?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('sorting assets', () => {
  it('lists the newest first by default', async () => {
    expect(await names({})).toEqual(newestFirst);
  });

  it('sorts by name ascending', async () => {
    expect(await names({ sort: 'name-asc' })).toEqual([...visibleNames].sort(byCodeUnits));
  });

  it('sorts by name descending', async () => {
    expect(await names({ sort: 'name-desc' })).toEqual([...visibleNames].sort(byCodeUnits).reverse());
  });

  it('sorts by size ascending', async () => {
    const sizes = (await page({ first: 500, sort: 'size-asc' })).edges.map((edge) => edge.node.size);
    expect(sizes).toEqual(FIXTURES.map((fixture) => fixture.size).sort((a, b) => a - b));
  });

  it('sorts by size descending', async () => {
    const sizes = (await page({ first: 500, sort: 'size-desc' })).edges.map((edge) => edge.node.size);
    expect(sizes).toEqual(FIXTURES.map((fixture) => fixture.size).sort((a, b) => b - a));
  });

  it('sorts by creation time ascending', async () => {
    expect(await names({ sort: 'createdAt-asc' })).toEqual(visibleNames);
  });

  it('sorts by modification time, the last modified first', async () => {
    expect(await names({ sort: 'modifiedAt-desc' })).toEqual([
      'report.pdf',
      ...newestFirst.filter((name) => name !== 'report.pdf'),
    ]);
  });

  it('takes the WoodWing name filename for the name', async () => {
    expect(await names({ sort: 'filename-asc' })).toEqual([...visibleNames].sort(byCodeUnits));
  });

  it('takes the WoodWing name fileSize for the size', async () => {
    const sizes = (await page({ first: 500, sort: 'fileSize-desc' })).edges.map((edge) => edge.node.size);
    expect(sizes).toEqual(FIXTURES.map((fixture) => fixture.size).sort((a, b) => b - a));
  });

  it('takes the WoodWing name assetCreated for the creation time', async () => {
    expect(await names({ sort: 'assetCreated-desc' })).toEqual(newestFirst);
  });

  it('breaks ties on the first key by the second key of a comma list', async () => {
    const ascending = await names({ sort: 'size-asc,name-asc' });
    const descending = await names({ sort: 'size-asc,name-desc' });
    // beach.jpg and notes.txt are both 200 bytes, after logo.png (50).
    expect(ascending.slice(0, 3)).toEqual(['logo.png', 'beach.jpg', 'notes.txt']);
    expect(descending.slice(0, 3)).toEqual(['logo.png', 'notes.txt', 'beach.jpg']);
  });

  it('keeps the sort across pages', async () => {
    const seen: string[] = [];
    let after: string | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const current = await page({ first: 2, sort: 'size-desc,name-asc', ...(after ? { after } : {}) });
      seen.push(...current.edges.map((edge) => edge.node.name));
      if (!current.pageInfo.hasNextPage) break;
      after = current.pageInfo.endCursor ?? undefined;
    }
    expect(seen).toEqual(await names({ sort: 'size-desc,name-asc' }));
    expect(seen).toHaveLength(FIXTURES.length);
  });

  it('neither skips nor repeats an asset when a page ends inside a tie', async () => {
    const seen: string[] = [];
    let after: string | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const current = await page({ first: 1, sort: 'size-asc', ...(after ? { after } : {}) });
      seen.push(...current.edges.map((edge) => edge.node.name));
      if (!current.pageInfo.hasNextPage) break;
      after = current.pageInfo.endCursor ?? undefined;
    }
    expect(seen).toEqual(await names({ sort: 'size-asc' }));
    expect(new Set(seen).size).toBe(FIXTURES.length);
  });

  it('refuses an unknown sort field', async () => {
    expect((await errorOf({ sort: 'colour-asc' }))?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('refuses an unknown sort direction', async () => {
    expect((await errorOf({ sort: 'name-up' }))?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('filtering by folder', () => {
  it('lists only the assets directly in the folder, not those in subfolders', async () => {
    expect(await names({ folderPath: '/photos' })).toEqual(['logo.png']);
    expect((await names({ folderPath: '/docs' })).sort()).toEqual(['notes.txt', 'report.pdf']);
  });

  it('counts only the assets in the folder', async () => {
    expect((await page({ folderPath: '/photos/2026' })).totalCount).toBe(2);
  });

  it('refuses a folder path that does not start with a slash', async () => {
    expect((await errorOf({ folderPath: 'photos' }))?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('refuses a folder path with a .. segment', async () => {
    expect((await errorOf({ folderPath: '/photos/../docs' }))?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('querying assets', () => {
  it('matches a name exactly, ignoring case', async () => {
    expect(await names({ query: 'name:REPORT.pdf' })).toEqual(['report.pdf']);
    expect(await names({ query: 'name:report' })).toEqual([]);
  });

  it('matches a name with an underscore', async () => {
    expect(await names({ query: 'name:my_file.pdf' })).toEqual(['my_file.pdf']);
  });

  it('matches names by a * wildcard', async () => {
    expect((await names({ query: 'name:*.jpg' })).sort()).toEqual(['beach.jpg', 'harbour.jpg']);
  });

  it('matches one character by a ? wildcard', async () => {
    expect(await names({ query: 'name:dat?.csv' })).toEqual(['data.csv']);
  });

  it('matches a folder path exactly', async () => {
    expect((await names({ query: 'folderPath:/photos/2026' })).sort()).toEqual(['beach.jpg', 'harbour.jpg']);
  });

  it('matches content types by a wildcard', async () => {
    expect((await names({ query: 'contentType:image/*' })).sort()).toEqual(['beach.jpg', 'harbour.jpg', 'logo.png']);
  });

  it('matches a metadata field, ignoring case', async () => {
    expect(await names({ query: 'title:harbour' })).toEqual(['harbour.jpg']);
  });

  it('matches a list metadata field when one of its items matches', async () => {
    expect(await names({ query: 'tags:boats' })).toEqual(['harbour.jpg']);
    expect((await names({ query: 'tags:sea' })).sort()).toEqual(['beach.jpg', 'harbour.jpg']);
  });

  it('matches a metadata value with an underscore', async () => {
    expect(await names({ query: 'code:a_1' })).toEqual(['notes.txt']);
  });

  it('matches a quoted value with spaces', async () => {
    expect(await names({ query: 'title:"Harbour at dawn"' })).toEqual(['beach.jpg']);
  });

  it('requires every term to match', async () => {
    expect(await names({ query: 'contentType:image/* tags:sea title:harbour*' })).toHaveLength(2);
    expect(await names({ query: 'contentType:image/* tags:sea title:"harbour at*"' })).toEqual(['beach.jpg']);
    expect(await names({ query: 'name:*.jpg folderPath:/docs' })).toEqual([]);
  });

  it('counts only the matching assets', async () => {
    expect((await page({ query: 'name:*.jpg' })).totalCount).toBe(2);
  });

  it('refuses a field without a value and says where', async () => {
    const error = await errorOf({ query: 'name:report.pdf title:' });
    expect(error?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(error?.message).toMatch(/position 22\b/);
  });

  it('refuses a parenthesis that is not closed and says where', async () => {
    const error = await errorOf({ query: 'name:a (tags:b OR tags:c' });
    expect(error?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(error?.message).toMatch(/position 8\b/);
  });
});

describe('the cost of a page in SQL statements', () => {
  interface PageNode {
    id: string;
    createdBy: { username: string } | null;
    modifiedBy: { username: string } | null;
    replacement: { id: string } | null;
  }
  const PAGE_WITH_RELATIONS = `query($first: Int) {
    assets(first: $first) {
      totalCount
      edges { node { id createdBy { username } modifiedBy { username } replacement { id } } }
    }
  }`;
  /** The oldest few are only replacements, so that no page measured below holds the assets it points to. */
  const TARGETS = 5;
  const COUNT = 50 + TARGETS;
  let many: TestServer;
  let token: string;

  beforeAll(async () => {
    many = await startTestServer();
    token = await many.adminToken();
    const contributors = [await many.createUser('CONTRIBUTOR'), await many.createUser('CONTRIBUTOR')];
    const uploaders = [token, ...contributors.map((user) => user.token)];
    const created: string[] = [];
    for (let i = 0; i < COUNT; i++) {
      const uploader = uploaders[i % uploaders.length] as string;
      created.push((await uploadAs(many, uploader, { name: `file-${i}.txt`, content: `content ${i}` })).id);
    }
    // Every other one of the newer assets is replaced by one of the oldest (the admin changes it, so
    // that createdBy and modifiedBy differ).
    for (let i = TARGETS + 1; i < COUNT; i += 2) {
      const result = await many.graphql(
        UPDATE,
        { id: created[i], input: { replacementId: created[i % TARGETS] } },
        { token },
      );
      if (result.errors) throw new Error(`update failed: ${JSON.stringify(result.errors)}`);
    }
    // The scan worker queries the database too; measure once it has nothing left to do.
    await eventually(async () => {
      const result = await many.graphql<{ assets: { edges: { node: { state: string } }[] } }>(
        'query { assets(first: 500) { edges { node { state } } } }',
        {},
        { token },
      );
      const states = result.data?.assets.edges.map((edge) => edge.node.state) ?? [];
      return states.length === COUNT && states.every((state) => state === 'UPLOADED') ? true : undefined;
    });
  });
  afterAll(() => many.close());

  /** The fewest statements one request took over a few tries: the scan worker's 5-second poll can add one. */
  async function statementsFor(first: number): Promise<number> {
    let fewest = Number.POSITIVE_INFINITY;
    for (let attempt = 0; attempt < 3; attempt++) {
      const before = many.server.stats.queries;
      const result = await many.graphql<{ assets: { edges: { node: PageNode }[] } }>(
        PAGE_WITH_RELATIONS,
        { first },
        { token },
      );
      const after = many.server.stats.queries;
      expect(result.errors).toBeUndefined();
      const nodes = result.data?.assets.edges.map((edge) => edge.node) ?? [];
      expect(nodes).toHaveLength(first);
      // The relations were really resolved: several creators, and replacements.
      expect(new Set(nodes.map((node) => node.createdBy?.username)).size).toBeGreaterThan(1);
      expect(nodes.some((node) => node.replacement !== null)).toBe(true);
      fewest = Math.min(fewest, after - before);
    }
    return fewest;
  }

  it('is the same for a page of 5 and a page of 50, creators, modifiers and replacements included', async () => {
    const forFive = await statementsFor(5);
    const forFifty = await statementsFor(50);
    expect(forFifty).toBe(forFive);
  });

  it('is a small fixed number', async () => {
    expect(await statementsFor(50)).toBeLessThanOrEqual(10);
  });
});
