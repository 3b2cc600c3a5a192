import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadAs } from './support/graphqlCalls.js';
import { startTestServerWithUser, type TestServer, type TestUser } from './support/testServer.js';
import { bearer, bodyOf, expectError, termOf } from './support/woodwingCalls.js';

/*
 * Issue #15: WoodWing's metadata report, /services/metadata/report.{json,csv} (q, assetIds or assetPath, and
 * fields), as the Postman collection calls it too (/metadata/report.*, /services/report.json?assetPath=).
 */

let api: TestServer;
let user: TestUser;
let other: TestUser;
let folder: string;
const ids: Record<string, string> = {};

async function upload(key: string, name: string, folderPath: string, input: Record<string, unknown> = {}) {
  ids[key] = (await uploadAs(api, user.token, { name, input: { folderPath, ...input } })).id;
}

beforeAll(async () => {
  ({ api, user } = await startTestServerWithUser('EDITOR'));
  other = await api.createUser('EDITOR');
  folder = `/reports/${randomUUID()}`;
  await upload('plain', 'a-plain.txt', folder, { metadata: { status: 'Production', tags: ['red', 'blue'] } });
  await upload('quoted', 'b-quoted.txt', folder, {
    metadata: { status: 'Production', title: 'Jeff, "the" harbour', description: 'two\nlines' },
  });
  await upload('draft', 'c-draft.txt', `${folder}/sub`, { metadata: { status: 'Draft' } });
  await upload('private', 'd-private.txt', folder, {
    metadata: { status: 'Production' },
    draft: true,
    accessLimitedUserIds: [user.id],
  });
  await upload('elsewhere', 'e-elsewhere.txt', `/reports/${randomUUID()}`, { metadata: { status: 'Production' } });
});
afterAll(() => api.close());

function report(path: string, params: Record<string, string>, token = user.token) {
  return fetch(`${api.url}${path}?${new URLSearchParams(params)}`, { method: 'POST', headers: bearer(token) });
}

const inFolder = (query: string) => `${termOf('ancestorPaths', folder)} AND ${query}`;
const idsOf = (rows: { id: string }[]) => rows.map((row) => row.id).sort();
const idsFor = (...keys: string[]) => keys.map((key) => ids[key]).sort();

describe('POST /services/metadata/report.json', () => {
  it('answers a JSON array with one object per hit of q, holding the fields asked for', async () => {
    const response = await report('/services/metadata/report.json', {
      q: inFolder('status:Production'),
      fields: 'id,filename,status,tags',
      sort: 'filename-asc',
    });
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await bodyOf(response)).toEqual([
      { id: ids.plain, filename: 'a-plain.txt', status: 'Production', tags: ['red', 'blue'] },
      { id: ids.quoted, filename: 'b-quoted.txt', status: 'Production', tags: null },
      { id: ids.private, filename: 'd-private.txt', status: 'Production', tags: null },
    ]);
  });

  it('leaves out the assets the viewer may not see, as search does', async () => {
    const response = await report('/services/metadata/report.json', { q: inFolder('status:Production') }, other.token);
    expect(idsOf(await bodyOf(response))).toEqual(idsFor('plain', 'quoted'));
  });

  it('reports the assets listed in assetIds', async () => {
    const response = await report('/services/metadata/report.json', { assetIds: `${ids.draft},${ids.elsewhere}` });
    expect(idsOf(await bodyOf(response))).toEqual(idsFor('draft', 'elsewhere'));
  });

  it('is streamed: sent without a Content-Length', async () => {
    const response = await report('/services/metadata/report.json', { q: inFolder('status:Production') });
    expect(response.headers.get('content-length')).toBeNull();
    await response.arrayBuffer();
  });

  it('answers an empty array when nothing matches', async () => {
    const response = await report('/services/metadata/report.json', { q: inFolder('status:Nothing') });
    expect(await bodyOf(response)).toEqual([]);
  });

  it('refuses a query it cannot read with err(400)', async () => {
    await expectError(await report('/services/metadata/report.json', { q: 'status:(unclosed' }), 400);
  });

  it('refuses a call that names no assets (no q, assetIds or assetPath) with err(400)', async () => {
    await expectError(await report('/services/metadata/report.json', { fields: 'id' }), 400);
  });

  it('refuses a caller without a login with err(401)', async () => {
    const response = await fetch(`${api.url}/services/metadata/report.json?q=`, { method: 'POST' });
    await expectError(response, 401);
  });
});

describe('POST /services/metadata/report.csv', () => {
  it('answers a header line of the fields, then one CSV line per hit, quoted where needed', async () => {
    const response = await report('/services/metadata/report.csv', {
      q: inFolder('status:Production'),
      fields: 'filename,title,description,tags',
      sort: 'filename-asc',
    });
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(await response.text()).toBe(
      [
        'filename,title,description,tags',
        'a-plain.txt,,,"red, blue"',
        'b-quoted.txt,"Jeff, ""the"" harbour","two\nlines",',
        'd-private.txt,,,',
        '',
      ].join('\r\n'),
    );
  });

  it('writes a date or size as WoodWing formats it', async () => {
    const response = await report('/services/metadata/report.csv', { assetIds: ids.plain ?? '', fields: 'fileSize' });
    expect((await response.text()).split('\r\n')[1]).toMatch(/^\d+ B$/);
  });
});

describe('the Postman collection paths', () => {
  it('answers /metadata/report.json?q= as /services/metadata/report.json does', async () => {
    const params = { q: inFolder('status:Production'), fields: 'id' };
    const postman = await bodyOf(await report('/metadata/report.json', params));
    expect(postman).toEqual(await bodyOf(await report('/services/metadata/report.json', params)));
    expect(postman).toHaveLength(3);
  });

  it('answers /metadata/report.csv', async () => {
    const response = await report('/metadata/report.csv', { assetIds: ids.plain ?? '', fields: 'id' });
    expect(await response.text()).toBe(`id\r\n${ids.plain}\r\n`);
  });

  it('reports everything in a folder and below it for /services/report.json?assetPath=', async () => {
    const response = await report('/services/report.json', { assetPath: folder, fields: 'id' });
    expect(idsOf(await bodyOf(response))).toEqual(idsFor('plain', 'quoted', 'draft', 'private'));
  });

  it('reports one asset for assetPath= of the asset itself', async () => {
    const response = await report('/services/report.json', { assetPath: `${folder}/sub/c-draft.txt`, fields: 'id' });
    expect(idsOf(await bodyOf(response))).toEqual(idsFor('draft'));
  });

  it('answers a GET too', async () => {
    const response = await fetch(
      `${api.url}/services/metadata/report.json?${new URLSearchParams({ assetIds: ids.plain ?? '' })}`,
      {
        headers: bearer(user.token),
      },
    );
    expect(idsOf(await bodyOf(response))).toEqual(idsFor('plain'));
  });
});
