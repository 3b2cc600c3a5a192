import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, untilUploaded, uploadAs } from './support/graphqlCalls.js';
import { startTestServer, type TestServer } from './support/testServer.js';
import {
  bearer,
  bodyOf,
  ENCODINGS,
  type Encoding,
  expectError,
  type Params,
  postServices,
} from './support/woodwingCalls.js';

/*
 * WoodWing Assets' /services/search (issue 7 item 5; reference section 3 "search", "Search parameters",
 * "Hit shape", and cases 10 and 18-21 and 35 of section 8), over real HTTP.
 */

let api: TestServer;
let adminToken: string;
let editor: { id: string; username: string; token: string };
let viewer: { id: string; username: string; token: string };

/** The fixture folder: a.txt (tags a, b), b.txt (tag b), c.txt (tag a), uploaded by the editor. */
const FOLDER = `/wwsearch/${randomUUID().replaceAll('-', '')}`;
const IN_FOLDER = `folderPath:${FOLDER}`;
const CONTENT = { 'a.txt': 'aaaa', 'b.txt': 'bb', 'c.txt': 'cccccc' } as const;
type Name = keyof typeof CONTENT;
const ids = {} as Record<Name, string>;

/** POSTs `params` to /services/<path> in the given encoding, with the given headers. */
function post(
  path: string,
  params: Params = {},
  encoding: Encoding = 'urlencoded',
  headers: Record<string, string> = {},
) {
  return postServices(api.url, path, params, encoding, headers);
}

interface Hit {
  id: string;
  permissions: string;
  metadata: Record<string, any>;
  originalUrl: string;
  relation?: Record<string, unknown>;
}

interface SearchResult {
  firstResult: number;
  maxResultHits: number;
  totalHits: number;
  hits: Hit[];
  facets: Record<string, { value: string; hitCount: number; selected: boolean }[]>;
}

/** A search that must succeed: POST urlencoded as the editor unless told otherwise. */
async function search(params: Params, token = editor.token, encoding: Encoding = 'urlencoded'): Promise<SearchResult> {
  const response = await post('search', params, encoding, bearer(token));
  const body = await bodyOf(response);
  if (response.status !== 200) throw new Error(`search failed (${response.status}): ${JSON.stringify(body)}`);
  return body;
}

const names = (result: SearchResult) => result.hits.map((hit) => hit.metadata.filename);

async function uploadAsset(
  token: string,
  folderPath: string,
  name: string,
  content: string,
  metadata: Record<string, unknown> = {},
): Promise<string> {
  const { id } = await uploadAs(api, token, { name, content, input: { folderPath, metadata } });
  await untilUploaded(api, adminToken, id);
  return id;
}

const graphqlData = <T = any>(query: string, variables: Record<string, unknown>, token: string) =>
  dataOf<T>(api, query, variables, token);

const CHECKOUT = 'mutation($id: ID!) { checkout(assetId: $id) { checkedOutBy } }';
const UNDO = 'mutation($id: ID!) { undoCheckout(assetId: $id) { id } }';
const CREATE_RELATION = 'mutation($input: CreateRelationInput!) { createRelation(input: $input) { id } }';

beforeAll(async () => {
  api = await startTestServer();
  adminToken = await api.adminToken();
  editor = await api.createUser('EDITOR');
  viewer = await api.createUser('VIEWER');
  ids['a.txt'] = await uploadAsset(editor.token, FOLDER, 'a.txt', CONTENT['a.txt'], { tags: ['a', 'b'] });
  ids['b.txt'] = await uploadAsset(editor.token, FOLDER, 'b.txt', CONTENT['b.txt'], { tags: ['b'] });
  ids['c.txt'] = await uploadAsset(editor.token, FOLDER, 'c.txt', CONTENT['c.txt'], { tags: ['a'] });
});
afterAll(() => api.close());

describe('search parameters in every encoding', () => {
  /** q, sort, start, num, metadataToReturn, facets and a facet selection at once: each one changes the answer. */
  const params = {
    q: IN_FOLDER,
    sort: 'filename-asc',
    start: 1,
    num: 1,
    metadataToReturn: 'filename,fileSize',
    facets: 'tags',
    'facet.tags.selection': 'a',
  };

  it.each(ENCODINGS)('POST with the parameters in the %s reads every one', async (encoding) => {
    const result = await search(params, editor.token, encoding);
    expect({
      firstResult: result.firstResult,
      maxResultHits: result.maxResultHits,
      totalHits: result.totalHits,
    }).toEqual({ firstResult: 1, maxResultHits: 1, totalHits: 2 });
    expect(result.hits.map((hit) => hit.metadata)).toEqual([
      { filename: 'c.txt', fileSize: expect.objectContaining({ value: CONTENT['c.txt'].length }) },
    ]);
    expect(result.facets.tags).toContainEqual({ value: 'a', hitCount: 2, selected: true });
  });

  it('GET with the parameters in the query string reads every one', async () => {
    const url = `${api.url}/services/search?${new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]))}`;
    const result = (await bodyOf(await fetch(url, { headers: bearer(editor.token) }))) as SearchResult;
    expect(result).toMatchObject({ firstResult: 1, maxResultHits: 1, totalHits: 2 });
    expect(names(result)).toEqual(['c.txt']);
  });
});

describe('search results', () => {
  it('q empty returns every asset', async () => {
    const result = await search({ q: '', num: 500 });
    expect(result.totalHits).toBeGreaterThanOrEqual(3);
    expect(result.hits.map((hit) => hit.id)).toEqual(expect.arrayContaining(Object.values(ids)));
  });

  it('q left out returns every asset too', async () => {
    const result = await search({ num: 500 });
    expect(result.hits.map((hit) => hit.id)).toEqual(expect.arrayContaining(Object.values(ids)));
  });

  it('q=id:<id> finds that one asset (case 18)', async () => {
    const result = await search({ q: `id:${ids['b.txt']}`, metadataToReturn: 'all' });
    expect(result.totalHits).toBe(1);
    expect(result.hits[0]?.id).toBe(ids['b.txt']);
  });

  it('defaults to firstResult 0 and maxResultHits 50', async () => {
    const result = await search({ q: IN_FOLDER });
    expect(result).toMatchObject({ firstResult: 0, maxResultHits: 50, totalHits: 3 });
    expect(result.hits).toHaveLength(3);
  });

  it('pages with start and num: firstResult, maxResultHits and totalHits', async () => {
    const result = await search({ q: IN_FOLDER, sort: 'filename', start: 2, num: 2 });
    expect(result).toMatchObject({ firstResult: 2, maxResultHits: 2, totalHits: 3 });
    expect(names(result)).toEqual(['c.txt']);
  });

  it('sorts by filename ascending with filename-asc', async () => {
    expect(names(await search({ q: IN_FOLDER, sort: 'filename-asc' }))).toEqual(['a.txt', 'b.txt', 'c.txt']);
  });

  it('sorts by filename descending with filename-desc', async () => {
    expect(names(await search({ q: IN_FOLDER, sort: 'filename-desc' }))).toEqual(['c.txt', 'b.txt', 'a.txt']);
  });

  it('sorts by fileSize descending with fileSize-desc', async () => {
    expect(names(await search({ q: IN_FOLDER, sort: 'fileSize-desc' }))).toEqual(['c.txt', 'a.txt', 'b.txt']);
  });

  it('num=0 returns no hits but the total and the facets (case 20)', async () => {
    const result = await search({ q: '', num: 0, facets: 'assetDomain' });
    expect(result.hits).toEqual([]);
    expect(result.totalHits).toBeGreaterThan(0);
    expect(result.facets.assetDomain).toEqual(
      expect.arrayContaining([{ value: expect.any(String), hitCount: expect.any(Number), selected: false }]),
    );
  });

  it('metadataToReturn limits the metadata to the fields named', async () => {
    const result = await search({ q: IN_FOLDER, metadataToReturn: 'filename,assetCreator' });
    for (const hit of result.hits) expect(Object.keys(hit.metadata).sort()).toEqual(['assetCreator', 'filename']);
  });

  it('metadataToReturn=all returns every field', async () => {
    const result = await search({ q: `id:${ids['a.txt']}`, metadataToReturn: 'all' });
    expect(result.hits[0]?.metadata).toMatchObject({ filename: 'a.txt', folderPath: FOLDER, tags: ['a', 'b'] });
  });

  it('answers an empty facets object without facets', async () => {
    expect((await search({ q: IN_FOLDER })).facets).toEqual({});
  });
});

describe('a hit', () => {
  async function hitOf(name: Name, token = editor.token): Promise<Hit> {
    const result = await search({ q: `id:${ids[name]}` }, token);
    const hit = result.hits[0];
    if (!hit) throw new Error(`no hit for ${name}`);
    return hit;
  }

  it('has id, permissions, metadata and originalUrl', async () => {
    const hit = await hitOf('a.txt');
    expect(hit.id).toBe(ids['a.txt']);
    expect(typeof hit.permissions).toBe('string');
    expect(typeof hit.metadata).toBe('object');
    expect(typeof hit.originalUrl).toBe('string');
  });

  it('has the file metadata: filename, folderPath, assetPath, assetDomain, extension, mimeType', async () => {
    const { metadata } = await hitOf('a.txt');
    expect(metadata).toMatchObject({
      filename: 'a.txt',
      folderPath: FOLDER,
      assetPath: `${FOLDER}/a.txt`,
      assetDomain: 'text',
      extension: 'txt',
      mimeType: 'text/plain',
    });
  });

  it('has fileSize as {value, formatted}', async () => {
    const { metadata } = await hitOf('c.txt');
    expect(metadata.fileSize).toEqual({ value: CONTENT['c.txt'].length, formatted: expect.any(String) });
  });

  it('has assetCreated and assetModified as {value: epoch ms, formatted}', async () => {
    const before = Date.now();
    const id = await uploadAsset(editor.token, `${FOLDER}-dates`, 'dated.txt', 'dated');
    const after = Date.now();
    const { metadata } = (await search({ q: `id:${id}` })).hits[0] as Hit;
    for (const field of ['assetCreated', 'assetModified']) {
      expect(metadata[field]).toEqual({ value: expect.any(Number), formatted: expect.any(String) });
      expect(metadata[field].value).toBeGreaterThanOrEqual(before - 1000);
      expect(metadata[field].value).toBeLessThanOrEqual(after + 1000);
    }
  });

  it('names the uploader as assetCreator', async () => {
    expect((await hitOf('b.txt')).metadata.assetCreator).toBe(editor.username);
  });

  it('carries the permission mask VPWUMERXCD for a user who manages the asset', async () => {
    expect((await hitOf('a.txt', editor.token)).permissions).toBe('VPWUMERXCD');
  });

  it('carries the permission mask VPWU------ for a VIEWER', async () => {
    expect((await hitOf('a.txt', viewer.token)).permissions).toBe('VPWU------');
  });

  it('has originalUrl, which serves the original bytes to the logged-in user', async () => {
    const hit = await hitOf('c.txt');
    const response = await fetch(hit.originalUrl, { headers: bearer(editor.token) });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(CONTENT['c.txt']);
  });

  it('has no checkout fields while the asset is not checked out', async () => {
    const { metadata } = await hitOf('b.txt');
    expect(metadata).not.toHaveProperty('checkedOutBy');
    expect(metadata).not.toHaveProperty('checkedOut');
    expect(metadata).not.toHaveProperty('checkedOutOnClient');
  });

  it('has checkedOutBy, checkedOut {value, formatted} and checkedOutOnClient while checked out', async () => {
    const id = await uploadAsset(editor.token, `${FOLDER}-lock`, 'locked.txt', 'locked');
    await graphqlData(CHECKOUT, { id }, editor.token);
    const { metadata } = (await search({ q: `id:${id}` })).hits[0] as Hit;
    expect(metadata.checkedOutBy).toBe(editor.username);
    expect(metadata.checkedOut).toEqual({ value: expect.any(Number), formatted: expect.any(String) });
    expect(metadata.checkedOutOnClient).toEqual(expect.any(String));
  });

  it('loses the checkout keys after undocheckout (absent, not null)', async () => {
    const id = await uploadAsset(editor.token, `${FOLDER}-unlock`, 'unlocked.txt', 'unlocked');
    await graphqlData(CHECKOUT, { id }, editor.token);
    await graphqlData(UNDO, { id }, editor.token);
    const { metadata } = (await search({ q: `id:${id}` })).hits[0] as Hit;
    expect(Object.keys(metadata).filter((key) => key.startsWith('checkedOut'))).toEqual([]);
  });
});

describe('facets', () => {
  it('facets=assetDomain,tags answers {field: [{value, hitCount, selected}]} for each field', async () => {
    const result = await search({ q: IN_FOLDER, facets: 'assetDomain,tags' });
    expect(result.facets.assetDomain).toEqual([{ value: 'text', hitCount: 3, selected: false }]);
    expect(result.facets.tags).toEqual(
      expect.arrayContaining([
        { value: 'a', hitCount: 2, selected: false },
        { value: 'b', hitCount: 2, selected: false },
      ]),
    );
  });

  it('facet.tags.selection=a marks a as selected', async () => {
    const result = await search({ q: IN_FOLDER, facets: 'assetDomain,tags', 'facet.tags.selection': 'a' });
    expect(result.facets.tags).toContainEqual({ value: 'a', hitCount: 2, selected: true });
    expect(result.facets.tags).toContainEqual({ value: 'b', hitCount: 2, selected: false });
  });

  it('facet.tags.selection=a keeps only the hits tagged a', async () => {
    const result = await search({ q: IN_FOLDER, facets: 'tags', 'facet.tags.selection': 'a', sort: 'filename' });
    expect(names(result)).toEqual(['a.txt', 'c.txt']);
    expect(result.totalHits).toBe(2);
  });

  it('a selection of two values keeps the hits with either', async () => {
    const result = await search({ q: IN_FOLDER, facets: 'tags', 'facet.tags.selection': 'a,b' });
    expect(result.totalHits).toBe(3);
  });
});

describe('the JSON AssetSearch body', () => {
  it('reads query.QueryStringQuery.queryString (case 21)', async () => {
    const response = await fetch(`${api.url}/services/search`, {
      method: 'POST',
      headers: { ...bearer(editor.token), 'content-type': 'application/json' },
      body: JSON.stringify({
        query: { QueryStringQuery: { queryString: `id:${ids['a.txt']}` } },
        firstResult: 0,
        maxResultHits: 10,
      }),
    });
    expect(response.status).toBe(200);
    const result = (await bodyOf(response)) as SearchResult;
    expect(result.totalHits).toBe(1);
    expect(result.hits[0]?.id).toBe(ids['a.txt']);
  });

  it('reads firstResult, maxResultHits and sorting', async () => {
    const result = await postAssetSearch({
      query: { QueryStringQuery: { queryString: IN_FOLDER } },
      firstResult: 1,
      maxResultHits: 1,
      sorting: [{ field: 'filename', descending: true }],
    });
    expect(result).toMatchObject({ firstResult: 1, maxResultHits: 1, totalHits: 3 });
    expect(names(result)).toEqual(['b.txt']);
  });

  it('reads facets with a selection', async () => {
    const result = await postAssetSearch({
      query: { QueryStringQuery: { queryString: IN_FOLDER } },
      firstResult: 0,
      maxResultHits: 50,
      sorting: [{ field: 'filename', descending: false }],
      facets: { tags: { field: 'tags', selection: { values: ['a'] } } },
    });
    expect(names(result)).toEqual(['a.txt', 'c.txt']);
    expect(result.facets.tags).toContainEqual({ value: 'a', hitCount: 2, selected: true });
  });

  it('reads metadataToReturn as a list', async () => {
    const result = await postAssetSearch({
      query: { QueryStringQuery: { queryString: `id:${ids['a.txt']}` } },
      metadataToReturn: ['filename'],
    });
    expect(result.hits[0]?.metadata).toEqual({ filename: 'a.txt' });
  });

  async function postAssetSearch(body: Record<string, unknown>): Promise<SearchResult> {
    const response = await fetch(`${api.url}/services/search`, {
      method: 'POST',
      headers: { ...bearer(editor.token), 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const result = await bodyOf(response);
    if (response.status !== 200) throw new Error(`search failed (${response.status}): ${JSON.stringify(result)}`);
    return result;
  }
});

describe('relation search', () => {
  it('a relatedTo search hit carries relation {relationId, relationType, target1Id, target2Id} (case 35)', async () => {
    const folder = `${FOLDER}-relations`;
    const container = await uploadAsset(editor.token, folder, 'parent.txt', 'parent');
    const child = await uploadAsset(editor.token, folder, 'child.txt', 'child');
    const created = await graphqlData<{ createRelation: { id: string } }>(
      CREATE_RELATION,
      { input: { relationType: 'contains', target1Id: container, target2Id: child } },
      editor.token,
    );
    const result = await search({ q: `relatedTo:${container} relationTarget:child relationType:contains id:${child}` });
    expect(result.totalHits).toBe(1);
    expect(result.hits[0]?.relation).toMatchObject({
      relationId: created.createRelation.id,
      relationType: 'contains',
      target1Id: container,
      target2Id: child,
    });
  });

  it('a search without relatedTo carries no relation', async () => {
    const result = await search({ q: IN_FOLDER });
    for (const hit of result.hits) expect(hit).not.toHaveProperty('relation');
  });
});

describe('refused searches', () => {
  it('a malformed q (noSuchField:) answers HTTP 400 with errorcode 400 (case 19)', async () => {
    await expectError(await post('search', { q: 'noSuchField:' }, 'urlencoded', bearer(editor.token)), 400);
  });

  it('an unclosed "(" answers HTTP 400 with errorcode 400', async () => {
    await expectError(await post('search', { q: '(a OR b' }, 'urlencoded', bearer(editor.token)), 400);
  });

  it.each([
    ['start', '-1'],
    ['start', 'abc'],
    ['start', '1.5'],
    ['num', '-1'],
    ['num', 'ten'],
  ])('%s=%s answers HTTP 400 with errorcode 400', async (name, value) => {
    await expectError(await post('search', { q: '', [name]: value }, 'urlencoded', bearer(editor.token)), 400);
  });

  it('GET search without a login answers 401', async () => {
    await expectError(await fetch(`${api.url}/services/search?q=`), 401);
  });
});
