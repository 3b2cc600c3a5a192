// The req/s runs of the bench, with autocannon: the anchors (raw node:http hello, a minimal graphql-yoga
// server), and on the gateway GraphQL asset(id) and GOV.UK Asset Manager's GET /assets/:id, both with a
// bearer token, and WoodWing's /services/search for one asset by id with a session cookie.
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { graphql, loginAsAdmin } from './graphqlClient.js';
import { startNode, stop } from './processes.js';
import { ADMIN, CONNECTIONS, fmt, SECONDS } from './settings.js';

const ASSET_QUERY = 'query($id: ID!) { asset(id: $id) { id name size contentType createdBy { username } } }';
export const UPLOAD_MUTATION = 'mutation($file: Upload!) { uploadAsset(file: $file) { id size } }';

export interface Throughput {
  rps: number;
  p99Ms: number;
  ok: number;
  non2xx: number;
  errors: number;
  badBodies: number;
}

async function hammer(options: Parameters<typeof autocannon>[0]): Promise<Throughput> {
  const result = await autocannon({ connections: CONNECTIONS, duration: SECONDS, ...options });
  return {
    rps: result.requests.average,
    p99Ms: result.latency.p99,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    badBodies: result.mismatches,
  };
}

function describe(label: string, t: Throughput): string {
  return `${label}: ${fmt(t.rps)} req/s, p99 ${t.p99Ms} ms; ${fmt(t.ok)} ok, ${t.non2xx} non-2xx, ${t.errors} connection errors, ${t.badBodies} bodies not as expected`;
}

/** What went wrong in a run, or '' when nothing did. */
export function throughputProblems(t: Throughput): string {
  const problems = [
    t.non2xx ? `${t.non2xx} non-2xx` : '',
    t.errors ? `${t.errors} errors` : '',
    t.badBodies ? `${t.badBodies} bad bodies` : '',
  ];
  return problems.filter(Boolean).join(', ');
}

/** The req/s anchors, each server in a process of its own. */
export interface Anchors {
  /** (a) A bare node:http hello-world server. */
  hello: Throughput;
  /** (y) graphql-yoga answering the gateway's asset(id) query from a constant. */
  yoga: Throughput;
}

async function measureAnchor(
  script: string,
  label: string,
  readyPath: string,
  options: (url: string) => Parameters<typeof autocannon>[0],
  log: (message: string) => void,
): Promise<Throughput> {
  log(`starting the ${label} server...`);
  const server = await startNode(fileURLToPath(new URL(script, import.meta.url)), {}, readyPath);
  try {
    log(`${label}: ${CONNECTIONS} connections for ${SECONDS} s...`);
    const result = await hammer(options(server.url));
    log(describe(label, result));
    return result;
  } finally {
    await stop(server.process);
  }
}

export async function measureAnchors(log: (message: string) => void): Promise<Anchors> {
  const hello = await measureAnchor('./helloServer.js', 'raw node:http hello', '/', (url) => ({ url }), log);
  const yogaAssetId = 'QmVuY2hBc3NldElkMDAwMA';
  const yoga = await measureAnchor(
    './yogaServer.js',
    'minimal graphql-yoga',
    '/graphql?query=%7B__typename%7D',
    (url) => ({
      url: `${url}/graphql`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: ASSET_QUERY, variables: { id: yogaAssetId } }),
      verifyBody: (body) => body.includes(`"asset":{"id":"${yogaAssetId}"`) && !body.includes('"errors"'),
    }),
    log,
  );
  return { hello, yoga };
}

/** Logs in as the admin and uploads one small asset through GraphQL multipart: the token and the asset's id. */
export async function seedOneAsset(url: string): Promise<{ token: string; assetId: string }> {
  const token = await loginAsAdmin(url);
  const form = new FormData();
  form.set('operations', JSON.stringify({ query: UPLOAD_MUTATION, variables: { file: null } }));
  form.set('map', JSON.stringify({ 0: ['variables.file'] }));
  form.set('0', new Blob(['a small asset for the query benchmark\n']), 'bench.txt');
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'apollo-require-preflight': 'true' },
    body: form,
  });
  const body = (await response.json()) as { data?: { uploadAsset?: { id: string } } };
  const assetId = body.data?.uploadAsset?.id;
  if (!assetId) throw new Error(`the small upload failed: ${JSON.stringify(body)}`);
  return { token, assetId };
}

/** (b) The asset query, POSTed as JSON with a bearer token: the same document and variables' shape as (y). */
export async function measureGraphqlQuery(
  url: string,
  token: string,
  assetId: string,
  log: (message: string) => void,
): Promise<Throughput> {
  await graphql(url, ASSET_QUERY, { id: assetId }, token); // fails loudly before the run if the query is wrong
  log(`GraphQL asset(id): ${CONNECTIONS} connections for ${SECONDS} s...`);
  const result = await hammer({
    url: `${url}/graphql`,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: ASSET_QUERY, variables: { id: assetId } }),
    verifyBody: (body) => body.includes(`"asset":{"id":"${assetId}"`) && !body.includes('"errors"'),
  });
  log(describe('GraphQL asset(id)', result));
  return result;
}

/** (c) GOV.UK Asset Manager's `GET /assets/:id` with a bearer token: JSON. */
export async function measureRestAsset(
  url: string,
  token: string,
  assetId: string,
  log: (message: string) => void,
): Promise<Throughput> {
  const assetUrl = `${url}/assets/${assetId}`;
  const headers = { authorization: `Bearer ${token}` };
  const check = await fetch(assetUrl, { headers });
  const text = await check.text();
  if (check.status !== 200) throw new Error(`GET /assets/${assetId}: HTTP ${check.status}: ${text.slice(0, 300)}`);
  log(`REST GET /assets/:id: ${CONNECTIONS} connections for ${SECONDS} s...`);
  const result = await hammer({ url: assetUrl, headers, verifyBody: (body) => body.includes(`/assets/${assetId}"`) });
  log(describe('REST GET /assets/:id', result));
  return result;
}

/** (w) WoodWing's `GET /services/search?q=id:<id>`, one hit, with the session cookie and csrf token of a login. */
export async function measureWoodwingSearch(
  url: string,
  assetId: string,
  log: (message: string) => void,
): Promise<Throughput> {
  const login = await fetch(`${url}/services/login`, {
    method: 'POST',
    body: new URLSearchParams({ username: ADMIN.username, password: ADMIN.password }),
  });
  const session = (await login.json()) as { loginSuccess?: boolean; csrfToken?: string };
  const cookie = login.headers
    .getSetCookie()
    .map((header) => header.split(';')[0] ?? '')
    .find((pair) => pair.startsWith('authToken='));
  if (!session.loginSuccess || !cookie || !session.csrfToken) {
    throw new Error(`WoodWing login failed: HTTP ${login.status} ${JSON.stringify(session)}`);
  }
  const searchUrl = `${url}/services/search?q=id:${assetId}`;
  const headers = { cookie, 'x-csrf-token': session.csrfToken };
  const oneHit = (body: string) => body.includes('"totalHits":1') && body.includes(`"id":"${assetId}"`);
  const check = await fetch(searchUrl, { headers });
  const text = await check.text();
  if (check.status !== 200 || !oneHit(text))
    throw new Error(`GET ${searchUrl}: HTTP ${check.status}: ${text.slice(0, 300)}`);
  log(`WoodWing GET /services/search?q=id:<id>: ${CONNECTIONS} connections for ${SECONDS} s...`);
  const result = await hammer({ url: searchUrl, headers, verifyBody: oneHit });
  log(describe('WoodWing search', result));
  return result;
}
