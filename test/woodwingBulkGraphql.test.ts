import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, errorCodeOf, freshFolder as freshFolderUnder, uploadFile } from './support/graphqlCalls.js';
import { eventually, startTestServerWithUser, type TestServer, type TestUser } from './support/testServer.js';
import { bearer, bodyOf, postServices } from './support/woodwingCalls.js';

/*
 * The GraphQL twins of WoodWing's updatebulk, remove, move and copy, and of process/info and process/cancel:
 * the same resolvers behind both surfaces, so a process started on one is seen on the other.
 */

let api: TestServer;
let editor: TestUser;

beforeAll(async () => ({ api, user: editor } = await startTestServerWithUser('EDITOR')));
afterAll(() => api.close());

const PROCESS_FIELDS = 'id operation status processedCount errorCount cancelRequested message startedAt finishedAt';
const UPDATE_ASSETS = `mutation($input: UpdateAssetsInput!, $async: Boolean) {
  updateAssets(input: $input, async: $async) { ${PROCESS_FIELDS} } }`;
const REMOVE_ASSETS = `mutation($input: RemoveAssetsInput!) { removeAssets(input: $input) { ${PROCESS_FIELDS} } }`;
const MOVE_ASSETS = `mutation($input: TransferAssetsInput!) { moveAssets(input: $input) { ${PROCESS_FIELDS} } }`;
const COPY_ASSETS = `mutation($input: TransferAssetsInput!) { copyAssets(input: $input) { ${PROCESS_FIELDS} } }`;
const PROCESS = `query($id: ID!) { process(id: $id) { ${PROCESS_FIELDS} } }`;
const CANCEL = `mutation($id: ID!) { cancelProcess(id: $id) { ${PROCESS_FIELDS} } }`;
const ASSET = 'query($id: ID!) { asset(id: $id) { assetPath deleted metadata } }';

const freshFolder = () => freshFolderUnder('/wwgql');

const upload = (folderPath: string, metadata: Record<string, unknown> = {}, token = editor.token) =>
  uploadFile(api, token, folderPath, { metadata });

const assetOf = async (id: string) => (await dataOf(api, ASSET, { id }, editor.token)).asset;

describe('updateAssets', () => {
  it('changes every asset the query finds and answers the finished process', async () => {
    const asset = await upload(freshFolder());
    const data = await dataOf(
      api,
      UPDATE_ASSETS,
      { input: { query: `id:${asset.id}`, metadata: { headline: 'g' } } },
      editor.token,
    );
    expect(data.updateAssets).toMatchObject({
      operation: 'UPDATE',
      status: 'COMPLETED',
      processedCount: 1,
      errorCount: 0,
      cancelRequested: false,
      message: null,
    });
    expect(data.updateAssets.finishedAt).not.toBeNull();
    expect((await assetOf(asset.id)).metadata.headline).toBe('g');
  });

  it('takes "+item" literally unless parseMetadataModifications is true', async () => {
    const asset = await upload(freshFolder(), { tags: ['a'] });
    const input = { query: `id:${asset.id}`, metadata: { tags: '+b' } };
    await dataOf(api, UPDATE_ASSETS, { input: { ...input, parseMetadataModifications: true } }, editor.token);
    expect((await assetOf(asset.id)).metadata.tags).toEqual(['a', 'b']);
    await dataOf(api, UPDATE_ASSETS, { input }, editor.token);
    expect((await assetOf(asset.id)).metadata.tags).toEqual(['+b']);
  });

  it('counts as an error an asset the viewer may not change', async () => {
    const contributor = await api.createUser('CONTRIBUTOR');
    const asset = await upload(freshFolder());
    const data = await dataOf(
      api,
      UPDATE_ASSETS,
      { input: { query: `id:${asset.id}`, metadata: { headline: 'x' } } },
      contributor.token,
    );
    expect(data.updateAssets).toMatchObject({ processedCount: 0, errorCount: 1 });
  });

  it('answers a RUNNING process with async: true, which the process query later shows COMPLETED', async () => {
    const asset = await upload(freshFolder());
    const variables = { input: { query: `id:${asset.id}`, metadata: { headline: 'bg' } }, async: true };
    const started = (await dataOf(api, UPDATE_ASSETS, variables, editor.token)).updateAssets;
    expect(started).toMatchObject({ status: 'RUNNING', finishedAt: null });
    const done = await eventually(async () => {
      const process = (await dataOf(api, PROCESS, { id: started.id }, editor.token)).process;
      return process.status === 'RUNNING' ? undefined : process;
    });
    expect(done).toMatchObject({ status: 'COMPLETED', processedCount: 1 });
  });

  it('refuses a field the asset holds itself with BAD_USER_INPUT', async () => {
    const asset = await upload(freshFolder());
    const input = { query: `id:${asset.id}`, metadata: { folderPath: '/elsewhere' } };
    expect(await errorCodeOf(api, UPDATE_ASSETS, { input }, editor.token)).toBe('BAD_USER_INPUT');
  });

  it('refuses metadata that is not an object with BAD_USER_INPUT', async () => {
    const input = { query: 'headline:x', metadata: ['headline'] };
    expect(await errorCodeOf(api, UPDATE_ASSETS, { input }, editor.token)).toBe('BAD_USER_INPUT');
  });

  it('refuses a request without a login with UNAUTHENTICATED', async () => {
    const result = await api.graphql(UPDATE_ASSETS, { input: { query: 'headline:x', metadata: { headline: 'y' } } });
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('removeAssets', () => {
  it('removes by ids, answering the counts', async () => {
    const asset = await upload(freshFolder());
    const data = await dataOf(api, REMOVE_ASSETS, { input: { ids: [asset.id] } }, editor.token);
    expect(data.removeAssets).toMatchObject({ operation: 'REMOVE', status: 'COMPLETED', processedCount: 1 });
    expect((await assetOf(asset.id)).deleted).toBe(true);
  });

  it('refuses an input with none of query, ids and folderPath with BAD_USER_INPUT', async () => {
    expect(await errorCodeOf(api, REMOVE_ASSETS, { input: {} }, editor.token)).toBe('BAD_USER_INPUT');
  });
});

describe('moveAssets and copyAssets', () => {
  it('moves an asset to a new path', async () => {
    const asset = await upload(freshFolder());
    const target = `${freshFolder()}/moved.txt`;
    const data = await dataOf(api, MOVE_ASSETS, { input: { source: asset.path, target } }, editor.token);
    expect(data.moveAssets).toMatchObject({ operation: 'MOVE', processedCount: 1, errorCount: 0 });
    expect((await assetOf(asset.id)).assetPath).toBe(target);
  });

  it('copies a folder, keeping the source', async () => {
    const from = freshFolder();
    const asset = await upload(from);
    const data = await dataOf(api, COPY_ASSETS, { input: { source: from, target: freshFolder() } }, editor.token);
    expect(data.copyAssets).toMatchObject({ operation: 'COPY', processedCount: 1 });
    expect((await assetOf(asset.id)).assetPath).toBe(asset.path);
  });

  it('takes the replace policies as enums', async () => {
    const there = await upload(freshFolder());
    const source = await upload(freshFolder());
    const input = { source: source.path, target: there.path, fileReplacePolicy: 'DO_NOTHING' };
    const data = await dataOf(api, MOVE_ASSETS, { input }, editor.token);
    expect(data.moveAssets).toMatchObject({ processedCount: 0, errorCount: 0 });
  });

  it('refuses a policy that is not one of the enum values before running anything', async () => {
    const asset = await upload(freshFolder());
    const input = { source: asset.path, target: `${freshFolder()}/x.txt`, fileReplacePolicy: 'SOMETIMES' };
    const result = await api.graphql(MOVE_ASSETS, { input }, { token: editor.token });
    expect(result.errors?.[0]?.message).toContain('FileReplacePolicy');
    expect((await assetOf(asset.id)).assetPath).toBe(asset.path);
  });

  it('refuses a VIEWER with FORBIDDEN', async () => {
    const viewer = await api.createUser('VIEWER');
    const asset = await upload(freshFolder());
    const input = { source: asset.path, target: `${freshFolder()}/x.txt` };
    expect(await errorCodeOf(api, COPY_ASSETS, { input }, viewer.token)).toBe('FORBIDDEN');
  });

  it('answers NOT_FOUND for a source with neither an asset nor a folder', async () => {
    const input = { source: `${freshFolder()}/none.txt`, target: freshFolder() };
    expect(await errorCodeOf(api, MOVE_ASSETS, { input }, editor.token)).toBe('NOT_FOUND');
  });
});

describe('process and cancelProcess', () => {
  it('show over GraphQL a process started over WoodWing REST, as process/info does', async () => {
    const asset = await upload(freshFolder());
    const started = await postServices(
      api.url,
      'updatebulk',
      { q: `id:${asset.id}`, headline: 'rest', async: 'true' },
      'urlencoded',
      bearer(editor.token),
    );
    const { processId } = await bodyOf(started);
    const process = await eventually(async () => {
      const found = (await dataOf(api, PROCESS, { id: processId }, editor.token)).process;
      return found.status === 'RUNNING' ? undefined : found;
    });
    const info = await bodyOf(
      await postServices(api.url, 'process/info', { processId }, 'urlencoded', bearer(editor.token)),
    );
    expect(process).toMatchObject({
      id: info.processId,
      status: info.status,
      operation: info.operation,
      processedCount: info.processedCount,
      errorCount: info.errorCount,
    });
    expect(new Date(process.startedAt).getTime()).toBe(info.startedAt);
  });

  it('answers NOT_FOUND for the process of another user', async () => {
    const asset = await upload(freshFolder());
    const data = await dataOf(api, REMOVE_ASSETS, { input: { ids: [asset.id] } }, editor.token);
    const other = await api.createUser('EDITOR');
    expect(await errorCodeOf(api, PROCESS, { id: data.removeAssets.id }, other.token)).toBe('NOT_FOUND');
    expect(await errorCodeOf(api, CANCEL, { id: data.removeAssets.id }, other.token)).toBe('NOT_FOUND');
  });

  it('cancelProcess answers a finished process unchanged', async () => {
    const asset = await upload(freshFolder());
    const data = await dataOf(api, REMOVE_ASSETS, { input: { ids: [asset.id] } }, editor.token);
    const cancelled = (await dataOf(api, CANCEL, { id: data.removeAssets.id }, editor.token)).cancelProcess;
    expect(cancelled).toMatchObject({ status: 'COMPLETED', cancelRequested: false });
  });
});
