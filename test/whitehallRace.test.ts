import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restartRerunning } from './support/migrationRerun.js';
import { startTestServer, type TestServer, type TestUser } from './support/testServer.js';
import { bearer } from './support/woodwingCalls.js';

/*
 * Issue #15: a Whitehall legacy_url_path belongs to one live asset, held by a unique index on live paths, so
 * that simultaneous POSTs to one path cannot all get in; and a database that holds duplicates from before
 * keeps the most recently modified holder when the index arrives.
 */

let api: TestServer;
let contributor: TestUser;

beforeAll(async () => {
  api = await startTestServer();
  contributor = await api.createUser('CONTRIBUTOR');
});
afterAll(() => api?.close());

const freshPath = () => `/government/uploads/${randomUUID()}/report.pdf`;

async function postWhitehall(legacyUrlPath: string): Promise<{ status: number; json: any }> {
  const form = new FormData();
  form.append('asset[file]', new Blob([`bytes ${randomUUID()}`]), 'report.pdf');
  form.append('asset[legacy_url_path]', legacyUrlPath);
  const response = await fetch(`${api.url}/whitehall_assets`, {
    method: 'POST',
    headers: bearer(contributor.token),
    body: form,
  });
  return { status: response.status, json: await response.json() };
}

async function call(method: string, id: string): Promise<{ status: number; json: any }> {
  const response = await fetch(`${api.url}/assets/${id}${method === 'POST' ? '/restore' : ''}`, {
    method,
    headers: bearer(contributor.token),
  });
  return { status: response.status, json: await response.json() };
}

const idOf = (presented: { id: string }) => presented.id.split('/').pop() as string;
const TAKEN = { _response_info: { status: ['Legacy url path has already been taken'] } };

describe('simultaneous POST /whitehall_assets at one legacy_url_path', () => {
  it('lets exactly one through with 201 and refuses the others with the 422 of the sequential case', async () => {
    const path = freshPath();
    const answers = await Promise.all(Array.from({ length: 6 }, () => postWhitehall(path)));
    const refused = answers.filter((answer) => answer.status !== 201);
    expect(answers.length - refused.length).toBe(1);
    expect(refused).toEqual(Array.from({ length: 5 }, () => ({ status: 422, json: TAKEN })));
  });

  it('leaves exactly one live asset at the path', async () => {
    const path = freshPath();
    await Promise.all(Array.from({ length: 4 }, () => postWhitehall(path)));
    const live = await api.sql('select id from assets where legacy_url_path = ? and deleted_at is null', [path]);
    expect(live).toHaveLength(1);
  });
});

describe('restoring a deleted holder while another asset holds its path', () => {
  it('is refused with the same 422', async () => {
    const path = freshPath();
    const first = idOf((await postWhitehall(path)).json);
    await call('DELETE', first);
    await postWhitehall(path);
    expect(await call('POST', first)).toEqual({ status: 422, json: TAKEN });
  });
});

describe('the LiveLegacyPaths migration on a database that holds duplicate live legacy paths', () => {
  const path = freshPath();
  let older: string;
  let newer: string;

  beforeAll(async () => {
    older = idOf((await postWhitehall(path)).json);
    newer = idOf((await postWhitehall(freshPath())).json);
    // Back to the state before the index: both live at one path, the newer one modified last.
    await api.sql('drop index assets_legacy_url_path_live_unique');
    await api.sql('update assets set legacy_url_path = ? where id = ?', [path, newer]);
    api = await restartRerunning(api, 'Migration20261207110000LiveLegacyPaths');
    contributor = { ...contributor, token: await api.login(contributor.username, contributor.password) };
  });

  it('keeps the most recently modified holder live', async () => {
    expect((await call('GET', newer)).json.deleted).toBe(false);
  });

  it('soft-deletes the older holder', async () => {
    expect((await call('GET', older)).json.deleted).toBe(true);
  });

  it('records the removal in the older holder’s history', async () => {
    const removals = await api.sql("select details from history_entries where asset_id = ? and action = 'REMOVE'", [
      older,
    ]);
    expect(removals).toHaveLength(1);
  });

  it('leaves the unique index in place: a second live holder cannot be written even directly', async () => {
    await expect(api.sql('update assets set deleted_at = null where id = ?', [older])).rejects.toThrow();
  });
});
