// The search section of `npm run bench` (issue 6, item 10; issue 8, item 7): on each database, a gateway of
// its own on a fresh database seeded with BENCH_SEARCH_ASSETS assets (default 100,000; written straight into
// the database, see seededAssets.ts), then the median and 95th percentile latency of BENCH_SEARCH_REQUESTS
// (default 200) GraphQL `assets(query:)` requests each of a field query, a free-text query and a faceted
// query, one request at a time. Target: median under 20 ms.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DATABASE_LABELS, type DatabaseServer } from './databases.js';
import { startGateway } from './gateway.js';
import { graphql, loginAsAdmin, NoAnswer } from './graphqlClient.js';
import { stop } from './processes.js';
import { TAGS, WORDS } from './seededAssets.js';
import { ADMIN, fmt, median, SEARCH_ASSETS, SEARCH_REQUESTS } from './settings.js';

export const SEARCH_TARGET_MS = 20;
const WARM_UP_REQUESTS = 10;

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

export interface SearchResult {
  assets: number;
  requests: number;
  seedSeconds: number;
  queries: QueryLatency[];
}

export const searchPassed = (query: QueryLatency) => query.medianMs < SEARCH_TARGET_MS;

/** A fresh database of `server`, seeded while no gateway runs on it, then a gateway on it for the queries. */
export async function measureSearch(
  server: DatabaseServer,
  root: string,
  log: (message: string) => void,
): Promise<SearchResult> {
  const label = DATABASE_LABELS[server.kind];
  const folder = join(root, `search-${server.kind}`);
  const database = await server.create(folder);
  log(`${label}: starting a gateway on a fresh database for its migrations...`);
  await stop((await startGateway(folder, database)).process);
  log(`${label}: seeding ${fmt(SEARCH_ASSETS)} assets straight into the database...`);
  const started = performance.now();
  await database.seed(SEARCH_ASSETS, ADMIN.username, log);
  const seedSeconds = (performance.now() - started) / 1000;
  log(`${label}: seeded ${fmt(SEARCH_ASSETS)} assets in ${seedSeconds.toFixed(1)} s`);

  log(`${label}: starting the gateway on the seeded database...`);
  const gateway = await startGateway(folder, database);
  try {
    const token = await loginAsAdmin(gateway.url);
    const queries: QueryLatency[] = [];
    for (const kind of QUERY_KINDS) {
      log(`${label}: search: ${kind.label}, ${WARM_UP_REQUESTS} to warm up, then ${SEARCH_REQUESTS} one at a time...`);
      const result = await timeQuery(gateway.url, token, kind, SEARCH_REQUESTS, log);
      log(
        `${label}: search: ${kind.label} (first ${result.example}): median ${result.medianMs.toFixed(1)} ms, p95 ${result.p95Ms.toFixed(1)} ms, ${fmt(result.meanHits)} hits on average, ${result.retries} sent again; ${searchPassed(result) ? 'PASS' : 'FAIL'}`,
      );
      queries.push(result);
    }
    return { assets: SEARCH_ASSETS, requests: SEARCH_REQUESTS, seedSeconds, queries };
  } finally {
    await stop(gateway.process);
    await rm(folder, { recursive: true, force: true });
  }
}
