import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshFolder as freshFolderUnder, uploadFile } from './support/graphqlCalls.js';
import { startTestServer, startTestServerWithUser, type TestServer, type TestUser } from './support/testServer.js';
import {
  bearer,
  bodyOf,
  cookieSession,
  ENCODINGS,
  expectError,
  finishedProcess,
  type Params,
  postServices,
  termOf,
} from './support/woodwingCalls.js';

/*
 * async=true on WoodWing's remove, updatebulk, copy and move, and /services/process/info and process/cancel
 * (reference section 3), over real HTTP. A process lives in the database, so any instance can answer for it.
 */

let api: TestServer;
let editor: TestUser;

beforeAll(async () => ({ api, user: editor } = await startTestServerWithUser('EDITOR')));
afterAll(() => api.close());

const freshFolder = () => freshFolderUnder('/wwproc');

const uploadInto = async (folderPath: string, token = editor.token) => (await uploadFile(api, token, folderPath)).id;

const post = (path: string, params: Params, token = editor.token) =>
  postServices(api.url, path, params, 'urlencoded', bearer(token));

async function isLive(id: string): Promise<boolean> {
  return (await bodyOf(await post('search', { q: `id:${id}` }))).totalHits === 1;
}

/** Starts an updatebulk of one asset in the background and answers its processId. */
async function startedProcess(token = editor.token): Promise<string> {
  const id = await uploadInto(freshFolder(), token);
  const body = await bodyOf(await post('updatebulk', { q: `id:${id}`, headline: 'h', async: 'true' }, token));
  if (!body.processId) throw new Error(`no processId: ${JSON.stringify(body)}`);
  return body.processId;
}

describe('POST /services/remove with async=true', () => {
  it('answers {processId} and removes in the background (case 26 with async)', async () => {
    const id = await uploadInto(freshFolder());
    const body = await bodyOf(await post('remove', { ids: id, async: 'true' }));
    expect(Object.keys(body)).toEqual(['processId']);
    const info = await finishedProcess(api.url, bearer(editor.token), body.processId);
    expect(info).toMatchObject({ status: 'COMPLETED', operation: 'REMOVE', processedCount: 1, errorCount: 0 });
    expect(await isLive(id)).toBe(false);
  });

  it('removes a folder in the background, counting its assets', async () => {
    const folder = freshFolder();
    await uploadInto(folder);
    await uploadInto(`${folder}/sub`);
    const { processId } = await bodyOf(await post('remove', { folderPath: folder, async: '1' }));
    expect(await finishedProcess(api.url, bearer(editor.token), processId)).toMatchObject({
      processedCount: 2,
      errorCount: 0,
    });
  });

  it('counts in the background the assets it may not remove', async () => {
    const holder = await api.createUser('EDITOR');
    const id = await uploadInto(freshFolder());
    await post(`checkout/${id}`, {}, holder.token);
    const { processId } = await bodyOf(await post('remove', { ids: id, async: 'true' }));
    expect(await finishedProcess(api.url, bearer(editor.token), processId)).toMatchObject({
      processedCount: 0,
      errorCount: 1,
    });
    expect(await isLive(id)).toBe(true);
  });

  it('answers {processedCount, errorCount} with async=false', async () => {
    const id = await uploadInto(freshFolder());
    expect(await bodyOf(await post('remove', { ids: id, async: 'false' }))).toEqual({
      processedCount: 1,
      errorCount: 0,
    });
  });

  it('refuses at once a folderPath that does not exist with err(404)', async () => {
    await expectError(await post('remove', { folderPath: freshFolder(), async: 'true' }), 404);
  });

  it('refuses at once a malformed q with err(400)', async () => {
    await expectError(await post('remove', { q: 'name:(a', async: 'true' }), 400);
  });

  it('refuses at once a call with none of q, ids and folderPath with err(400)', async () => {
    await expectError(await post('remove', { async: 'true' }), 400);
  });

  it('refuses async=maybe with err(400) and removes nothing', async () => {
    const id = await uploadInto(freshFolder());
    await expectError(await post('remove', { ids: id, async: 'maybe' }), 400);
    expect(await isLive(id)).toBe(true);
  });
});

describe('/services/process/info', () => {
  describe.each(ENCODINGS)('with processId in the %s', (encoding) => {
    it('answers how the process did', async () => {
      const processId = await startedProcess();
      await finishedProcess(api.url, bearer(editor.token), processId);
      const response = await postServices(api.url, 'process/info', { processId }, encoding, bearer(editor.token));
      expect(await bodyOf(response)).toMatchObject({ processId, status: 'COMPLETED', finished: true });
    });
  });

  it('describes the process: operation, status, counts and epoch-millisecond dates', async () => {
    const before = Date.now();
    const processId = await startedProcess();
    const info = await finishedProcess(api.url, bearer(editor.token), processId);
    expect(info).toEqual({
      processId,
      operation: 'UPDATE',
      status: 'COMPLETED',
      finished: true,
      cancelRequested: false,
      processedCount: 1,
      errorCount: 0,
      startedAt: expect.any(Number),
      finishedAt: expect.any(Number),
    });
    expect(info.startedAt).toBeGreaterThanOrEqual(before - 1000);
    expect(info.finishedAt).toBeGreaterThanOrEqual(info.startedAt);
  });

  it('answers GET as well', async () => {
    const processId = await startedProcess();
    await finishedProcess(api.url, bearer(editor.token), processId);
    const response = await fetch(`${api.url}/services/process/info?processId=${processId}`, {
      headers: bearer(editor.token),
    });
    expect((await bodyOf(response)).processId).toBe(processId);
  });

  it('answers an ADMIN about the process of another user', async () => {
    const processId = await startedProcess();
    const response = await post('process/info', { processId }, await api.adminToken());
    expect((await bodyOf(response)).processId).toBe(processId);
  });

  it('answers err(404) to another user than the one who started it', async () => {
    const processId = await startedProcess();
    const other = await api.createUser('EDITOR');
    await expectError(await post('process/info', { processId }, other.token), 404);
  });

  it('answers err(404) for an unknown processId', async () => {
    await expectError(await post('process/info', { processId: 'A'.repeat(22) }), 404);
  });

  it('answers err(404) for a malformed processId', async () => {
    await expectError(await post('process/info', { processId: 'not a process id' }), 404);
  });

  it('refuses a call without processId with err(400)', async () => {
    await expectError(await post('process/info', {}), 400);
  });

  it('refuses a call without credentials with err(401)', async () => {
    const processId = await startedProcess();
    await expectError(await postServices(api.url, 'process/info', { processId }), 401);
  });

  it('answers FAILED for a process left RUNNING by a server that stopped (nothing written for 10 minutes)', async () => {
    const processId = await startedProcess();
    await finishedProcess(api.url, bearer(editor.token), processId);
    const [row] = await api.sql('select updated_at from processes where id = ?', [processId]);
    const longAgo = new Date(Date.now() - 11 * 60_000);
    const stamp = typeof row?.updated_at === 'number' ? longAgo.getTime() : longAgo.toISOString();
    await api.sql("update processes set status = 'RUNNING', finished_at = null, updated_at = ? where id = ?", [
      stamp,
      processId,
    ]);
    const info = await bodyOf(await post('process/info', { processId }));
    expect(info).toMatchObject({ status: 'FAILED', finished: true });
    expect(info.message).toContain('stopped');
  });

  it('answers from the database: a server started again on the same data still knows the process', async () => {
    const dataDir = await import('node:fs/promises').then((fs) =>
      fs.mkdtemp(`${(globalThis.process.env.TMPDIR ?? '/tmp').replace(/\/$/, '')}/asset-gateway-proc-`),
    );
    const first = await startTestServer({ dataDir });
    const token = await first.login();
    const folder = freshFolder();
    const { id } = await uploadFile(first, token, folder, { name: 'a.txt', content: 'a' });
    const { processId } = await bodyOf(
      await postServices(
        first.url,
        'updatebulk',
        { q: `id:${id}`, headline: 'h', async: 'true' },
        'urlencoded',
        bearer(token),
      ),
    );
    await finishedProcess(first.url, bearer(token), processId);
    await first.stop();
    const second = await startTestServer({ dataDir });
    try {
      const response = await postServices(second.url, 'process/info', { processId }, 'urlencoded', bearer(token));
      expect(await bodyOf(response)).toMatchObject({ processId, status: 'COMPLETED', processedCount: 1 });
    } finally {
      await second.close();
    }
  });
});

describe('POST /services/process/cancel', () => {
  it('stops a running process at its next checkpoint, keeping what it did: status CANCELLED', async () => {
    // Enough assets that the process is still running when the cancel arrives: 10 uploads, copied 63 times.
    const base = freshFolder();
    await Promise.all(Array.from({ length: 10 }, () => uploadInto(`${base}/0`)));
    for (let copyNumber = 1; copyNumber < 64; copyNumber++) {
      await api.graphql(
        'mutation($from: String!, $to: String!) { copyFolder(from: $from, to: $to) { path } }',
        { from: `${base}/0`, to: `${base}/${copyNumber}` },
        { token: editor.token },
      );
    }
    const inBase = termOf('ancestorPaths', base);
    const total = (await bodyOf(await post('search', { q: inBase, num: 0 }))).totalHits;
    expect(total).toBe(640);
    const { processId } = await bodyOf(await post('updatebulk', { q: inBase, headline: 'h', async: 'true' }));
    const cancel = await bodyOf(await post('process/cancel', { processId }));
    expect(cancel).toMatchObject({ processId, cancelRequested: true });
    const info = await finishedProcess(api.url, bearer(editor.token), processId);
    expect(info).toMatchObject({ status: 'CANCELLED', cancelRequested: true, message: 'Cancelled on request' });
    expect(info.processedCount).toBeLessThan(total);
    const changed = await bodyOf(await post('search', { q: `${inBase} headline:h`, num: 0 }));
    expect(changed.totalHits).toBe(info.processedCount);
  });

  it('answers a finished process as it is', async () => {
    const processId = await startedProcess();
    await finishedProcess(api.url, bearer(editor.token), processId);
    expect(await bodyOf(await post('process/cancel', { processId }))).toMatchObject({
      status: 'COMPLETED',
      cancelRequested: false,
    });
  });

  it('answers err(404) to another user than the one who started it', async () => {
    const processId = await startedProcess();
    const other = await api.createUser('EDITOR');
    await expectError(await post('process/cancel', { processId }, other.token), 404);
  });

  it('answers err(404) for an unknown processId', async () => {
    await expectError(await post('process/cancel', { processId: 'B'.repeat(22) }), 404);
  });

  it('refuses a call without processId with err(400)', async () => {
    await expectError(await post('process/cancel', {}), 400);
  });

  it('refuses GET with 405', async () => {
    const processId = await startedProcess();
    const response = await fetch(`${api.url}/services/process/cancel?processId=${processId}`, {
      headers: bearer(editor.token),
    });
    await expectError(response, 405);
  });

  it('refuses a cookie session without X-CSRF-TOKEN with err(403)', async () => {
    const { username, password, token } = await api.createUser('EDITOR');
    const processId = await startedProcess(token);
    const session = await cookieSession(api.url, username, password, false);
    await expectError(await postServices(api.url, 'process/cancel', { processId }, 'urlencoded', session), 403);
  });
});
