import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshFolder as freshFolderUnder, uploadFile } from './support/graphqlCalls.js';
import { startTestServerWithUser, type TestServer, type TestUser } from './support/testServer.js';
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
 * WoodWing Assets' /services/updatebulk (reference section 3, case 24 of section 8), over real HTTP: one
 * metadata change on every asset a query finds, each asset that may not change counted as an error.
 */

let api: TestServer;
let editor: TestUser;

beforeAll(async () => ({ api, user: editor } = await startTestServerWithUser('EDITOR')));
afterAll(() => api.close());

const freshFolder = () => freshFolderUnder('/wwbulk');

const uploadInto = async (token: string, folderPath: string, metadata: Record<string, unknown> = {}) =>
  (await uploadFile(api, token, folderPath, { metadata })).id;

function updatebulk(params: Params, token = editor.token, encoding: (typeof ENCODINGS)[number] = 'urlencoded') {
  return postServices(api.url, 'updatebulk', params, encoding, bearer(token));
}

/** The metadata of one asset, as a search hit shows it. */
async function metadataOf(id: string): Promise<Record<string, any>> {
  const response = await postServices(api.url, 'search', { q: `id:${id}` }, 'urlencoded', bearer(editor.token));
  const body = await bodyOf(response);
  if (body.totalHits !== 1) throw new Error(`no asset ${id}: ${JSON.stringify(body)}`);
  return body.hits[0].metadata;
}

const inFolder = (folder: string) => termOf('folderPath', folder);

describe('POST /services/updatebulk', () => {
  describe.each(ENCODINGS)('with the parameters in the %s', (encoding) => {
    it('changes the asset q finds and answers {processedCount: 1, errorCount: 0} (case 24)', async () => {
      const id = await uploadInto(editor.token, freshFolder());
      const response = await updatebulk({ q: `id:${id}`, metadata: '{"headline":"b"}' }, editor.token, encoding);
      expect(response.status).toBe(200);
      expect(await bodyOf(response)).toEqual({ processedCount: 1, errorCount: 0 });
      expect((await metadataOf(id)).headline).toBe('b');
    });
  });

  it('changes every asset the query finds', async () => {
    const folder = freshFolder();
    const ids = [await uploadInto(editor.token, folder), await uploadInto(editor.token, folder)];
    const body = await bodyOf(await updatebulk({ q: inFolder(folder), metadata: '{"headline":"all"}' }));
    expect(body).toEqual({ processedCount: 2, errorCount: 0 });
    for (const id of ids) expect((await metadataOf(id)).headline).toBe('all');
  });

  it('leaves alone the assets the query does not find', async () => {
    const other = await uploadInto(editor.token, freshFolder(), { headline: 'mine' });
    await updatebulk({ q: inFolder(freshFolder()), metadata: '{"headline":"changed"}' });
    expect((await metadataOf(other)).headline).toBe('mine');
  });

  it('takes <field>=value parameters as metadata fields', async () => {
    const id = await uploadInto(editor.token, freshFolder());
    await updatebulk({ q: `id:${id}`, headline: 'from a field', status: 'draft' });
    expect(await metadataOf(id)).toMatchObject({ headline: 'from a field', status: 'draft' });
  });

  it('keeps the other metadata fields of each asset', async () => {
    const id = await uploadInto(editor.token, freshFolder(), { title: 'kept' });
    await updatebulk({ q: `id:${id}`, headline: 'new' });
    expect((await metadataOf(id)).title).toBe('kept');
  });

  it('removes a field set to null in the metadata JSON', async () => {
    const id = await uploadInto(editor.token, freshFolder(), { title: 'gone' });
    await updatebulk({ q: `id:${id}`, metadata: '{"title":null}' });
    expect((await metadataOf(id)).title).toBeUndefined();
  });

  it('adds a list item with +item and keeps the others', async () => {
    const id = await uploadInto(editor.token, freshFolder(), { tags: ['a', 'b'] });
    await updatebulk({ q: `id:${id}`, tags: '+c' });
    expect((await metadataOf(id)).tags).toEqual(['a', 'b', 'c']);
  });

  it('removes a list item with -item', async () => {
    const id = await uploadInto(editor.token, freshFolder(), { tags: ['a', 'b'] });
    await updatebulk({ q: `id:${id}`, tags: '-a' });
    expect((await metadataOf(id)).tags).toEqual(['b']);
  });

  it('makes +item a one-item list on an asset that has no such field yet', async () => {
    const id = await uploadInto(editor.token, freshFolder());
    await updatebulk({ q: `id:${id}`, tags: '+sea' });
    expect((await metadataOf(id)).tags).toEqual(['sea']);
  });

  it('adds +item to each asset found, whatever list each had', async () => {
    const folder = freshFolder();
    const first = await uploadInto(editor.token, folder, { tags: ['x'] });
    const second = await uploadInto(editor.token, folder, { tags: ['y'] });
    await updatebulk({ q: inFolder(folder), tags: '+both' });
    expect((await metadataOf(first)).tags).toEqual(['x', 'both']);
    expect((await metadataOf(second)).tags).toEqual(['y', 'both']);
  });

  it('takes +item literally with parseMetadataModifications=false', async () => {
    const id = await uploadInto(editor.token, freshFolder(), { tags: ['a'] });
    await updatebulk({ q: `id:${id}`, tags: '+c', parseMetadataModifications: 'false' });
    expect((await metadataOf(id)).tags).toEqual(['+c']);
  });

  it('keeps the version number: a metadata change is no new version', async () => {
    const id = await uploadInto(editor.token, freshFolder());
    await updatebulk({ q: `id:${id}`, headline: 'h' });
    expect((await metadataOf(id)).versionNumber).toBe(1);
  });

  it('records the change in the history of each asset', async () => {
    const id = await uploadInto(editor.token, freshFolder());
    await updatebulk({ q: `id:${id}`, headline: 'h' });
    const history = await bodyOf(
      await postServices(
        api.url,
        'asset/history',
        { id, actions: 'UPDATE_METADATA' },
        'urlencoded',
        bearer(editor.token),
      ),
    );
    expect(history.totalHits).toBe(1);
  });

  it('answers {processedCount: 0, errorCount: 0} for a q that finds nothing', async () => {
    expect(await bodyOf(await updatebulk({ q: inFolder(freshFolder()), headline: 'h' }))).toEqual({
      processedCount: 0,
      errorCount: 0,
    });
  });

  it('counts as an error an asset checked out by another user, and changes it not', async () => {
    const id = await uploadInto(editor.token, freshFolder(), { headline: 'locked' });
    const holder = await api.createUser('EDITOR');
    await postServices(api.url, `checkout/${id}`, {}, 'urlencoded', bearer(holder.token));
    expect(await bodyOf(await updatebulk({ q: `id:${id}`, headline: 'changed' }))).toEqual({
      processedCount: 0,
      errorCount: 1,
    });
    expect((await metadataOf(id)).headline).toBe('locked');
  });

  it('changes an asset checked out by the one asking', async () => {
    const id = await uploadInto(editor.token, freshFolder());
    await postServices(api.url, `checkout/${id}`, {}, 'urlencoded', bearer(editor.token));
    expect(await bodyOf(await updatebulk({ q: `id:${id}`, headline: 'mine' }))).toEqual({
      processedCount: 1,
      errorCount: 0,
    });
  });

  it('counts as errors the assets of others for a CONTRIBUTOR, and changes its own', async () => {
    const contributor = await api.createUser('CONTRIBUTOR');
    const folder = freshFolder();
    const theirs = await uploadInto(editor.token, folder, { headline: 'theirs' });
    const own = await uploadInto(contributor.token, folder);
    const body = await bodyOf(await updatebulk({ q: inFolder(folder), headline: 'contributed' }, contributor.token));
    expect(body).toEqual({ processedCount: 1, errorCount: 1 });
    expect((await metadataOf(own)).headline).toBe('contributed');
    expect((await metadataOf(theirs)).headline).toBe('theirs');
  });

  it('counts as an error every asset a VIEWER asks to change, and changes none', async () => {
    const viewer = await api.createUser('VIEWER');
    const id = await uploadInto(editor.token, freshFolder(), { headline: 'kept' });
    expect(await bodyOf(await updatebulk({ q: `id:${id}`, headline: 'viewed' }, viewer.token))).toEqual({
      processedCount: 0,
      errorCount: 1,
    });
    expect((await metadataOf(id)).headline).toBe('kept');
  });

  it('refuses a call without q with err(400)', async () => {
    await expectError(await updatebulk({ headline: 'h' }), 400);
  });

  it('refuses an empty q with err(400)', async () => {
    await expectError(await updatebulk({ q: '', headline: 'h' }), 400);
  });

  it('refuses a malformed q with err(400)', async () => {
    await expectError(await updatebulk({ q: 'headline:(a', headline: 'h' }), 400);
  });

  it('refuses a call with no metadata to change with err(400)', async () => {
    const id = await uploadInto(editor.token, freshFolder());
    await expectError(await updatebulk({ q: `id:${id}` }), 400);
  });

  it('refuses metadata that is not JSON with err(400) and changes nothing', async () => {
    const id = await uploadInto(editor.token, freshFolder(), { headline: 'kept' });
    await expectError(await updatebulk({ q: `id:${id}`, metadata: '{headline', status: 'x' }), 400);
    expect((await metadataOf(id)).status).toBeUndefined();
  });

  it('refuses metadata that is a JSON array with err(400)', async () => {
    const id = await uploadInto(editor.token, freshFolder());
    await expectError(await updatebulk({ q: `id:${id}`, metadata: '["headline"]' }), 400);
  });

  it.each([
    'filename',
    'folderPath',
    'assetPath',
    'versionNumber',
    'checkedOutBy',
  ])('refuses %s, a field the asset holds itself, with err(400) and changes nothing', async (field) => {
    const id = await uploadInto(editor.token, freshFolder());
    const before = await metadataOf(id);
    const body = await expectError(
      await updatebulk({ q: `id:${id}`, metadata: JSON.stringify({ [field]: 'x' }) }),
      400,
    );
    expect(body.message).toContain(field);
    expect((await metadataOf(id))[field]).toEqual(before[field]);
  });

  it('refuses parseMetadataModifications=maybe with err(400)', async () => {
    const id = await uploadInto(editor.token, freshFolder());
    await expectError(await updatebulk({ q: `id:${id}`, headline: 'h', parseMetadataModifications: 'maybe' }), 400);
  });

  it('refuses async=maybe with err(400) and changes nothing', async () => {
    const id = await uploadInto(editor.token, freshFolder(), { headline: 'kept' });
    await expectError(await updatebulk({ q: `id:${id}`, headline: 'h', async: 'maybe' }), 400);
    expect((await metadataOf(id)).headline).toBe('kept');
  });

  it('refuses GET with 405 and changes nothing', async () => {
    const id = await uploadInto(editor.token, freshFolder(), { headline: 'kept' });
    const response = await fetch(`${api.url}/services/updatebulk?q=id:${id}&headline=h`, {
      headers: bearer(editor.token),
    });
    await expectError(response, 405);
    expect((await metadataOf(id)).headline).toBe('kept');
  });

  it('refuses a call without credentials with err(401)', async () => {
    const id = await uploadInto(editor.token, freshFolder());
    await expectError(await postServices(api.url, 'updatebulk', { q: `id:${id}`, headline: 'h' }), 401);
  });

  it('refuses a cookie session without X-CSRF-TOKEN with err(403) and changes nothing', async () => {
    const { username, password } = await api.createUser('EDITOR');
    const id = await uploadInto(editor.token, freshFolder(), { headline: 'kept' });
    const session = await cookieSession(api.url, username, password, false);
    await expectError(
      await postServices(api.url, 'updatebulk', { q: `id:${id}`, headline: 'h' }, 'urlencoded', session),
      403,
    );
    expect((await metadataOf(id)).headline).toBe('kept');
  });

  describe('with async=true', () => {
    it('answers {processId} (case 24)', async () => {
      const id = await uploadInto(editor.token, freshFolder());
      const body = await bodyOf(await updatebulk({ q: `id:${id}`, metadata: '{"headline":"b"}', async: 'true' }));
      expect(Object.keys(body)).toEqual(['processId']);
      expect(body.processId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    });

    it('changes the assets in the background, process/info then saying COMPLETED with the counts', async () => {
      const id = await uploadInto(editor.token, freshFolder());
      const { processId } = await bodyOf(await updatebulk({ q: `id:${id}`, headline: 'later', async: 'true' }));
      const info = await finishedProcess(api.url, bearer(editor.token), processId);
      expect(info).toMatchObject({ status: 'COMPLETED', operation: 'UPDATE', processedCount: 1, errorCount: 0 });
      expect((await metadataOf(id)).headline).toBe('later');
    });

    it('counts the errors in the background too', async () => {
      const viewer = await api.createUser('VIEWER');
      const id = await uploadInto(editor.token, freshFolder());
      const { processId } = await bodyOf(await updatebulk({ q: `id:${id}`, headline: 'x', async: '1' }, viewer.token));
      expect(await finishedProcess(api.url, bearer(viewer.token), processId)).toMatchObject({
        processedCount: 0,
        errorCount: 1,
      });
    });

    it('refuses a malformed q at once with err(400), starting nothing', async () => {
      await expectError(await updatebulk({ q: 'headline:(a', headline: 'h', async: 'true' }), 400);
    });
  });
});
