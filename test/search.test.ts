import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Asset } from '../src/db/entities/Asset.js';
import { AssetRelation } from '../src/db/entities/AssetRelation.js';
import { newId } from '../src/ids.js';
import { uploadAs } from './support/graphqlCalls.js';
import { startTestServer, type TestServer } from './support/testServer.js';

/*
 * Search over GraphQL `assets(query, sort, facets, facetSelection, first, after)`: the query language
 * (operators, every field type, free text, date math), malformed queries, injection attempts, relations,
 * sorting, facets and paging. One corpus under /s is seeded once; each test asserts an exact set of ids.
 */

const UPDATE = `mutation($id: ID!, $input: UpdateAssetInput!) { updateAsset(id: $id, input: $input) { id } }`;
const REPLACE = `mutation($id: ID!, $file: Upload!) { replaceAssetFile(id: $id, file: $file) { id name versionNumber } }`;
const CHECKOUT = `mutation($assetId: ID!) { checkout(assetId: $assetId) { checkedOutBy } }`;
const DELETE = 'mutation($id: ID!) { deleteAsset(id: $id) { id } }';

const SEARCH = `query($first: Int, $after: String, $query: String, $sort: String, $facets: [String!],
  $facetSelection: [FacetSelectionInput!], $includeDeleted: Boolean) {
  assets(first: $first, after: $after, query: $query, sort: $sort, facets: $facets,
    facetSelection: $facetSelection, includeDeleted: $includeDeleted) {
    totalCount
    edges { cursor node { id name size } }
    pageInfo { hasNextPage endCursor }
    facets { field values { value hitCount selected } }
  }
}`;

interface SearchArgs {
  first?: number;
  after?: string | null;
  query?: string | null;
  sort?: string;
  facets?: string[];
  facetSelection?: { field: string; values: string[] }[];
  includeDeleted?: boolean;
}

interface FacetView {
  field: string;
  values: { value: string; hitCount: number; selected: boolean }[];
}

interface Page {
  totalCount: number;
  edges: { cursor: string; node: { id: string; name: string; size: number } }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  facets: FacetView[];
}

type Domain = 'image' | 'video' | 'pdf' | 'document' | 'text' | 'container' | 'generic';

interface Fixture {
  /** The key the tests use; also the file name, except poster.png (uploaded as poster-v1.png, then replaced) */
  key: string;
  folderPath: string;
  size: number;
  domain: Domain;
  metadata?: Record<string, unknown>;
  /** who uploads it */
  by?: 'admin' | 'contributor';
  contentType?: string;
  /** its assetCreated, set after the upload */
  created: (now: number, startOfToday: number) => number;
}

const DAY = 24 * 3600 * 1000;
const at = (iso: string) => () => Date.parse(iso);

/** 2020-01-15T10:00:00.000Z and 2021-06-30T23:59:59.999Z, the two created dates of the date tests */
const KEEPER_CREATED = 1579082400000;
const CAFE_CREATED = 1625097599999;

const FIXTURES: Fixture[] = [
  {
    key: 'harbour.jpg',
    folderPath: '/s/photos/2024',
    size: 1200,
    domain: 'image',
    metadata: {
      title: 'Harbour at dawn',
      description: 'Fishing boats in the harbour',
      tags: ['sea', 'boats'],
      rating: 4,
      status: 'approved',
    },
    created: at('2024-03-01T09:00:00.000Z'),
  },
  {
    key: 'beach.png',
    folderPath: '/s/photos/2024',
    size: 800,
    domain: 'image',
    metadata: { title: 'Sunny beach', tags: ['sea', 'Summer'], rating: 5, status: 'draft' },
    created: at('2024-03-02T09:00:00.000Z'),
  },
  {
    key: 'lighthouse.jpg',
    folderPath: '/s/photos',
    size: 2500,
    domain: 'image',
    metadata: {
      title: 'Lighthouse at night',
      description: 'Beam over dark water',
      tags: ['coast'],
      rating: 3,
      status: 'approved',
    },
    created: at('2024-03-03T09:00:00.000Z'),
  },
  {
    key: 'coast.jpg',
    folderPath: '/s/photos',
    size: 640,
    domain: 'image',
    metadata: {
      title: 'Rocky coast',
      description: 'The old lighthouse far away, seen from the cliffs on the northern shore',
      tags: ['coast', 'cliffs'],
      rating: 2,
    },
    created: at('2024-03-04T09:00:00.000Z'),
  },
  {
    key: 'keeper.pdf',
    folderPath: '/s/docs',
    size: 3000,
    domain: 'pdf',
    by: 'contributor',
    metadata: {
      title: 'Lighthouse keeper logbook',
      description: 'Entries from 1890',
      tags: ['history'],
      rating: 1,
      status: 'archived',
    },
    created: () => KEEPER_CREATED,
  },
  {
    key: 'café-menu.docx',
    folderPath: '/s/docs',
    size: 450,
    domain: 'document',
    by: 'contributor',
    // status: draft is set later by the admin, which makes the admin its modifier
    metadata: { title: 'Menu du café', description: 'Prix et plats', tags: ['food'] },
    created: () => CAFE_CREATED,
  },
  {
    key: 'notes.txt',
    folderPath: '/s/docs',
    size: 120,
    domain: 'text',
    metadata: { title: 'Meeting notes', description: 'Cafe opening hours discussed', tags: ['food', 'office'] },
    created: (now) => now - 2 * 3600 * 1000,
  },
  {
    key: 'harbour-tour.mp4',
    folderPath: '/s/video',
    size: 50000,
    domain: 'video',
    metadata: { title: 'Harbour tour', tags: ['boats'], rating: 4 },
    created: (now) => now - 30 * 60 * 1000,
  },
  {
    key: 'readme.txt',
    folderPath: '/s',
    size: 60,
    domain: 'text',
    contentType: 'text/plain',
    created: (_now, startOfToday) => startOfToday,
  },
  {
    key: 'minutes.txt',
    folderPath: '/s',
    size: 75,
    domain: 'text',
    created: (_now, startOfToday) => startOfToday - 1,
  },
  {
    key: 'plan.docx',
    folderPath: '/s/docs/archive',
    size: 900,
    domain: 'document',
    metadata: { title: 'Floor plan', tags: ['office'], rating: 2, status: 'archived' },
    created: (now) => now - 2 * DAY,
  },
  {
    key: 'future.png',
    folderPath: '/s/photos',
    size: 300,
    domain: 'image',
    metadata: { title: 'Scheduled post', tags: ['Summer'], status: 'scheduled' },
    created: (now) => now + 200 * DAY,
  },
  {
    key: 'summer.collection',
    folderPath: '/s',
    size: 2,
    domain: 'container',
    metadata: { title: 'Summer picks', tags: ['Summer'] },
    created: at('2024-03-05T09:00:00.000Z'),
  },
  {
    key: 'bundle.zip',
    folderPath: '/s/docs',
    size: 700,
    domain: 'generic',
    created: at('2024-03-06T09:00:00.000Z'),
  },
  {
    key: 'checked.jpg',
    folderPath: '/s/photos',
    size: 222,
    domain: 'image',
    created: at('2024-03-07T09:00:00.000Z'),
  },
  {
    key: 'poster.png',
    folderPath: '/s/photos',
    size: 333, // 444 after replaceAssetFile
    domain: 'image',
    metadata: { title: 'Poster' },
    created: at('2024-03-08T09:00:00.000Z'),
  },
  {
    key: 'best.collection',
    folderPath: '/s',
    size: 2,
    domain: 'container',
    metadata: { title: 'Best of' },
    created: at('2024-03-09T09:00:00.000Z'),
  },
];
/** Deleted after the upload: found only with includeDeleted. */
const GONE: Fixture = {
  key: 'gone.jpg',
  folderPath: '/s/photos',
  size: 10,
  domain: 'image',
  metadata: { title: 'Vanished pier' },
  created: at('2024-03-10T09:00:00.000Z'),
};

/** The file sizes after the seeding (poster.png was replaced by a larger file). */
const SIZES: Record<string, number> = Object.fromEntries(
  FIXTURES.map((fixture) => [fixture.key, fixture.key === 'poster.png' ? 444 : fixture.size]),
);
const CORPUS = FIXTURES.map((fixture) => fixture.key);

let api: TestServer;
let admin: string;
let contributor: { id: string; username: string; token: string };
let editor: { id: string; username: string; token: string };
/** fixture key -> id */
const ids = new Map<string, string>();
/** id -> fixture key, to show hits by name */
const keys = new Map<string, string>();
/** every asset this file uploaded and did not delete */
const live = new Set<string>();
/** between the uploads and the changes that follow them (epoch ms) */
let changesStarted = 0;

function idOf(key: string): string {
  const id = ids.get(key);
  if (!id) throw new Error(`no fixture ${key}`);
  return id;
}

async function upload(
  name: string,
  input: Record<string, unknown>,
  size: number,
  token: string = admin,
): Promise<string> {
  const { id } = await uploadAs(api, token, { name, content: 'x'.repeat(size), input: { name, ...input } });
  live.add(id);
  return id;
}

async function mutate(query: string, variables: Record<string, unknown>, token: string = admin) {
  const result = await api.graphql(query, variables, { token });
  if (!result.data || result.errors) throw new Error(`mutation failed: ${JSON.stringify(result.errors)}`);
  return result.data;
}

async function search(args: SearchArgs, token: string = admin) {
  return api.graphql<{ assets: Page }>(SEARCH, { first: 500, ...args }, { token });
}

async function page(args: SearchArgs): Promise<Page> {
  const result = await search(args);
  if (!result.data?.assets) throw new Error(`search failed: ${JSON.stringify(result.errors)}`);
  return result.data.assets;
}

/** The hits of a query as sorted fixture keys (an unknown id shows as `other:<id>`). */
async function hits(query: string, args: SearchArgs = {}): Promise<string[]> {
  const found = await page({ ...args, query });
  return found.edges.map((edge) => keys.get(edge.node.id) ?? `other:${edge.node.id}`).sort();
}

/** The hits in their order, as fixture keys. */
async function ordered(query: string, sort?: string): Promise<string[]> {
  const found = await page({ query, ...(sort === undefined ? {} : { sort }) });
  return found.edges.map((edge) => keys.get(edge.node.id) ?? `other:${edge.node.id}`);
}

const sorted = (...names: string[]) => [...names].sort();

/** Asks for a search that must be refused; returns the error's message. */
async function refused(args: SearchArgs): Promise<string> {
  const result = await search(args);
  expect(result.errors, `expected an error, got ${JSON.stringify(result.data)}`).toBeDefined();
  expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  return result.errors?.[0]?.message ?? '';
}

/**
 * A malformed query must be BAD_USER_INPUT with "position N" (1-based) inside the part of the query
 * that is wrong: from the first character of `problem` to one past its end (the end of the query, for
 * something left open).
 */
async function expectPositionIn(query: string, problem: string): Promise<void> {
  const message = await refused({ query });
  const match = /position (\d+)/.exec(message);
  expect(match, `no "position N" in: ${message}`).not.toBeNull();
  const start = query.indexOf(problem);
  if (start < 0) throw new Error(`"${problem}" is not in "${query}"`);
  const position = Number(match?.[1]);
  expect(position, message).toBeGreaterThanOrEqual(start + 1);
  expect(position, message).toBeLessThanOrEqual(start + problem.length + 1);
}

const inCorpus = (query: string) => `ancestorPaths:/s AND (${query})`;

beforeAll(async () => {
  api = await startTestServer();
  admin = await api.adminToken();
  contributor = await api.createUser('CONTRIBUTOR');
  editor = await api.createUser('EDITOR');

  for (const fixture of [...FIXTURES, GONE]) {
    const name = fixture.key === 'poster.png' ? 'poster-v1.png' : fixture.key;
    const input: Record<string, unknown> = { folderPath: fixture.folderPath };
    if (fixture.metadata) input.metadata = fixture.metadata;
    if (fixture.contentType) input.contentType = fixture.contentType;
    const token = fixture.by === 'contributor' ? contributor.token : admin;
    const id = await upload(name, input, fixture.size, token);
    ids.set(fixture.key, id);
    keys.set(id, fixture.key);
  }

  // Controlled creation dates, written straight to the table (no API sets them).
  const now = Date.now();
  const today = new Date(now);
  const startOfToday = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
  const em = api.server.orm.em.fork();
  for (const fixture of [...FIXTURES, GONE]) {
    await em.nativeUpdate(
      Asset,
      { id: idOf(fixture.key) },
      { createdAt: new Date(fixture.created(now, startOfToday)) },
    );
  }

  changesStarted = Date.now();
  await new Promise((resolve) => setTimeout(resolve, 20));
  // The admin changes a contributor's asset: it is modified later, by the admin.
  await mutate(UPDATE, { id: idOf('café-menu.docx'), input: { metadata: { status: 'draft' } } });
  // A new file: version 2, renamed after the new file.
  const replaced = await api.upload<{ replaceAssetFile: { name: string; versionNumber: number } }>(
    REPLACE,
    { id: idOf('poster.png') },
    { name: 'poster.png', content: 'y'.repeat(444) },
    { token: admin },
  );
  if (replaced.data?.replaceAssetFile?.versionNumber !== 2) {
    throw new Error(`replaceAssetFile failed: ${JSON.stringify(replaced)}`);
  }
  await mutate(CHECKOUT, { assetId: idOf('checked.jpg') }, editor.token);
  await mutate(DELETE, { id: idOf(GONE.key) });
  live.delete(idOf(GONE.key));

  // Relations: summer.collection contains beach and future and is related to harbour; best.collection
  // contains summer.collection.
  const relations: [string, string, string][] = [
    ['summer.collection', 'beach.png', 'contains'],
    ['summer.collection', 'future.png', 'contains'],
    ['best.collection', 'summer.collection', 'contains'],
    ['summer.collection', 'harbour.jpg', 'related'],
  ];
  const relationEm = api.server.orm.em.fork();
  for (const [parent, child, relationType] of relations) {
    relationEm.create(AssetRelation, {
      id: newId(),
      relationType,
      target1: relationEm.getReference(Asset, idOf(parent)),
      target2: relationEm.getReference(Asset, idOf(child)),
    });
  }
  await relationEm.flush();
}, 120_000);

afterAll(() => api?.close());

describe('matching everything', () => {
  it('returns every asset for an empty query', async () => {
    expect(await hits('')).toEqual([...live].map((id) => keys.get(id)).sort());
  });

  it('returns every asset when the query is left out', async () => {
    const found = await page({ query: null });
    expect(found.edges.map((edge) => edge.node.id).sort()).toEqual([...live].sort());
  });

  it('returns every asset for *', async () => {
    expect(await hits('*')).toEqual([...live].map((id) => keys.get(id)).sort());
  });

  it('returns every asset for *:*, the Lucene match-all', async () => {
    expect(await hits('*:*')).toEqual([...live].map((id) => keys.get(id)).sort());
  });

  it('leaves deleted assets out, and finds them with includeDeleted', async () => {
    expect(await hits('pier')).toEqual([]);
    expect(await hits('pier', { includeDeleted: true })).toEqual(['gone.jpg']);
  });
});

describe('field:value', () => {
  it('matches a whole metadata value, ignoring case', async () => {
    expect(await hits('title:"harbour AT DAWN"')).toEqual(['harbour.jpg']);
  });

  it('does not match a metadata value by a part of it without wildcards', async () => {
    expect(await hits('title:harbour')).toEqual([]);
  });

  it('matches a single-word value, ignoring case', async () => {
    expect(await hits('status:APPROVED')).toEqual(sorted('harbour.jpg', 'lighthouse.jpg'));
  });

  // Field values fold the case of ASCII letters only (SQLite's LIKE); free text folds every script.
  it('finds a value with upper-case accented letters through free text', async () => {
    expect(await hits('"MENU DU CAFÉ"')).toEqual(['café-menu.docx']);
  });

  it('matches any number of characters with *', async () => {
    expect(await hits('name:harbour*')).toEqual(sorted('harbour.jpg', 'harbour-tour.mp4'));
  });

  it('matches * in the middle of a metadata value', async () => {
    expect(await hits('title:*house*')).toEqual(sorted('lighthouse.jpg', 'keeper.pdf'));
  });

  it('matches exactly one character with ?', async () => {
    expect(await hits('name:?each.png')).toEqual(['beach.png']);
    expect(await hits('name:?beach.png')).toEqual([]);
  });

  it('matches ? in a metadata value', async () => {
    expect(await hits('status:dr?ft')).toEqual(sorted('beach.png', 'café-menu.docx'));
  });

  it('matches a quoted phrase as a whole field value', async () => {
    expect(await hits('title:"Sunny beach"')).toEqual(['beach.png']);
  });

  it('matches a number in a metadata field', async () => {
    expect(await hits('rating:4')).toEqual(sorted('harbour.jpg', 'harbour-tour.mp4'));
  });
});

describe('boolean operators', () => {
  it('requires both sides of AND', async () => {
    expect(await hits('tags:sea AND rating:5')).toEqual(['beach.png']);
  });

  it('takes either side of OR', async () => {
    expect(await hits('tags:history OR tags:food')).toEqual(sorted('keeper.pdf', 'café-menu.docx', 'notes.txt'));
  });

  it('leaves out what follows NOT', async () => {
    expect(await hits('ancestorPaths:/s/docs AND NOT tags:food')).toEqual(
      sorted('keeper.pdf', 'bundle.zip', 'plan.docx'),
    );
  });

  it('leaves out a term with a leading -', async () => {
    expect(await hits('ancestorPaths:/s/docs -tags:food')).toEqual(sorted('keeper.pdf', 'bundle.zip', 'plan.docx'));
  });

  it('reads terms side by side as AND', async () => {
    expect(await hits('tags:coast rating:3')).toEqual(['lighthouse.jpg']);
  });

  it('groups with parentheses', async () => {
    expect(await hits('(tags:coast OR tags:history) AND rating:1')).toEqual(['keeper.pdf']);
    expect(await hits('tags:coast OR (tags:history AND rating:1)')).toEqual(
      sorted('lighthouse.jpg', 'coast.jpg', 'keeper.pdf'),
    );
  });

  it('nests groups and negations', async () => {
    const query =
      '(tags:sea AND rating:5) OR (tags:coast AND NOT (rating:2 OR rating:3)) OR (status:archived AND (extension:pdf OR extension:docx))';
    expect(await hits(query)).toEqual(sorted('beach.png', 'keeper.pdf', 'plan.docx'));
  });

  it('applies a field to each term of field:(a OR b)', async () => {
    expect(await hits('tags:(history OR cliffs)')).toEqual(sorted('keeper.pdf', 'coast.jpg'));
  });

  it('applies a field to each term of field:(a AND b), each matching an item of a list', async () => {
    expect(await hits('tags:(sea AND boats)')).toEqual(['harbour.jpg']);
  });
});

describe('ranges', () => {
  it('includes both ends of [a TO b] on a metadata number', async () => {
    expect(await hits('rating:[3 TO 5]')).toEqual(
      sorted('harbour.jpg', 'beach.png', 'lighthouse.jpg', 'harbour-tour.mp4'),
    );
  });

  it('leaves both ends out of {a TO b}', async () => {
    expect(await hits('rating:{3 TO 5}')).toEqual(sorted('harbour.jpg', 'harbour-tour.mp4'));
  });

  it('includes the lower end only of [a TO b}', async () => {
    expect(await hits('rating:[3 TO 5}')).toEqual(sorted('harbour.jpg', 'lighthouse.jpg', 'harbour-tour.mp4'));
  });

  it('includes the upper end only of {a TO b]', async () => {
    expect(await hits('rating:{3 TO 5]')).toEqual(sorted('harbour.jpg', 'beach.png', 'harbour-tour.mp4'));
  });

  it('leaves the upper end open with [a TO *]', async () => {
    expect(await hits('rating:[4 TO *]')).toEqual(sorted('harbour.jpg', 'beach.png', 'harbour-tour.mp4'));
  });

  it('leaves the lower end open with [* TO b]', async () => {
    expect(await hits('rating:[* TO 2]')).toEqual(sorted('coast.jpg', 'keeper.pdf', 'plan.docx'));
  });

  it('matches every asset that has the field with [* TO *]', async () => {
    expect(await hits('rating:[* TO *]')).toEqual(
      sorted('harbour.jpg', 'beach.png', 'lighthouse.jpg', 'coast.jpg', 'keeper.pdf', 'harbour-tour.mp4', 'plan.docx'),
    );
  });

  it('ranges over fileSize', async () => {
    expect(await hits('fileSize:[500 TO 1000]')).toEqual(sorted('beach.png', 'coast.jpg', 'plan.docx', 'bundle.zip'));
  });

  it('leaves the ends of a fileSize range out with braces', async () => {
    expect(await hits('fileSize:{640 TO 900}')).toEqual(sorted('beach.png', 'bundle.zip'));
  });

  it('ranges over fileSize with an open end', async () => {
    expect(await hits('fileSize:[3000 TO *]')).toEqual(sorted('keeper.pdf', 'harbour-tour.mp4'));
  });
});

describe('dates', () => {
  it('matches the whole day of a YYYY-MM-DD value', async () => {
    expect(await hits('assetCreated:2020-01-15')).toEqual(['keeper.pdf']);
  });

  it('matches the last millisecond of a YYYY-MM-DD day and not the next day', async () => {
    expect(await hits('assetCreated:2021-06-30')).toEqual(['café-menu.docx']);
    expect(await hits('assetCreated:2021-07-01')).toEqual([]);
  });

  it('ranges over YYYY-MM-DD dates', async () => {
    expect(await hits('assetCreated:[2020-01-01 TO 2021-12-31]')).toEqual(sorted('keeper.pdf', 'café-menu.docx'));
  });

  it('matches a quoted ISO date-time to the millisecond', async () => {
    expect(await hits('assetCreated:"2020-01-15T10:00:00.000Z"')).toEqual(['keeper.pdf']);
    expect(await hits('assetCreated:"2020-01-15T10:00:00.001Z"')).toEqual([]);
  });

  it('reads an ISO date-time with escaped colons', async () => {
    expect(await hits('assetCreated:2020-01-15T10\\:00\\:00.000Z')).toEqual(['keeper.pdf']);
  });

  it('reads ISO date-times with bare colons inside a range, as Lucene and Solr do', async () => {
    expect(await hits('assetCreated:[2020-01-15T09:00:00Z TO 2020-01-15T11:00:00Z]')).toEqual(['keeper.pdf']);
  });

  it('ranges over epoch milliseconds, the ends included or not', async () => {
    expect(await hits(`assetCreated:[${KEEPER_CREATED} TO ${CAFE_CREATED}]`)).toEqual(
      sorted('keeper.pdf', 'café-menu.docx'),
    );
    expect(await hits(`assetCreated:{${KEEPER_CREATED} TO ${CAFE_CREATED}]`)).toEqual(['café-menu.docx']);
    expect(await hits(`assetCreated:[${KEEPER_CREATED} TO ${CAFE_CREATED}}`)).toEqual(['keeper.pdf']);
  });

  it('matches an exact epoch millisecond', async () => {
    expect(await hits(`assetCreated:${KEEPER_CREATED}`)).toEqual(['keeper.pdf']);
  });

  it('finds the last day with [NOW-1DAY TO NOW]', async () => {
    expect(await hits(inCorpus('assetCreated:[NOW-1DAY TO NOW]'))).toEqual(
      sorted('notes.txt', 'harbour-tour.mp4', 'readme.txt', 'minutes.txt'),
    );
  });

  it('rounds NOW/DAY down to the start of today', async () => {
    expect(await hits('name:(readme.txt OR minutes.txt) AND assetCreated:[NOW/DAY TO *]')).toEqual(['readme.txt']);
  });

  it('reaches into the future with NOW+1YEAR', async () => {
    expect(await hits(inCorpus('assetCreated:[NOW TO NOW+1YEAR]'))).toEqual(['future.png']);
    expect(await hits(inCorpus('assetCreated:[NOW+1YEAR TO *]'))).toEqual([]);
  });

  it('ranges over assetModified: changed after the uploads', async () => {
    expect(await hits(inCorpus(`assetModified:[${changesStarted} TO *]`))).toEqual(
      sorted('café-menu.docx', 'poster.png'),
    );
  });
});

describe('fields', () => {
  it('id', async () => {
    expect(await hits(`id:${idOf('coast.jpg')}`)).toEqual(['coast.jpg']);
  });

  it('id with a wildcard keeps the case of the id', async () => {
    const id = idOf('coast.jpg');
    const swapped = [...id].map((c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase())).join('');
    expect(await hits(`id:${id.slice(0, 12)}*`)).toEqual(['coast.jpg']);
    expect(await hits(`id:${swapped.slice(0, 12)}*`)).toEqual([]);
    expect(await hits(`id:${id.slice(0, 11)}?${id.slice(12)}`)).toEqual(['coast.jpg']);
  });

  it('ids in a group, quoted', async () => {
    expect(await hits(`id:("${idOf('coast.jpg')}" OR "${idOf('plan.docx')}")`)).toEqual(
      sorted('coast.jpg', 'plan.docx'),
    );
  });

  it('name, ignoring case', async () => {
    expect(await hits('name:BEACH.PNG')).toEqual(['beach.png']);
  });

  it('filename, the WoodWing name of name', async () => {
    expect(await hits('filename:beach.png')).toEqual(['beach.png']);
  });

  it('folderPath: the folder itself, not its subfolders', async () => {
    expect(await hits('folderPath:/s/photos')).toEqual(
      sorted('lighthouse.jpg', 'coast.jpg', 'future.png', 'checked.jpg', 'poster.png'),
    );
  });

  it('folderPath, ignoring case', async () => {
    expect(await hits('folderPath:/S/Docs/Archive')).toEqual(['plan.docx']);
  });

  it('ancestorPaths: the folder and everything below it', async () => {
    expect(await hits('ancestorPaths:/s/photos')).toEqual(
      sorted('harbour.jpg', 'beach.png', 'lighthouse.jpg', 'coast.jpg', 'future.png', 'checked.jpg', 'poster.png'),
    );
  });

  it('ancestorPaths does not take a folder whose name only starts with the path', async () => {
    expect(await hits('ancestorPaths:/s/photo')).toEqual([]);
  });

  it('assetPath: folder and name', async () => {
    expect(await hits('assetPath:/s/photos/2024/harbour.jpg')).toEqual(['harbour.jpg']);
  });

  it('assetPath with a wildcard', async () => {
    expect(await hits('assetPath:*/archive/*')).toEqual(['plan.docx']);
  });

  for (const domain of ['image', 'video', 'pdf', 'document', 'text', 'container', 'generic'] as const) {
    it(`assetDomain:${domain}`, async () => {
      const expected = FIXTURES.filter((fixture) => fixture.domain === domain).map((fixture) => fixture.key);
      expect(expected.length).toBeGreaterThan(0);
      expect(await hits(`assetDomain:${domain}`)).toEqual(sorted(...expected));
    });
  }

  it('extension, ignoring case', async () => {
    expect(await hits('extension:JPG')).toEqual(sorted('harbour.jpg', 'lighthouse.jpg', 'coast.jpg', 'checked.jpg'));
  });

  it('mimeType without parameters matches a content type with them', async () => {
    expect(await hits('mimeType:text/plain')).toEqual(sorted('notes.txt', 'readme.txt', 'minutes.txt'));
  });

  it('mimeType with a wildcard', async () => {
    expect(await hits('mimeType:video/*')).toEqual(['harbour-tour.mp4']);
  });

  it('fileSize, an exact number', async () => {
    expect(await hits('fileSize:1200')).toEqual(['harbour.jpg']);
  });

  it('assetCreator: who uploaded it', async () => {
    expect(await hits(`assetCreator:${contributor.username}`)).toEqual(sorted('keeper.pdf', 'café-menu.docx'));
  });

  it('assetModifier: who changed it last', async () => {
    expect(await hits(`assetModifier:${contributor.username}`)).toEqual(['keeper.pdf']);
    expect(await hits(inCorpus('assetModifier:admin'))).toEqual(CORPUS.filter((key) => key !== 'keeper.pdf').sort());
  });

  it('checkedOutBy: who holds the checkout', async () => {
    expect(await hits(`checkedOutBy:${editor.username}`)).toEqual(['checked.jpg']);
  });

  it('versionNumber: after replaceAssetFile', async () => {
    expect(await hits('versionNumber:2')).toEqual(['poster.png']);
    expect(await hits(inCorpus('versionNumber:[* TO 1]'))).toEqual(CORPUS.filter((key) => key !== 'poster.png').sort());
  });

  it('tags: a list matches by any of its items', async () => {
    expect(await hits('tags:cliffs')).toEqual(['coast.jpg']);
    expect(await hits('tags:coast')).toEqual(sorted('lighthouse.jpg', 'coast.jpg'));
  });

  it('tags, ignoring case', async () => {
    expect(await hits('tags:summer')).toEqual(sorted('beach.png', 'future.png', 'summer.collection'));
  });

  it('another metadata field by its name', async () => {
    expect(await hits('status:archived')).toEqual(sorted('keeper.pdf', 'plan.docx'));
  });
});

describe('free text', () => {
  it('finds a bare word in names and text metadata', async () => {
    expect(await hits('harbour')).toEqual(sorted('harbour.jpg', 'harbour-tour.mp4'));
  });

  it('finds a word only in a description', async () => {
    expect(await hits('beam')).toEqual(['lighthouse.jpg']);
  });

  it('ignores accents: cafe finds café', async () => {
    expect(await hits('cafe')).toEqual(sorted('café-menu.docx', 'notes.txt'));
  });

  it('ignores accents: café finds cafe', async () => {
    expect(await hits('café')).toEqual(sorted('café-menu.docx', 'notes.txt'));
  });

  it('finds by a prefix with a trailing *', async () => {
    expect(await hits('harb*')).toEqual(sorted('harbour.jpg', 'harbour-tour.mp4'));
  });

  it('requires every word', async () => {
    expect(await hits('harbour fishing')).toEqual(['harbour.jpg']);
    expect(await hits('harbour tour')).toEqual(['harbour-tour.mp4']);
  });

  it('leaves out assets with a word after -', async () => {
    expect(await hits('lighthouse -keeper')).toEqual(sorted('lighthouse.jpg', 'coast.jpg'));
  });

  it('matches a bare word with ? inside it against the words of names and metadata', async () => {
    expect(await hits('h?rbour')).toEqual(sorted('harbour.jpg', 'harbour-tour.mp4'));
  });

  it('matches a bare word with a leading * against the words of names and metadata', async () => {
    expect(await hits('*ouse')).toEqual(sorted('lighthouse.jpg', 'coast.jpg', 'keeper.pdf'));
  });

  it('finds a phrase only with its words side by side', async () => {
    expect(await hits('"harbour at dawn"')).toEqual(['harbour.jpg']);
    expect(await hits('"fishing harbour"')).toEqual([]);
  });
});

describe('malformed queries', () => {
  it('an unclosed quote', async () => {
    await expectPositionIn('harbour "sunset boats', '"sunset boats');
  });

  it('an unclosed parenthesis', async () => {
    await expectPositionIn('name:x AND (harbour OR beach', '(harbour OR beach');
  });

  it('a lone AND', async () => {
    await expectPositionIn('AND', 'AND');
  });

  it('an AND with nothing before it', async () => {
    await expectPositionIn('AND harbour', 'AND');
  });

  it('an OR with nothing after it', async () => {
    await expectPositionIn('harbour OR', 'OR');
  });

  it('a field with no value', async () => {
    await expectPositionIn('harbour title:', 'title:');
  });

  it('a range without TO', async () => {
    await expectPositionIn('harbour fileSize:[1 5]', '[1 5]');
  });

  it('an unclosed range', async () => {
    await expectPositionIn('fileSize:[1 TO 5 harbour', '[1 TO 5 harbour');
  });

  it('a bad number in a numeric range', async () => {
    await expectPositionIn('harbour fileSize:[1 TO lots]', '[1 TO lots]');
  });

  it('a bad number in a metadata range', async () => {
    await expectPositionIn('rating:[low TO 5]', '[low TO 5]');
  });

  it('a word that is not a date', async () => {
    await expectPositionIn('harbour assetCreated:yesterday', 'assetCreated:yesterday');
  });

  it('a day that does not exist (February 30)', async () => {
    await expectPositionIn('harbour assetCreated:2021-02-30', 'assetCreated:2021-02-30');
  });

  it('a month that does not exist in a range', async () => {
    await expectPositionIn('assetCreated:[2021-13-01 TO *]', '[2021-13-01 TO *]');
  });

  it('a metadata field no asset has', async () => {
    await expectPositionIn('harbour colour:red', 'colour:red');
  });

  it('relationTarget without relatedTo', async () => {
    await expectPositionIn('harbour relationTarget:child', 'relationTarget:child');
  });

  it('relationType without relatedTo', async () => {
    await expectPositionIn('relationType:contains', 'relationType:contains');
  });

  it('relatedTo joined by OR', async () => {
    await expectPositionIn(
      `harbour OR relatedTo:${idOf('summer.collection')}`,
      `relatedTo:${idOf('summer.collection')}`,
    );
  });
});

describe('injection attempts', () => {
  const attempts = [
    "name:'; drop table assets; --",
    'title:" OR 1=1 --"',
    "'a' OR 'a'='a'",
    'name:%',
    'tags:_',
    'x" OR 1=1 OR "',
    '"harbour" NEAR "boats"',
    "status:approved' OR '1'='1",
  ];

  for (const query of attempts) {
    it(`finds nothing for ${query}`, async () => {
      const result = await search({ query });
      expect(result.errors).toBeUndefined();
      expect(result.data?.assets.edges).toEqual([]);
    });
  }

  it('leaves the assets table intact after the attempts', async () => {
    for (const query of attempts) await search({ query });
    expect(await hits('')).toEqual([...live].map((id) => keys.get(id)).sort());
    expect(await hits('tags:sea')).toEqual(sorted('harbour.jpg', 'beach.png'));
  });

  it('binds a facet selection value rather than pasting it', async () => {
    const found = await page({
      query: inCorpus('*'),
      facetSelection: [{ field: 'assetDomain', values: ["image') OR 1=1 --"] }],
    });
    expect(found.edges).toEqual([]);
  });

  it('refuses SQL in a sort', async () => {
    await refused({ sort: 'name; drop table assets' });
  });

  it('refuses SQL in a facet field name', async () => {
    await refused({ facets: ['name) from assets; --'] });
  });
});

describe('relations', () => {
  const summer = () => idOf('summer.collection');

  it('relationTarget:child with relationType:contains finds what a collection holds', async () => {
    expect(await hits(`relatedTo:${summer()} relationTarget:child relationType:contains`)).toEqual(
      sorted('beach.png', 'future.png'),
    );
  });

  it('gives each hit found by relation that relation: its id, type and both ends', async () => {
    const result = await api.graphql<{
      assets: {
        edges: {
          node: { id: string };
          relation: { id: string; relationType: string; target1Id: string; target2Id: string } | null;
        }[];
      };
    }>(
      'query($q: String) { assets(first: 50, query: $q) { edges { node { id } relation { id relationType target1Id target2Id } } } }',
      { q: `relatedTo:${summer()} relationTarget:child relationType:contains` },
      { token: admin },
    );
    const edges = result.data?.assets.edges ?? [];
    expect(edges.length).toBe(2);
    for (const edge of edges) {
      expect(edge.relation?.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(edge.relation).toMatchObject({ relationType: 'contains', target1Id: summer(), target2Id: edge.node.id });
    }
  });

  it('gives no relation to hits of a query without relatedTo', async () => {
    const result = await api.graphql<{ assets: { edges: { relation: unknown }[] } }>(
      'query { assets(first: 5) { edges { relation { id } } } }',
      {},
      { token: admin },
    );
    expect(result.data?.assets.edges.every((edge) => edge.relation === null)).toBe(true);
    expect(result.data?.assets.edges.length).toBeGreaterThan(0);
  });

  it('relationTarget:child without a type finds every child', async () => {
    expect(await hits(`relatedTo:${summer()} relationTarget:child`)).toEqual(
      sorted('beach.png', 'future.png', 'harbour.jpg'),
    );
  });

  it('relationTarget:parent finds what holds it', async () => {
    expect(await hits(`relatedTo:${summer()} relationTarget:parent`)).toEqual(['best.collection']);
  });

  it('relationTarget:any finds parents and children', async () => {
    expect(await hits(`relatedTo:${summer()} relationTarget:any`)).toEqual(
      sorted('beach.png', 'future.png', 'harbour.jpg', 'best.collection'),
    );
  });

  it('relationType:related finds only relations of that type', async () => {
    expect(await hits(`relatedTo:${summer()} relationType:related`)).toEqual(['harbour.jpg']);
  });

  it('narrows relation hits by the rest of the query, as WoodWing clients do with id:', async () => {
    expect(
      await hits(`relatedTo:${summer()} relationTarget:child relationType:contains id:${idOf('beach.png')}`),
    ).toEqual(['beach.png']);
    expect(await hits(`relatedTo:${summer()} relationTarget:child tags:sea`)).toEqual(
      sorted('beach.png', 'harbour.jpg'),
    );
  });
});

describe('sorting', () => {
  const PHOTOS = 'ancestorPaths:/s/photos';

  it('ranks by relevance: the word in name and title first', async () => {
    const order = await ordered('lighthouse', 'relevance');
    expect([...order].sort()).toEqual(sorted('lighthouse.jpg', 'coast.jpg', 'keeper.pdf'));
    expect(order[0]).toBe('lighthouse.jpg');
  });

  it('puts the newest first when no sort is given', async () => {
    expect(await ordered('lighthouse')).toEqual(['coast.jpg', 'lighthouse.jpg', 'keeper.pdf']);
  });

  it('sorts by name-asc', async () => {
    expect(await ordered(PHOTOS, 'name-asc')).toEqual([
      'beach.png',
      'checked.jpg',
      'coast.jpg',
      'future.png',
      'harbour.jpg',
      'lighthouse.jpg',
      'poster.png',
    ]);
  });

  it('sorts by name-desc', async () => {
    expect(await ordered(PHOTOS, 'name-desc')).toEqual([
      'poster.png',
      'lighthouse.jpg',
      'harbour.jpg',
      'future.png',
      'coast.jpg',
      'checked.jpg',
      'beach.png',
    ]);
  });

  it('sorts by fileSize, largest first when no direction is given', async () => {
    const order = await ordered(PHOTOS, 'fileSize');
    expect(order).toEqual([
      'lighthouse.jpg',
      'harbour.jpg',
      'beach.png',
      'coast.jpg',
      'poster.png',
      'future.png',
      'checked.jpg',
    ]);
    expect(order.map((key) => SIZES[key])).toEqual([2500, 1200, 800, 640, 444, 300, 222]);
  });

  it('sorts by fileSize-asc', async () => {
    expect(await ordered(PHOTOS, 'fileSize-asc')).toEqual([
      'checked.jpg',
      'future.png',
      'poster.png',
      'coast.jpg',
      'beach.png',
      'harbour.jpg',
      'lighthouse.jpg',
    ]);
  });

  it('sorts by assetCreated-asc', async () => {
    expect(await ordered(PHOTOS, 'assetCreated-asc')).toEqual([
      'harbour.jpg',
      'beach.png',
      'lighthouse.jpg',
      'coast.jpg',
      'checked.jpg',
      'poster.png',
      'future.png',
    ]);
  });

  it('sorts by assetCreated, newest first when no direction is given', async () => {
    expect(await ordered(PHOTOS, 'assetCreated')).toEqual([
      'future.png',
      'poster.png',
      'checked.jpg',
      'coast.jpg',
      'lighthouse.jpg',
      'beach.png',
      'harbour.jpg',
    ]);
  });

  it('sorts by extension', async () => {
    const found = await page({ query: PHOTOS, sort: 'extension-asc' });
    expect(found.edges.map((edge) => edge.node.name.split('.').pop())).toEqual([
      'jpg',
      'jpg',
      'jpg',
      'jpg',
      'png',
      'png',
      'png',
    ]);
  });

  it('breaks ties by the next field of a comma list', async () => {
    expect(await ordered(PHOTOS, 'extension-asc,name-desc')).toEqual([
      'lighthouse.jpg',
      'harbour.jpg',
      'coast.jpg',
      'checked.jpg',
      'poster.png',
      'future.png',
      'beach.png',
    ]);
    expect(await ordered(PHOTOS, 'extension-desc,fileSize-asc')).toEqual([
      'future.png',
      'poster.png',
      'beach.png',
      'checked.jpg',
      'coast.jpg',
      'harbour.jpg',
      'lighthouse.jpg',
    ]);
  });

  it('refuses an unknown sort field', async () => {
    const message = await refused({ sort: 'colour-asc' });
    expect(message).toContain('colour');
  });
});

describe('facets', () => {
  /** The counts of a facet as value -> hitCount. */
  const countsOf = (facet: FacetView | undefined) =>
    Object.fromEntries((facet?.values ?? []).map((value) => [value.value, value.hitCount]));

  function expectedCounts(fixtureKeys: string[], valuesOf: (fixture: Fixture) => string[]) {
    const counts: Record<string, number> = {};
    for (const fixture of FIXTURES.filter((candidate) => fixtureKeys.includes(candidate.key))) {
      for (const value of valuesOf(fixture)) counts[value] = (counts[value] ?? 0) + 1;
    }
    return counts;
  }
  const domainOf = (fixture: Fixture) => [fixture.domain];
  const extensionOf = (fixture: Fixture) => [fixture.key.split('.').pop() as string];
  const tagsOf = (fixture: Fixture) => (fixture.metadata?.tags as string[] | undefined) ?? [];
  const IMAGES = FIXTURES.filter((fixture) => fixture.domain === 'image').map((fixture) => fixture.key);

  it('counts assetDomain, extension and tags over the hits', async () => {
    const found = await page({ query: 'ancestorPaths:/s', facets: ['assetDomain', 'extension', 'tags'] });
    expect(found.facets.map((facet) => facet.field)).toEqual(['assetDomain', 'extension', 'tags']);
    expect(countsOf(found.facets[0])).toEqual(expectedCounts(CORPUS, domainOf));
    expect(countsOf(found.facets[1])).toEqual(expectedCounts(CORPUS, extensionOf));
    expect(countsOf(found.facets[2])).toEqual(expectedCounts(CORPUS, tagsOf));
  });

  it('counts only the hits of the query', async () => {
    const found = await page({ query: 'ancestorPaths:/s/docs', facets: ['assetDomain'] });
    expect(countsOf(found.facets[0])).toEqual({ pdf: 1, document: 2, text: 1, generic: 1 });
  });

  it('lists the values most frequent first', async () => {
    const found = await page({ query: 'ancestorPaths:/s', facets: ['assetDomain'] });
    const counts = found.facets[0]?.values.map((value) => value.hitCount) ?? [];
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    expect(found.facets[0]?.values[0]).toEqual({ value: 'image', hitCount: 7, selected: false });
  });

  it('filters the hits by a facet selection', async () => {
    const found = await page({
      query: 'ancestorPaths:/s',
      facets: ['assetDomain'],
      facetSelection: [{ field: 'assetDomain', values: ['image'] }],
    });
    expect(found.edges.map((edge) => keys.get(edge.node.id)).sort()).toEqual([...IMAGES].sort());
    expect(found.totalCount).toBe(IMAGES.length);
  });

  it('counts the other values of a selected facet, leaving its own selection out', async () => {
    const found = await page({
      query: 'ancestorPaths:/s',
      facets: ['assetDomain'],
      facetSelection: [{ field: 'assetDomain', values: ['image'] }],
    });
    expect(countsOf(found.facets[0])).toEqual(expectedCounts(CORPUS, domainOf));
  });

  it('marks the selected value as selected, and only it', async () => {
    const found = await page({
      query: 'ancestorPaths:/s',
      facets: ['assetDomain'],
      facetSelection: [{ field: 'assetDomain', values: ['image'] }],
    });
    const selected = found.facets[0]?.values.filter((value) => value.selected).map((value) => value.value);
    expect(selected).toEqual(['image']);
  });

  it('counts another facet over the selected hits only', async () => {
    const found = await page({
      query: 'ancestorPaths:/s',
      facets: ['tags'],
      facetSelection: [{ field: 'assetDomain', values: ['image'] }],
    });
    expect(countsOf(found.facets[0])).toEqual(expectedCounts(IMAGES, tagsOf));
  });

  it('takes any of several selected values of one facet', async () => {
    expect(
      await hits('ancestorPaths:/s', { facetSelection: [{ field: 'assetDomain', values: ['pdf', 'video'] }] }),
    ).toEqual(sorted('keeper.pdf', 'harbour-tour.mp4'));
  });

  it('combines selections on two facets with AND', async () => {
    const found = await page({
      query: 'ancestorPaths:/s',
      facets: ['assetDomain', 'tags'],
      facetSelection: [
        { field: 'assetDomain', values: ['image'] },
        { field: 'tags', values: ['sea'] },
      ],
    });
    expect(found.edges.map((edge) => keys.get(edge.node.id)).sort()).toEqual(sorted('harbour.jpg', 'beach.png'));
    // each facet counts under the other's selection
    expect(countsOf(found.facets[0])).toEqual({ image: 2 });
    expect(countsOf(found.facets[1])).toEqual(expectedCounts(IMAGES, tagsOf));
  });

  it('gives an empty list for a well-formed field that no asset has', async () => {
    const found = await page({ query: 'ancestorPaths:/s', facets: ['noSuchField'] });
    expect(found.facets).toEqual([{ field: 'noSuchField', values: [] }]);
  });

  it('counts a numeric metadata field', async () => {
    const found = await page({ query: 'ancestorPaths:/s', facets: ['rating'] });
    expect(countsOf(found.facets[0])).toEqual({ '1': 1, '2': 2, '3': 1, '4': 2, '5': 1 });
  });

  it('refuses an invalid facet field name', async () => {
    await refused({ facets: ['not a field!'] });
  });

  it('refuses an invalid field name in a facet selection', async () => {
    await refused({ facetSelection: [{ field: 'not a field!', values: ['x'] }] });
  });
});

describe('paging', () => {
  /** Every page of a search, first: 3 at a time; `between` runs after each page. */
  async function walk(args: SearchArgs, between?: (pageNumber: number) => Promise<void>) {
    const seen: string[] = [];
    const totals: number[] = [];
    let after: string | null = null;
    for (let pageNumber = 1; pageNumber < 50; pageNumber++) {
      const found = await page({ ...args, first: 3, after });
      seen.push(...found.edges.map((edge) => edge.node.id));
      totals.push(found.totalCount);
      if (!found.pageInfo.hasNextPage) break;
      after = found.pageInfo.endCursor;
      if (between) await between(pageNumber);
    }
    return { seen, totals };
  }

  async function seedFolder(folderPath: string, names: string[]): Promise<Map<string, string>> {
    const seeded = new Map<string, string>();
    for (const [index, name] of names.entries()) {
      const id = await upload(name, { folderPath, metadata: { title: `walk ${name}` } }, 100 + index);
      seeded.set(id, name);
    }
    return seeded;
  }

  it('gives totalCount equal to the hits over all pages', async () => {
    const { seen, totals } = await walk({ query: 'ancestorPaths:/s', sort: 'name-asc' });
    expect(seen).toHaveLength(CORPUS.length);
    expect(new Set(totals)).toEqual(new Set([seen.length]));
  });

  it('neither repeats nor misses an asset sorted by name while assets are added between pages', async () => {
    const names = Array.from({ length: 10 }, (_, index) => `p-${String(index + 1).padStart(2, '0')}.txt`);
    const original = await seedFolder('/paging/name', names);
    const added = new Map<string, string>();
    const { seen } = await walk({ query: 'folderPath:/paging/name', sort: 'name-asc' }, async (pageNumber) => {
      // before the cursor, past it, and far past it
      const newNames = [`p-00-${pageNumber}.txt`, `p-05-${pageNumber}.txt`, `p-99-${pageNumber}.txt`];
      for (const [id, name] of await seedFolder('/paging/name', newNames)) added.set(id, name);
    });
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of original.keys()) expect(seen).toContain(id);
    // what was added past the cursor is listed too: the walk is in name order throughout
    const listed = seen.map((id) => original.get(id) ?? added.get(id) ?? id);
    expect(listed).toEqual([...listed].sort());
    expect(listed).toContain('p-99-1.txt');
  });

  it('neither repeats nor misses an asset newest first while newer assets are added between pages', async () => {
    const names = Array.from({ length: 10 }, (_, index) => `n-${index}.txt`);
    const original = await seedFolder('/paging/newest', names);
    const { seen } = await walk({ query: 'folderPath:/paging/newest' }, async (pageNumber) => {
      await seedFolder('/paging/newest', [`n-new-${pageNumber}-a.txt`, `n-new-${pageNumber}-b.txt`]);
    });
    expect(new Set(seen).size).toBe(seen.length);
    // the new assets are newer than the cursor, so the walk holds exactly the original ones
    expect([...seen].sort()).toEqual([...original.keys()].sort());
  });

  it('neither repeats nor misses an asset sorted by fileSize while assets are added between pages', async () => {
    const names = Array.from({ length: 9 }, (_, index) => `s-${index}.txt`);
    const original = await seedFolder('/paging/size', names);
    const { seen } = await walk({ query: 'folderPath:/paging/size', sort: 'fileSize' }, async () => {
      for (const size of [50, 104, 500]) await upload(`s-new-${size}.txt`, { folderPath: '/paging/size' }, size);
    });
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of original.keys()) expect(seen).toContain(id);
  });

  it('neither repeats nor misses an asset sorted by relevance (offset cursors)', async () => {
    const names = Array.from({ length: 8 }, (_, index) => `walker-${index}.txt`);
    const original = await seedFolder('/paging/relevance', names);
    const { seen, totals } = await walk({ query: 'walk* AND folderPath:/paging/relevance', sort: 'relevance' });
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort()).toEqual([...original.keys()].sort());
    expect(totals[0]).toBe(original.size);
  });
});
