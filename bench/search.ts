// The search section of `npm run bench` (issue 6, item 10): a gateway of its own on a fresh DATA_DIR, seeded
// with BENCH_SEARCH_ASSETS assets (default 100,000) written straight into its SQLite file, then the median and
// 95th percentile latency of BENCH_SEARCH_REQUESTS (default 200) GraphQL `assets(query:)` requests each of a
// field query, a free-text query and a faceted query, one request at a time. Target: median under 20 ms.
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assetDomainOf, extensionOf } from '../src/resolvers/search/assetDomain.js';
import { type Child, startNode, stop } from './processes.js';

export const SEARCH_TARGET_MS = 20;
const WARM_UP_REQUESTS = 10;

/** The little of better-sqlite3 (it has no types here) that seeding needs. */
interface Statement {
  run(...params: unknown[]): unknown;
  get(...params: unknown[]): unknown;
}
interface SqliteDatabase {
  prepare(sql: string): Statement;
  transaction<A extends unknown[]>(work: (...args: A) => void): (...args: A) => void;
  pragma(sql: string): unknown;
  close(): void;
}
type DatabaseConstructor = new (path: string, options?: { fileMustExist?: boolean }) => SqliteDatabase;
const Database = createRequire(import.meta.url)('better-sqlite3') as DatabaseConstructor;

function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new Error(`${name}: expected a positive whole number, got "${raw}"`);
  return Number(raw);
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits });

// ---------------------------------------------------------------------------------------------------------------
// The data: names, folders, types and metadata drawn from small vocabularies by a seeded generator, so that
// every run searches the same assets.

/** mulberry32: a small seeded generator of numbers in [0, 1). */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = [
  ...['harbour', 'dawn', 'river', 'mountain', 'city', 'forest', 'summer', 'winter', 'autumn', 'spring', 'bridge'],
  ...['market', 'festival', 'coast', 'island', 'village', 'castle', 'garden', 'meadow', 'lake', 'storm', 'sunset'],
  ...['night', 'street', 'station', 'museum', 'library', 'school', 'hospital', 'parliament', 'ministry', 'policy'],
  ...['report', 'budget', 'census', 'election', 'railway', 'airport', 'energy', 'climate', 'farm', 'harvest'],
  ...['ocean', 'lighthouse', 'cathedral', 'crowd', 'parade', 'workshop', 'conference', 'launch', 'poster'],
  ...['brochure', 'guidance', 'annual', 'quarterly', 'heritage', 'wildlife', 'canal', 'valley', 'glacier'],
];

const TAGS = [
  ...['landscape', 'portrait', 'aerial', 'event', 'press', 'internal', 'archive', 'approved', 'brand', 'logo'],
  ...['social', 'print', 'web', 'still', 'interview', 'infographic', 'map', 'chart', 'team', 'product'],
  ...['people', 'nature', 'architecture', 'travel', 'food', 'sport', 'health', 'education', 'science'],
  ...['technology', 'finance', 'transport', 'environment', 'culture', 'history', 'community', 'government'],
  ...['announcement', 'campaign', 'partner', 'stock', 'editorial', 'hero', 'thumbnail', 'banner', 'icon'],
  ...['background', 'drone', 'night', 'winter'],
];

const FOLDERS = [
  ...['/', '/marketing', '/marketing/campaigns', '/marketing/campaigns/2025', '/marketing/brand', '/press/photos'],
  ...['/press/releases', '/projects/harbour', '/projects/harbour/photos', '/projects/rail', '/reports/annual'],
  ...['/reports/quarterly', '/video', '/video/interviews', '/audio/podcasts', '/archive/2023', '/archive/2024'],
  ...['/shared/templates', '/web/banners', '/events/2025'],
];

/** File types with their weight in the mix and a range of sizes in bytes (drawn log-uniformly). */
const TYPES: { extension: string; contentType: string; weight: number; sizes: [number, number] }[] = [
  { extension: 'jpg', contentType: 'image/jpeg', weight: 30, sizes: [150e3, 25e6] },
  { extension: 'png', contentType: 'image/png', weight: 12, sizes: [20e3, 8e6] },
  { extension: 'tif', contentType: 'image/tiff', weight: 4, sizes: [5e6, 150e6] },
  { extension: 'svg', contentType: 'image/svg+xml', weight: 3, sizes: [2e3, 500e3] },
  { extension: 'mp4', contentType: 'video/mp4', weight: 8, sizes: [2e6, 2e9] },
  { extension: 'mov', contentType: 'video/quicktime', weight: 3, sizes: [10e6, 4e9] },
  { extension: 'mp3', contentType: 'audio/mpeg', weight: 4, sizes: [500e3, 120e6] },
  { extension: 'wav', contentType: 'audio/wav', weight: 2, sizes: [1e6, 500e6] },
  { extension: 'pdf', contentType: 'application/pdf', weight: 12, sizes: [50e3, 40e6] },
  {
    extension: 'docx',
    contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    weight: 7,
    sizes: [15e3, 5e6],
  },
  {
    extension: 'pptx',
    contentType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    weight: 4,
    sizes: [200e3, 80e6],
  },
  {
    extension: 'xlsx',
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    weight: 4,
    sizes: [10e3, 10e6],
  },
  { extension: 'csv', contentType: 'text/csv', weight: 2, sizes: [1e3, 20e6] },
  { extension: 'txt', contentType: 'text/plain', weight: 2, sizes: [200, 200e3] },
  { extension: 'zip', contentType: 'application/zip', weight: 3, sizes: [100e3, 1e9] },
];
const TOTAL_WEIGHT = TYPES.reduce((sum, type) => sum + type.weight, 0);

const DAY_MS = 24 * 60 * 60 * 1000;
const TWO_YEARS_MS = 730 * DAY_MS;

const capitalised = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

function assetMaker(random: () => number) {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const between = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const words = (min: number, max: number) => Array.from({ length: between(min, max) }, () => pick(WORDS));
  const type = () => {
    let left = random() * TOTAL_WEIGHT;
    for (const candidate of TYPES) {
      left -= candidate.weight;
      if (left < 0) return candidate;
    }
    return TYPES[0] as (typeof TYPES)[number];
  };
  const id = () => Buffer.from(Array.from({ length: 16 }, () => Math.floor(random() * 256))).toString('base64url');
  const now = Date.now();

  return (index: number, createdById: string) => {
    const assetId = id();
    const [first, second] = words(2, 2) as [string, string];
    const { extension, contentType, sizes } = type();
    const name = `${first}-${second}-${String(index).padStart(5, '0')}.${extension}`;
    const tags = new Set(Array.from({ length: between(1, 4) }, () => pick(TAGS)));
    const metadata = {
      title: [capitalised(first), second, ...words(0, 1)].join(' '),
      description: capitalised(words(4, 8).join(' ')),
      tags: [...tags],
      rating: between(1, 5),
    };
    const createdAt = now - Math.floor(random() * TWO_YEARS_MS);
    const modifiedAt = Math.min(now, createdAt + Math.floor(random() * 30 * DAY_MS));
    const sha256 = createHash('sha256').update(assetId).digest('hex');
    return {
      id: assetId,
      name,
      folderPath: pick(FOLDERS),
      contentType,
      extension: extensionOf(name),
      assetDomain: assetDomainOf(name, contentType),
      size: Math.round(sizes[0] * (sizes[1] / sizes[0]) ** random()),
      md5: createHash('md5').update(assetId).digest('hex'),
      sha256,
      blobKey: sha256,
      // A few drafts and deleted assets, as in any real store.
      draft: random() < 0.02 ? 1 : 0,
      metadata: JSON.stringify(metadata),
      versionNumber: random() < 0.85 ? 1 : between(2, 4),
      createdById,
      createdAt,
      modifiedAt,
      deletedAt: random() < 0.01 ? modifiedAt : null,
    };
  };
}

const INSERT_ASSET = `insert into assets (
  id, name, folder_path, content_type, extension, asset_domain, size, md5, sha256, blob_key, state, scan_attempts,
  draft, metadata, version_number, access_limited_user_ids, access_limited_organisation_ids, auth_bypass_ids,
  file_stored_at, created_by_id, modified_by_id, created_at, modified_at, deleted_at
) values (
  @id, @name, @folderPath, @contentType, @extension, @assetDomain, @size, @md5, @sha256, @blobKey, 'UPLOADED', 0,
  @draft, @metadata, @versionNumber, '[]', '[]', '[]',
  @modifiedAt, @createdById, @createdById, @createdAt, @modifiedAt, @deletedAt
)`;

/** Writes `count` assets (and their folders) into the stopped gateway's database in one transaction. */
function seedDatabase(path: string, count: number, adminUsername: string, log: (message: string) => void): void {
  const db = new Database(path, { fileMustExist: true });
  try {
    db.pragma('journal_mode = wal');
    db.pragma('synchronous = normal');
    // The triggers write the search tables too; a bigger page cache takes a few seconds off the seeding.
    db.pragma('cache_size = -262144');
    const admin = db.prepare('select id from users where username = ?').get(adminUsername) as
      | { id: string }
      | undefined;
    if (!admin) throw new Error(`no user ${adminUsername} in ${path}`);
    const insertAsset = db.prepare(INSERT_ASSET);
    const insertFolder = db.prepare(
      'insert or ignore into folders (id, path, created_at, created_by_id) values (?, ?, ?, ?)',
    );
    const random = generator(20261122);
    const makeAsset = assetMaker(random);
    db.transaction(() => {
      for (const folder of FOLDERS) {
        const segments = folder.split('/').filter(Boolean);
        for (let depth = 1; depth <= segments.length; depth++) {
          const path = `/${segments.slice(0, depth).join('/')}`;
          insertFolder.run(createHash('md5').update(path).digest('base64url'), path, Date.now(), admin.id);
        }
      }
      for (let index = 1; index <= count; index++) {
        insertAsset.run(makeAsset(index, admin.id));
        if (index % 10_000 === 0 || index === count) log(`search: seeded ${fmt(index)} of ${fmt(count)} assets`);
      }
    })();
    db.pragma('wal_checkpoint(truncate)');
  } finally {
    db.close();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The queries: each request's values vary a little, so that no answer is merely a repeat of the one before.

interface QueryKind {
  label: string;
  /** The GraphQL variables of the request numbered `index`. */
  variables: (index: number) => Record<string, unknown>;
  query: string;
}

const HITS = 'totalCount edges { node { id name } }';
const DOMAINS = ['image', 'image', 'video', 'image', 'document', 'image', 'pdf', 'audio'];
const RATINGS = ['[3 TO 5]', '[1 TO 2]', '[4 TO 5]', '[2 TO 4]', '[5 TO 5]'];

const QUERY_KINDS: QueryKind[] = [
  {
    label: 'field query',
    query: `query($q: String!) { assets(first: 50, query: $q) { ${HITS} } }`,
    variables: (i) => ({ q: `tags:${TAGS[i % TAGS.length]} AND rating:${RATINGS[i % RATINGS.length]}` }),
  },
  {
    label: 'free-text query',
    query: `query($q: String!) { assets(first: 50, query: $q) { ${HITS} } }`,
    // harbour dawn first, then other pairs of words.
    variables: (i) => ({ q: `${WORDS[i % WORDS.length]} ${WORDS[(i * 7 + 1) % WORDS.length]}` }),
  },
  {
    label: 'faceted query',
    query: `query($q: String!, $facets: [String!]) { assets(first: 50, query: $q, facets: $facets) { ${HITS} facets { field values { value hitCount } } } }`,
    variables: (i) => ({ q: `assetDomain:${DOMAINS[i % DOMAINS.length]}`, facets: ['tags', 'extension'] }),
  },
];

interface SearchAnswer {
  assets: { totalCount: number; facets?: { field: string; values: unknown[] }[] };
}

/** No answer at all: the connection failed before one came (fetch rejected). */
class NoAnswer extends Error {}

async function graphql<T>(url: string, query: string, variables: object, token?: string): Promise<T> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  }).catch((error: Error) => {
    // fetch's own message is just "fetch failed": the reason is in its cause.
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    throw new NoAnswer(`${JSON.stringify(variables)}: ${error.message}${cause}`);
  });
  const body = (await response.json()) as { data?: T; errors?: unknown };
  if (!response.ok || !body.data || body.errors) {
    throw new Error(`${query} ${JSON.stringify(variables)}: HTTP ${response.status} ${JSON.stringify(body)}`);
  }
  return body.data;
}

/**
 * A search, timed from sending to the parsed answer. A request that got no answer at all (a kept-alive
 * connection closed under it) is logged and sent once more; only the second try is timed.
 */
async function timedSearch(
  url: string,
  token: string,
  kind: QueryKind,
  index: number,
  log: (message: string) => void,
): Promise<{ ms: number; answer: SearchAnswer; retried: boolean }> {
  const started = performance.now();
  try {
    const answer = await graphql<SearchAnswer>(url, kind.query, kind.variables(index), token);
    return { ms: performance.now() - started, answer, retried: false };
  } catch (error) {
    if (!(error instanceof NoAnswer)) throw error;
    log(`search: ${kind.label}: no answer (${error.message}); sending it again`);
    const again = performance.now();
    const answer = await graphql<SearchAnswer>(url, kind.query, kind.variables(index), token);
    return { ms: performance.now() - again, answer, retried: true };
  }
}

export interface QueryLatency {
  label: string;
  medianMs: number;
  p95Ms: number;
  meanHits: number;
  /** Requests sent twice because the first try got no answer. */
  retries: number;
  example: string;
}

function median(sorted: number[]): number {
  const middle = (sorted.length - 1) / 2;
  return ((sorted[Math.floor(middle)] ?? 0) + (sorted[Math.ceil(middle)] ?? 0)) / 2;
}

/** Nearest rank. */
function percentile(sorted: number[], p: number): number {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

/** A warm-up, then `requests` requests one at a time. */
async function timeQuery(
  url: string,
  token: string,
  kind: QueryKind,
  requests: number,
  log: (message: string) => void,
): Promise<QueryLatency> {
  for (let i = 0; i < WARM_UP_REQUESTS; i++) await timedSearch(url, token, kind, requests + i, log);
  const times: number[] = [];
  let hits = 0;
  let retries = 0;
  for (let i = 0; i < requests; i++) {
    const { ms, answer, retried } = await timedSearch(url, token, kind, i, log);
    times.push(ms);
    hits += answer.assets.totalCount;
    if (retried) retries++;
  }
  times.sort((a, b) => a - b);
  return {
    label: kind.label,
    medianMs: median(times),
    p95Ms: percentile(times, 95),
    meanHits: hits / requests,
    retries,
    example: JSON.stringify(kind.variables(0)),
  };
}

// ---------------------------------------------------------------------------------------------------------------

export interface SearchResult {
  assets: number;
  requests: number;
  seedSeconds: number;
  queries: QueryLatency[];
}

const passed = (query: QueryLatency) => query.medianMs < SEARCH_TARGET_MS;

function startSearchGateway(root: string, admin: { username: string; password: string }): Promise<Child> {
  return startNode(
    fileURLToPath(new URL('../src/main.js', import.meta.url)),
    {
      DATA_DIR: join(root, 'search-data'),
      TMPDIR: join(root, 'search-tmp'),
      HOST: '127.0.0.1',
      ADMIN_USERNAME: admin.username,
      ADMIN_PASSWORD: admin.password,
      LOG_LEVEL: 'warn',
    },
    '/healthcheck/ready',
  );
}

async function measure(
  root: string,
  admin: { username: string; password: string },
  log: (message: string) => void,
): Promise<SearchResult> {
  const count = envInt('BENCH_SEARCH_ASSETS', 100_000);
  const requests = envInt('BENCH_SEARCH_REQUESTS', 200);
  mkdirSync(join(root, 'search-tmp'), { recursive: true });

  log('search: starting a gateway on a fresh DATA_DIR for its migrations...');
  await stop((await startSearchGateway(root, admin)).process);
  log(`search: seeding ${fmt(count)} assets straight into asset-gateway.sqlite...`);
  const started = performance.now();
  seedDatabase(join(root, 'search-data', 'asset-gateway.sqlite'), count, admin.username, log);
  const seedSeconds = (performance.now() - started) / 1000;
  log(`search: seeded ${fmt(count)} assets in ${seedSeconds.toFixed(1)} s`);

  log('search: starting the gateway on the seeded database...');
  const gateway = await startSearchGateway(root, admin);
  try {
    const { login } = await graphql<{ login: { token: string } }>(
      gateway.url,
      'mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }',
      { u: admin.username, p: admin.password },
    );
    const queries: QueryLatency[] = [];
    for (const kind of QUERY_KINDS) {
      log(`search: ${kind.label}, ${WARM_UP_REQUESTS} to warm up, then ${requests} one at a time...`);
      const result = await timeQuery(gateway.url, login.token, kind, requests, log);
      log(
        `search: ${kind.label} (first ${result.example}): median ${result.medianMs.toFixed(1)} ms, p95 ${result.p95Ms.toFixed(1)} ms, ${fmt(result.meanHits)} hits on average, ${result.retries} sent again; ${passed(result) ? 'PASS' : 'FAIL'}`,
      );
      queries.push(result);
    }
    return { assets: count, requests, seedSeconds, queries };
  } finally {
    await stop(gateway.process);
  }
}

/** The search section: its figures, or 'FAILED' (with the reason logged) when a step failed. */
export async function measureSearch(
  root: string,
  admin: { username: string; password: string },
  log: (message: string) => void,
): Promise<SearchResult | 'FAILED'> {
  try {
    return await measure(root, admin, log);
  } catch (error) {
    log(`search FAILED: ${error instanceof Error ? error.message : String(error)}`);
    return 'FAILED';
  }
}

export function searchPassed(result: SearchResult | 'FAILED'): boolean {
  return result !== 'FAILED' && result.queries.every(passed);
}

/** The rows of the summary table. */
export function searchRows(result: SearchResult | 'FAILED'): string[][] {
  if (result === 'FAILED') return [['search queries', 'FAILED', '', 'see the search FAILED line above']];
  return [
    [`search: seed ${fmt(result.assets)} assets into SQLite`, `${result.seedSeconds.toFixed(1)} s`, '', ''],
    ...result.queries.map((query) => [
      `search: ${query.label}, ${result.requests} requests`,
      `median ${query.medianMs.toFixed(1)} ms, p95 ${query.p95Ms.toFixed(1)} ms`,
      `median < ${SEARCH_TARGET_MS} ms`,
      `${passed(query) ? 'PASS' : 'FAIL'}${query.retries ? `; ${query.retries} sent again (no answer)` : ''}`,
    ]),
  ];
}
