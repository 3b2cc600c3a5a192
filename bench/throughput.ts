// The req/s runs of the bench, with autocannon: the anchors (raw node:http hello, a minimal graphql-yoga
// server), and on the gateway GraphQL asset(id) and GOV.UK Asset Manager's GET /assets/:id, both with a
// bearer token, and WoodWing's /services/search for one asset by id with a session cookie. They run in
// rounds, each round one run of every anchor and every gateway figure in turn, so that a ratio compares
// runs a few seconds apart: the machine's speed drifts more than that between the start and the end of a run.
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { graphql, loginAsAdmin } from './graphqlClient.js';
import { type Child, startNode, stop } from './processes.js';
import { ADMIN, CONNECTIONS, fmt, median, ROUNDS, SECONDS } from './settings.js';

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

/** Runs before the rounds, unmeasured, so that no server's first round is its JIT compiler's. */
const WARM_UP_SECONDS = 2;

async function hammer(options: Parameters<typeof autocannon>[0]): Promise<Throughput> {
  const result = await autocannon({ connections: CONNECTIONS, ...options, duration: options.duration ?? SECONDS });
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

/** One req/s figure's runs: `run` hammers its server once (for SECONDS unless told); `label` names it in the log. */
interface Runner {
  label: string;
  run(seconds?: number): Promise<Throughput>;
}

/** The runs of one req/s figure, one per round. */
export type Rounds = Throughput[];

export const medianRps = (rounds: Rounds) => median(rounds.map((run) => run.rps));

/** The median over the rounds of figure / anchor, each round's figure against that round's anchor. */
export function medianRatio(figure: Rounds, anchor: Rounds): number {
  return median(figure.map((run, round) => run.rps / (anchor[round]?.rps ?? Number.NaN)));
}

/** The anchor servers, each in a process of its own, running for the whole req/s part of the bench. */
export interface AnchorServers {
  /** (a) A bare node:http hello-world server. */
  hello: Runner;
  /** (y) graphql-yoga answering the gateway's asset(id) query from a constant. */
  yoga: Runner;
  stop(): Promise<void>;
}

export async function startAnchors(log: (message: string) => void): Promise<AnchorServers> {
  const script = (name: string) => fileURLToPath(new URL(name, import.meta.url));
  log('starting the anchors: a raw node:http hello server and a minimal graphql-yoga server...');
  const started: Child[] = [];
  try {
    const hello = await startNode(script('./helloServer.js'), {}, '/');
    started.push(hello);
    const yoga = await startNode(script('./yogaServer.js'), {}, '/graphql?query=%7B__typename%7D');
    started.push(yoga);
    const yogaAssetId = 'QmVuY2hBc3NldElkMDAwMA';
    return {
      hello: { label: 'raw node:http hello', run: (seconds) => hammer({ url: hello.url, duration: seconds }) },
      yoga: {
        label: 'minimal graphql-yoga',
        run: (seconds) =>
          hammer({
            duration: seconds,
            url: `${yoga.url}/graphql`,
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ query: ASSET_QUERY, variables: { id: yogaAssetId } }),
            verifyBody: (body) => body.includes(`"asset":{"id":"${yogaAssetId}"`) && !body.includes('"errors"'),
          }),
      },
      stop: async () => {
        await Promise.all(started.map((child) => stop(child.process)));
      },
    };
  } catch (error) {
    await Promise.all(started.map((child) => stop(child.process)));
    throw error;
  }
}

/** Every req/s figure of one database, the anchors' runs beside the gateway's, one run of each per round. */
export interface RequestRounds {
  hello: Rounds;
  yoga: Rounds;
  graphql: Rounds;
  rest: Rounds;
  /** The REST floor's runs (SQLite only): an anchor of this database's own. */
  restFloor?: Rounds;
  woodwingSearch: Rounds;
}

/** Runs ROUNDS rounds of every runner in turn, logging each run and each round's ratios to hello. */
export async function measureRounds(
  anchors: AnchorServers,
  gateway: { graphql: Runner; rest: Runner; restFloor?: Runner | undefined; woodwingSearch: Runner },
  log: (message: string) => void,
): Promise<RequestRounds> {
  const { restFloor, ...figures } = gateway;
  const runners = { hello: anchors.hello, yoga: anchors.yoga, ...(restFloor ? { restFloor } : {}), ...figures };
  const rounds: RequestRounds = { hello: [], yoga: [], graphql: [], rest: [], woodwingSearch: [] };
  if (restFloor) rounds.restFloor = [];
  log(`warming up: ${WARM_UP_SECONDS} s of each, not counted...`);
  for (const runner of Object.values(runners)) await runner.run(WARM_UP_SECONDS);
  for (let round = 1; round <= ROUNDS; round++) {
    for (const [name, runner] of Object.entries(runners) as [keyof RequestRounds, Runner][]) {
      log(`round ${round}/${ROUNDS}: ${runner.label}: ${CONNECTIONS} connections for ${SECONDS} s...`);
      const result = await runner.run();
      log(describe(`round ${round}/${ROUNDS}: ${runner.label}`, result));
      rounds[name]?.push(result);
    }
    const last = (runs: Rounds) => runs[runs.length - 1]?.rps ?? Number.NaN;
    const hello = last(rounds.hello);
    log(
      `round ${round}/${ROUNDS}: GraphQL / hello ${(last(rounds.graphql) / hello).toFixed(3)}, / yoga ` +
        `${(last(rounds.graphql) / last(rounds.yoga)).toFixed(3)}; REST / hello ${(last(rounds.rest) / hello).toFixed(3)}` +
        (rounds.restFloor ? ` (the floor ${(last(rounds.restFloor) / hello).toFixed(3)}); ` : '; ') +
        `WoodWing / hello ${(last(rounds.woodwingSearch) / hello).toFixed(3)}`,
    );
  }
  return rounds;
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
export async function graphqlRunner(url: string, token: string, assetId: string): Promise<Runner> {
  await graphql(url, ASSET_QUERY, { id: assetId }, token); // fails loudly before the runs if the query is wrong
  return {
    label: 'GraphQL asset(id)',
    run: (seconds) =>
      hammer({
        duration: seconds,
        url: `${url}/graphql`,
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: ASSET_QUERY, variables: { id: assetId } }),
        verifyBody: (body) => body.includes(`"asset":{"id":"${assetId}"`) && !body.includes('"errors"'),
      }),
  };
}

/** (c) GOV.UK Asset Manager's `GET /assets/:id` with a bearer token: JSON. */
export async function restRunner(url: string, token: string, assetId: string): Promise<Runner> {
  const assetUrl = `${url}/assets/${assetId}`;
  const headers = { authorization: `Bearer ${token}` };
  const check = await fetch(assetUrl, { headers });
  const text = await check.text();
  if (check.status !== 200) throw new Error(`GET /assets/${assetId}: HTTP ${check.status}: ${text.slice(0, 300)}`);
  return {
    label: 'REST GET /assets/:id',
    run: (seconds) =>
      hammer({ duration: seconds, url: assetUrl, headers, verifyBody: (body) => body.includes(`/assets/${assetId}"`) }),
  };
}

/**
 * (f) The REST floor (restFloorServer.ts) on the gateway's SQLite file, asked what (c) asks, in a process of
 * its own for the whole req/s part of one database; `stop` ends it.
 */
export async function startRestFloor(
  databasePath: string,
  token: string,
  assetId: string,
): Promise<Runner & { stop(): Promise<void> }> {
  const script = fileURLToPath(new URL('./restFloorServer.js', import.meta.url));
  const floor = await startNode(script, { DB: databasePath, TOKEN: token }, '/ready');
  const assetUrl = `${floor.url}/assets/${assetId}`;
  const headers = { authorization: `Bearer ${token}` };
  const check = await fetch(assetUrl, { headers });
  if (check.status !== 200) {
    await stop(floor.process);
    throw new Error(`the REST floor answered ${check.status} to GET /assets/${assetId}`);
  }
  return {
    label: 'REST floor (bare node:http, the same reads)',
    run: (seconds) =>
      hammer({ duration: seconds, url: assetUrl, headers, verifyBody: (body) => body.includes(`/assets/${assetId}"`) }),
    stop: () => stop(floor.process),
  };
}

/** (w) WoodWing's `GET /services/search?q=id:<id>`, one hit, with the session cookie and csrf token of a login. */
export async function woodwingSearchRunner(url: string, assetId: string): Promise<Runner> {
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
  return {
    label: 'WoodWing search',
    run: (seconds) => hammer({ duration: seconds, url: searchUrl, headers, verifyBody: oneHit }),
  };
}
