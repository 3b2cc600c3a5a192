import { buildClientSchema, getIntrospectionQuery, type IntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authKeyFor, dataOf, uploadFile } from '../support/graphqlCalls.js';
import { startTestServer, type TestServer } from '../support/testServer.js';
import { CampaignTally, filesMarkedOutside, type RawRequest, runInLanes, sendRaw } from './badInputs.js';
import { malformedRequests, schemaCases } from './graphqlCases.js';

/**
 * Issue #17's bad-input campaign over GraphQL: every root field of the served schema with each argument
 * missing, null, every bad value and every wrong type, every upload with each bad file name, and GraphQL
 * over HTTP requests that are wrong as requests.
 */

let api: TestServer;
let fieldCount = 0;
const tally = new CampaignTally();
/** Whether the campaign's session still worked when every case but logging out had run. */
let loggedInToTheEnd = false;

/** Changes that take the fixtures away go after the rest; logout (it ends the campaign's session) last. */
function phaseOf(request: RawRequest): number {
  const body = String(request.body ?? '');
  if (/\{ logout\b/.test(body)) return 2;
  return /\{ (deleteAsset|removeAssets|removeFolder|moveAssets|moveFolder|revokeAuthKeys)\b/.test(body) ? 1 : 0;
}

beforeAll(async () => {
  api = await startTestServer();
  const token = await api.adminToken();
  const headers = { authorization: `Bearer ${token}` };
  const folder = '/campaign/fixtures';
  const asset = await uploadFile(api, token, folder);
  const authKey = await authKeyFor(api, token, 'campaign', [asset.id], {
    downloadPreview: true,
    downloadOriginal: true,
  });
  const introspection = await dataOf<IntrospectionQuery>(api, getIntrospectionQuery(), {}, token);
  const schema = buildClientSchema(introspection);
  fieldCount = Object.keys({ ...schema.getQueryType()?.getFields(), ...schema.getMutationType()?.getFields() }).length;
  const cases = [...schemaCases(schema, { asset: asset.id, folder, authKey }, headers), ...malformedRequests(headers)];

  const serverPaths = [api.dataDir, process.cwd()];
  for (const phase of [0, 1, 2]) {
    await runInLanes(
      cases.filter((request) => phaseOf(request) === phase),
      (request) => String(request.body).includes('{ login('),
      async (request) => tally.record(request, await sendRaw(api.url, request), serverPaths),
    );
    if (phase === 1) loggedInToTheEnd = (await api.graphql('{ viewer { id } }', {}, { token })).data?.viewer != null;
  }
}, 300_000);

afterAll(async () => {
  console.log(
    `GraphQL bad-input campaign: ${tally.tried} requests tried over ${fieldCount} root fields, ` +
      `${tally.serverErrors.length} 5xx, ${tally.leaks.length} leaks`,
  );
  await api?.close();
});

describe('the GraphQL bad-input campaign', () => {
  it('has cases for every root field of the served schema', () => {
    expect(fieldCount).toBeGreaterThan(40);
    expect(tally.tried).toBeGreaterThan(fieldCount * 10);
  });

  it('runs every case but logging out as the logged-in admin', () => {
    expect(loggedInToTheEnd).toBe(true);
  });

  it('answers no bad request with a 5xx', () => {
    expect(tally.serverErrors).toEqual([]);
  });

  it('shows no stack trace, SQL or file path of the server in any answer', () => {
    expect(tally.leaks).toEqual([]);
  });

  it('writes no file outside the data folder, whatever traversal a file name holds', async () => {
    expect(await filesMarkedOutside(api.dataDir)).toEqual([]);
  });
});
