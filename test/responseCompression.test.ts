import { createHash } from 'node:crypto';
import { type IncomingHttpHeaders, request } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadAs } from './support/graphqlCalls.js';
import { eventually, startTestServer, type TestServer } from './support/testServer.js';

/*
 * Issue 18: GraphiQL's page small and revalidated, its files at hashed URLs, compressed and cached for good;
 * large JSON answers compressed as the client accepts, small ones and downloads never. Over node:http, since
 * fetch asks for and undoes compression by itself.
 */

interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

let api: TestServer;
let token: string;
let page: RawAnswer;
let fileUrls: string[];
const FOLDER = '/compression';

function send(method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(`${api.url}${path}`, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function decoded({ headers, body }: RawAnswer): Buffer {
  if (headers['content-encoding'] === 'br') return brotliDecompressSync(body);
  if (headers['content-encoding'] === 'gzip') return gunzipSync(body);
  return body;
}

const SEARCH = `{ assets(folderPath: "${FOLDER}", first: 50) { edges { node { id name assetPath folderPath contentType size md5 sha256 state metadata createdAt modifiedAt } } } }`;
const postGraphql = (query: string, variables: Record<string, unknown>, headers: Record<string, string> = {}) =>
  send(
    'POST',
    '/graphql',
    { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
    JSON.stringify({ query, variables }),
  );

beforeAll(async () => {
  api = await startTestServer();
  token = await api.adminToken();
  for (let i = 0; i < 20; i++) {
    await uploadAs(api, token, {
      name: `harbour-${i}.txt`,
      input: { folderPath: FOLDER, metadata: { title: `Harbour at dawn ${i}`, tags: ['sea', 'boats'] } },
    });
  }
  page = await send('GET', '/graphql', { accept: 'text/html', 'accept-encoding': 'br, gzip' });
  fileUrls = [...page.body.toString('utf8').matchAll(/(?:src|href)="(\/graphiql\/[^"]+)"/g)].map((m) => m[1] ?? '');
  fileUrls.push(
    ...[...page.body.toString('utf8').matchAll(/"(\/graphiql\/[^"]+\.worker\.[^"]+)"/g)].map((m) => m[1] ?? ''),
  );
}, 60_000);
afterAll(() => api?.close());

describe("GraphiQL's page", () => {
  it('is a small page that must be revalidated, with an ETag', () => {
    expect(page.status).toBe(200);
    expect(page.body.length).toBeLessThan(4096);
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(page.headers.etag).toMatch(/^"[^"]+"$/);
  });

  it('names its script, style, three workers and icon at URLs under /graphiql/', () => {
    expect(fileUrls.filter((url) => url.endsWith('.js'))).toHaveLength(4);
    expect(fileUrls.filter((url) => url.endsWith('.css'))).toHaveLength(1);
    expect(fileUrls.filter((url) => url.endsWith('.ico'))).toHaveLength(1);
  });

  it('answers 304 when the browser sends back its ETag', async () => {
    const again = await send('GET', '/graphql', { accept: 'text/html', 'if-none-match': String(page.headers.etag) });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
  });
});

describe("GraphiQL's files", () => {
  it('arrive brotli-compressed, cached for good, and decompress to the bytes their URL names by hash', async () => {
    for (const url of fileUrls) {
      const file = await send('GET', url, { 'accept-encoding': 'gzip, br' });
      expect(file.headers['content-encoding']).toBe('br');
      expect(file.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(file.headers.vary).toBe('Accept-Encoding');
      expect(file.headers.etag).toMatch(/^"[0-9a-f]{16}-br"$/);
      const hash = createHash('sha256').update(decoded(file)).digest('hex').slice(0, 16);
      expect(url).toContain(`.${hash}.`);
    }
  });

  it('arrive gzipped to a client that accepts gzip only, the same bytes once decompressed', async () => {
    const url = fileUrls.find((candidate) => candidate.endsWith('.css')) ?? '';
    const gzipped = await send('GET', url, { 'accept-encoding': 'gzip' });
    const plain = await send('GET', url);
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gzipped.body.length).toBeLessThan(plain.body.length);
    expect(decoded(gzipped).equals(plain.body)).toBe(true);
  });

  it('arrive as they are to a client that sends no Accept-Encoding', async () => {
    const url = fileUrls.find((candidate) => candidate.endsWith('.css')) ?? '';
    const plain = await send('GET', url);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(Number(plain.headers['content-length'])).toBe(plain.body.length);
  });

  it('answer 304 to a revalidation with their ETag', async () => {
    const url = fileUrls[0] ?? '';
    const first = await send('GET', url, { 'accept-encoding': 'br' });
    const again = await send('GET', url, { 'accept-encoding': 'br', 'if-none-match': String(first.headers.etag) });
    expect(again.status).toBe(304);
  });

  it('answer 404 for a name no file has', async () => {
    expect((await send('GET', '/graphiql/graphiql.0000000000000000.js')).status).toBe(404);
  });
});

describe('JSON answers', () => {
  it('are brotli-compressed when large and the client accepts it, identical once decompressed', async () => {
    const compressed = await postGraphql(SEARCH, {}, { 'accept-encoding': 'gzip, deflate, br' });
    const plain = await postGraphql(SEARCH, {});
    expect(plain.body.length).toBeGreaterThan(4096);
    expect(compressed.headers['content-encoding']).toBe('br');
    expect(compressed.headers.vary).toBe('Accept-Encoding');
    expect(compressed.body.length).toBeLessThan(plain.body.length / 2);
    expect(decoded(compressed).toString('utf8')).toBe(plain.body.toString('utf8'));
  });

  it('go out as they are when large and the client sends no Accept-Encoding, with Vary', async () => {
    const plain = await postGraphql(SEARCH, {});
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toBe('Accept-Encoding');
    expect(JSON.parse(plain.body.toString('utf8')).data.assets.edges).toHaveLength(20);
  });

  it('go out as they are when small, whatever the client accepts', async () => {
    const small = await postGraphql('{ __typename }', {}, { 'accept-encoding': 'br, gzip' });
    expect(small.headers['content-encoding']).toBeUndefined();
    expect(small.headers.vary).toBeUndefined();
    expect(JSON.parse(small.body.toString('utf8'))).toEqual({ data: { __typename: 'Query' } });
  });

  it('of WoodWing search are gzipped for a client that accepts gzip only', async () => {
    const path = `/services/search?q=${encodeURIComponent(`folderPath:"${FOLDER}"`)}&num=50`;
    const headers = { authorization: `Bearer ${token}` };
    const gzipped = await send('GET', path, { ...headers, 'accept-encoding': 'gzip' });
    const plain = await send('GET', path, headers);
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(decoded(gzipped).toString('utf8')).totalHits).toBe(20);
    expect(JSON.parse(plain.body.toString('utf8')).totalHits).toBe(20);
  });
});

describe('downloads', () => {
  it('of /media are never compressed, even of a large JSON file', async () => {
    const content = JSON.stringify({ rows: Array.from({ length: 500 }, (_, i) => ({ i, text: 'row' })) });
    const { id } = await uploadAs(api, token, { name: 'rows.json', content });
    await eventually(async () => {
      const { data } = await api.graphql('query($id: ID!) { asset(id: $id) { state } }', { id }, { token });
      return data?.asset?.state === 'UPLOADED' ? true : undefined;
    });
    const download = await send('GET', `/media/${id}/rows.json`, { 'accept-encoding': 'br, gzip' });
    expect(download.status).toBe(200);
    expect(download.headers['content-encoding']).toBeUndefined();
    expect(download.body.toString('utf8')).toBe(content);
  });
});
