// The req/s runs of the bench, with autocannon: the raw node:http baseline, and on the gateway GraphQL
// asset(id) and GOV.UK Asset Manager's GET /assets/:id, both with a bearer token.
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { graphql, loginAsAdmin } from './graphqlClient.js';
import { startNode, stop } from './processes.js';
import { CONNECTIONS, fmt, SECONDS } from './settings.js';

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

/** (a) The baseline: a bare node:http hello-world server in its own process. */
export async function measureRawHttp(log: (message: string) => void): Promise<Throughput> {
  log('starting the raw node:http hello-world server...');
  const hello = await startNode(fileURLToPath(new URL('./helloServer.js', import.meta.url)), {}, '/');
  try {
    log(`raw node:http: ${CONNECTIONS} connections for ${SECONDS} s...`);
    const result = await hammer({ url: hello.url });
    log(describe('raw node:http', result));
    return result;
  } finally {
    await stop(hello.process);
  }
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

/** (b) The asset query, POSTed as JSON with a bearer token. */
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
