import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RouteTargets, routeSurfaces } from '../../src/routes.js';
import { authKeyFor, uploadFile } from '../support/graphqlCalls.js';
import { startTestServer, type TestServer } from '../support/testServer.js';
import { CampaignTally, filesMarkedOutside, type RawRequest, runInLanes, sendRaw } from './badInputs.js';
import { casesOfRoute, type Fixtures } from './restCases.js';
import { ROUTE_PARAMS } from './routeParams.js';

/**
 * Issue #17's bad-input campaign over every REST route of the route table (GraphQL's operations have their
 * own sweep, campaignGraphql.test.ts): each parameter missing, empty, too long, of the wrong type, negative,
 * NaN, an invalid date, a traversal, a unicode edge case, duplicated; wrong bodies and content types.
 */

/** OPTIONS is yoga's CORS answer; GET beside POST reads its parameters as POST does (WoodWing), so POST it is. */
function triedMethods(methods: string[]): string[] {
  const tried = methods.filter((method) => method !== 'OPTIONS');
  return tried.includes('GET') && tried.includes('POST') ? tried.filter((method) => method !== 'GET') : tried;
}

/** The table's paths and the methods each takes, as the server routes them. */
const TABLE = routeSurfaces({} as RouteTargets).flatMap((surface) =>
  surface.routes.map(([methods, path]) => ({ methods: triedMethods(methods.split(' ')), path })),
);

let api: TestServer;
let fixtures: Fixtures;
const tally = new CampaignTally();
/** Whether the campaign's session still worked when every case but logging out had run. */
let loggedInToTheEnd = false;

async function makeFixtures(): Promise<Fixtures> {
  const token = await api.adminToken();
  const folder = '/campaign/fixtures';
  const asset = await uploadFile(api, token, folder);
  const asset2 = await uploadFile(api, token, folder);
  const authKey = await authKeyFor(api, token, 'campaign', [asset.id], {
    downloadPreview: true,
    downloadOriginal: true,
  });
  const folderData = await fetch(`${api.url}/api/folder/get?path=${encodeURIComponent(folder)}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const { id: folderId } = (await folderData.json()) as { id: string };
  return { asset: asset.id, asset2: asset2.id, folder, folderId, authKey };
}

/**
 * The order the cases run in: changes that would take the fixtures away from the cases after them run after
 * the rest, and logging out (which ends the campaign's own session) last of all.
 */
function phaseOf(request: RawRequest): number {
  if (/^\/services\/logout\b/.test(request.target)) return 2;
  return request.method === 'DELETE' || /^\/services\/(remove|move|revokeAuthKeys)\b/.test(request.target) ? 1 : 0;
}

const isLogin = (request: RawRequest) => /^\/services\/(api)?login\b/.test(request.target);

beforeAll(async () => {
  api = await startTestServer();
  fixtures = await makeFixtures();
  const headers = { authorization: `Bearer ${await api.adminToken()}` };
  const cases = TABLE.flatMap(({ methods, path }) => {
    const spec = ROUTE_PARAMS[path];
    return spec && spec !== 'GraphQL' ? casesOfRoute(methods, path, spec, fixtures, headers) : [];
  });
  const serverPaths = [api.dataDir, process.cwd()];
  const send = async (request: RawRequest) => tally.record(request, await sendRaw(api.url, request), serverPaths);
  for (const phase of [0, 1, 2]) {
    const now = cases.filter((request) => phaseOf(request) === phase);
    await runInLanes(now, isLogin, send);
    if (phase === 1) {
      loggedInToTheEnd =
        (await sendRaw(api.url, { label: 'profile', method: 'GET', target: '/services/profile', headers })).status ===
        200;
    }
  }
}, 300_000);

afterAll(async () => {
  console.log(
    `REST bad-input campaign: ${tally.tried} requests tried, ${tally.serverErrors.length} 5xx, ` +
      `${tally.leaks.length} leaks, ${tally.documented5xx} of WoodWing's documented 500s and 501s, ` +
      `${tally.unanswered} closed without an answer`,
  );
  await api?.close();
});

describe('the REST bad-input campaign', () => {
  it('has cases for every route of the route table, and for no route that is not in it', () => {
    const tablePaths = TABLE.map(({ path }) => path).sort();
    expect(tablePaths.filter((path) => !ROUTE_PARAMS[path])).toEqual([]);
    expect(Object.keys(ROUTE_PARAMS).filter((path) => !tablePaths.includes(path))).toEqual([]);
  });

  it('runs every case but logging out as the logged-in admin', () => {
    expect(loggedInToTheEnd).toBe(true);
  });

  it('answers no bad request with a 5xx', () => {
    expect(tally.tried).toBeGreaterThan(1000);
    expect(tally.serverErrors).toEqual([]);
  });

  it('shows no stack trace, SQL or file path of the server in any answer', () => {
    expect(tally.leaks).toEqual([]);
  });

  it('writes no file outside the data folder, whatever traversal a name or path holds', async () => {
    expect(await filesMarkedOutside(api.dataDir)).toEqual([]);
  });
});
