import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshFolder as freshFolderUnder, type UploadedFile, uploadFile } from './support/graphqlCalls.js';
import { startTestServerWithUser, type TestServer, type TestUser } from './support/testServer.js';
import {
  bearer,
  bodyOf,
  cookieSession,
  ENCODINGS,
  type Encoding,
  expectError,
  finishedProcess,
  type Params,
  postServices,
  termOf,
} from './support/woodwingCalls.js';

/*
 * WoodWing Assets' /services/move and /services/copy (reference section 3, case 25 of section 8), over real
 * HTTP: an asset or a folder by path, the two replace policies, filterQuery, flattenFolders and async.
 */

let api: TestServer;
let editor: TestUser;

beforeAll(async () => ({ api, user: editor } = await startTestServerWithUser('EDITOR')));
afterAll(() => api.close());

const freshFolder = () => freshFolderUnder('/wwmove');

const upload = (folderPath: string, name?: string, token = editor.token, metadata: Record<string, unknown> = {}) =>
  uploadFile(api, token, folderPath, { name, metadata });

function call(path: 'move' | 'copy', params: Params, token = editor.token, encoding: Encoding = 'urlencoded') {
  return postServices(api.url, path, params, encoding, bearer(token));
}

const move = (params: Params, token?: string, encoding?: Encoding) => call('move', params, token, encoding);
const copy = (params: Params, token?: string, encoding?: Encoding) => call('copy', params, token, encoding);

async function search(q: string): Promise<any> {
  const response = await postServices(api.url, 'search', { q, num: 500 }, 'urlencoded', bearer(editor.token));
  if (response.status !== 200) throw new Error(`search failed: ${response.status} ${await response.text()}`);
  return bodyOf(response);
}

/** The asset path of a live asset, or undefined once it is removed. */
async function pathOf(id: string): Promise<string | undefined> {
  return (await search(`id:${id}`)).hits[0]?.metadata.assetPath;
}

/** The asset paths of every live asset in the folder and below, sorted. */
async function pathsUnder(folder: string): Promise<string[]> {
  return (await search(termOf('ancestorPaths', folder))).hits.map((hit: any) => hit.metadata.assetPath).sort();
}

async function originalOf(id: string): Promise<string> {
  const hit = (await search(`id:${id}`)).hits[0];
  const url = hit.originalUrl.replace(api.server.config.publicUrl, api.url);
  const deadline = Date.now() + 10_000;
  for (;;) {
    const response = await fetch(url, { headers: bearer(editor.token) });
    if (response.status !== 409 || Date.now() > deadline) return response.text();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const counts = (processedCount: number, errorCount: number) => ({ processedCount, errorCount });

describe('POST /services/move of an asset', () => {
  describe.each(ENCODINGS)('with the parameters in the %s', (encoding) => {
    it('moves it to the target asset path and answers {processedCount: 1, errorCount: 0} (case 25)', async () => {
      const asset = await upload(freshFolder());
      const target = `${freshFolder()}/moved.txt`;
      const response = await move(
        { source: asset.path, target, fileReplacePolicy: 'THROW_EXCEPTION' },
        editor.token,
        encoding,
      );
      expect(await bodyOf(response)).toEqual(counts(1, 0));
      expect(await pathOf(asset.id)).toBe(target);
    });
  });

  it('renames it with a target in the same folder (case 25: <assetPath>-new)', async () => {
    const asset = await upload(freshFolder());
    await move({ source: asset.path, target: `${asset.path}-new` });
    expect(await pathOf(asset.id)).toBe(`${asset.path}-new`);
  });

  it('keeps its id, file and version', async () => {
    const asset = await upload(freshFolder());
    await move({ source: asset.path, target: `${freshFolder()}/same.txt` });
    expect(await originalOf(asset.id)).toBe(asset.content);
    expect((await search(`id:${asset.id}`)).hits[0].metadata.versionNumber).toBe(1);
  });

  it('puts it, under its own name, into a folder that exists when the target is that folder', async () => {
    const asset = await upload(freshFolder());
    const folder = freshFolder();
    await upload(folder);
    await move({ source: asset.path, target: folder });
    expect(await pathOf(asset.id)).toBe(`${folder}/${asset.path.split('/').pop()}`);
  });

  it('records the move in its history', async () => {
    const asset = await upload(freshFolder());
    await move({ source: asset.path, target: `${freshFolder()}/h.txt` });
    const history = await bodyOf(
      await postServices(
        api.url,
        'asset/history',
        { id: asset.id, actions: 'MOVE' },
        'urlencoded',
        bearer(editor.token),
      ),
    );
    expect(history.totalHits).toBe(1);
  });

  it('refuses source and target being the same path with err(400)', async () => {
    const asset = await upload(freshFolder());
    await expectError(await move({ source: asset.path, target: asset.path }), 400);
  });

  it('moves it only when it matches filterQuery', async () => {
    const asset = await upload(freshFolder(), undefined, editor.token, { status: 'final' });
    const target = `${freshFolder()}/f.txt`;
    expect(await bodyOf(await move({ source: asset.path, target, filterQuery: 'status:draft' }))).toEqual(counts(0, 0));
    expect(await pathOf(asset.id)).toBe(asset.path);
    expect(await bodyOf(await move({ source: asset.path, target, filterQuery: 'status:final' }))).toEqual(counts(1, 0));
    expect(await pathOf(asset.id)).toBe(target);
  });

  it('counts as an error an asset checked out by another user, and leaves it where it was', async () => {
    const asset = await upload(freshFolder());
    const holder = await api.createUser('EDITOR');
    await postServices(api.url, `checkout/${asset.id}`, {}, 'urlencoded', bearer(holder.token));
    expect(await bodyOf(await move({ source: asset.path, target: `${freshFolder()}/x.txt` }))).toEqual(counts(0, 1));
    expect(await pathOf(asset.id)).toBe(asset.path);
  });

  it("counts as an error another user's asset moved by a CONTRIBUTOR, and leaves it", async () => {
    const contributor = await api.createUser('CONTRIBUTOR');
    const asset = await upload(freshFolder());
    const body = await bodyOf(await move({ source: asset.path, target: `${freshFolder()}/x.txt` }, contributor.token));
    expect(body).toEqual(counts(0, 1));
    expect(await pathOf(asset.id)).toBe(asset.path);
  });

  it('lets a CONTRIBUTOR move its own asset', async () => {
    const contributor = await api.createUser('CONTRIBUTOR');
    const asset = await upload(freshFolder(), undefined, contributor.token);
    expect(
      await bodyOf(await move({ source: asset.path, target: `${freshFolder()}/own.txt` }, contributor.token)),
    ).toEqual(counts(1, 0));
  });

  it('refuses a VIEWER with err(403) and moves nothing', async () => {
    const viewer = await api.createUser('VIEWER');
    const asset = await upload(freshFolder());
    await expectError(await move({ source: asset.path, target: `${freshFolder()}/v.txt` }, viewer.token), 403);
    expect(await pathOf(asset.id)).toBe(asset.path);
  });
});

describe('fileReplacePolicy, when an asset of that name is at the target', () => {
  /** A source asset and an asset already at the target path, uploaded in the given order. */
  async function clash(sourceFirst = true) {
    const targetFolder = freshFolder();
    const first = sourceFirst ? await upload(freshFolder()) : await upload(targetFolder, 'there.txt');
    // A later upload has a later file date (OVERWRITE_IF_NEWER), by more than the clock's resolution.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const second = sourceFirst ? await upload(targetFolder, 'there.txt') : await upload(freshFolder());
    const [source, there] = sourceFirst ? [first, second] : [second, first];
    return { source, there, target: there.path };
  }

  it('renames the arrival to name-1 by default (AUTO_RENAME)', async () => {
    const { source, there, target } = await clash();
    expect(await bodyOf(await move({ source: source.path, target }))).toEqual(counts(1, 0));
    expect(await pathOf(source.id)).toBe(target.replace('there.txt', 'there-1.txt'));
    expect(await pathOf(there.id)).toBe(target);
  });

  it('removes the one there and puts the source in its place with OVERWRITE', async () => {
    const { source, there, target } = await clash();
    expect(await bodyOf(await move({ source: source.path, target, fileReplacePolicy: 'OVERWRITE' }))).toEqual(
      counts(1, 0),
    );
    expect(await pathOf(source.id)).toBe(target);
    expect(await pathOf(there.id)).toBeUndefined();
  });

  it('overwrites with OVERWRITE_IF_NEWER when the source file is newer', async () => {
    const { source, there, target } = await clash(false);
    await move({ source: source.path, target, fileReplacePolicy: 'OVERWRITE_IF_NEWER' });
    expect(await pathOf(source.id)).toBe(target);
    expect(await pathOf(there.id)).toBeUndefined();
  });

  it('leaves both alone with OVERWRITE_IF_NEWER when the source file is older, counting nothing', async () => {
    const { source, there, target } = await clash(true);
    const body = await bodyOf(await move({ source: source.path, target, fileReplacePolicy: 'OVERWRITE_IF_NEWER' }));
    expect(body).toEqual(counts(0, 0));
    expect(await pathOf(source.id)).toBe(source.path);
    expect(await pathOf(there.id)).toBe(target);
  });

  it('keeps the one there and removes the source with REMOVE_SOURCE', async () => {
    const { source, there, target } = await clash();
    expect(await bodyOf(await move({ source: source.path, target, fileReplacePolicy: 'REMOVE_SOURCE' }))).toEqual(
      counts(1, 0),
    );
    expect(await pathOf(source.id)).toBeUndefined();
    expect(await pathOf(there.id)).toBe(target);
  });

  it('counts an error and moves nothing with THROW_EXCEPTION', async () => {
    const { source, there, target } = await clash();
    expect(await bodyOf(await move({ source: source.path, target, fileReplacePolicy: 'THROW_EXCEPTION' }))).toEqual(
      counts(0, 1),
    );
    expect(await pathOf(source.id)).toBe(source.path);
    expect(await pathOf(there.id)).toBe(target);
  });

  it('leaves both alone with DO_NOTHING, counting nothing', async () => {
    const { source, there, target } = await clash();
    expect(await bodyOf(await move({ source: source.path, target, fileReplacePolicy: 'DO_NOTHING' }))).toEqual(
      counts(0, 0),
    );
    expect(await pathOf(source.id)).toBe(source.path);
    expect(await pathOf(there.id)).toBe(target);
  });

  it('counts an error with OVERWRITE when the one there may not be removed, and keeps both', async () => {
    const contributor = await api.createUser('CONTRIBUTOR');
    const targetFolder = freshFolder();
    const there = await upload(targetFolder, 'there.txt');
    const source = await upload(freshFolder(), undefined, contributor.token);
    const body = await bodyOf(
      await move({ source: source.path, target: there.path, fileReplacePolicy: 'OVERWRITE' }, contributor.token),
    );
    expect(body).toEqual(counts(0, 1));
    expect(await pathOf(there.id)).toBe(there.path);
    expect(await pathOf(source.id)).toBe(source.path);
  });

  it('makes a copy under a free name by default (AUTO_RENAME), keeping the one there', async () => {
    const { source, there, target } = await clash();
    expect(await bodyOf(await copy({ source: source.path, target }))).toEqual(counts(1, 0));
    expect(await pathsUnder(target.slice(0, target.lastIndexOf('/')))).toEqual([
      target.replace('there.txt', 'there-1.txt'),
      target,
    ]);
    expect(await pathOf(there.id)).toBe(target);
  });

  it('puts a copy in the place of the one there with OVERWRITE', async () => {
    const { source, there, target } = await clash();
    await copy({ source: source.path, target, fileReplacePolicy: 'OVERWRITE' });
    expect(await pathOf(there.id)).toBeUndefined();
    expect(await pathOf(source.id)).toBe(source.path);
    const copyId = (await search(termOf('assetPath', target))).hits[0].id;
    expect(await originalOf(copyId)).toBe(source.content);
  });
});

describe('POST /services/move of a folder', () => {
  it('moves the folder with its subfolders and every asset in them, answering how many assets moved', async () => {
    const from = freshFolder();
    await upload(from, 'a.txt');
    await upload(`${from}/sub`, 'b.txt');
    const to = freshFolder();
    expect(await bodyOf(await move({ source: from, target: to }))).toEqual(counts(2, 0));
    expect(await pathsUnder(to)).toEqual([`${to}/a.txt`, `${to}/sub/b.txt`]);
  });

  it('leaves nothing at the old path', async () => {
    const from = freshFolder();
    await upload(from, 'a.txt');
    await move({ source: from, target: freshFolder() });
    expect(await pathsUnder(from)).toEqual([]);
  });

  it('renames a folder with a target beside it', async () => {
    const from = freshFolder();
    await upload(from, 'a.txt');
    await move({ source: from, target: `${from}-renamed` });
    expect(await pathsUnder(`${from}-renamed`)).toEqual([`${from}-renamed/a.txt`]);
  });

  it('moves it to <target>-1 when the target folder exists (folderReplacePolicy AUTO_RENAME, the default)', async () => {
    const from = freshFolder();
    await upload(from, 'a.txt');
    const to = freshFolder();
    await upload(to, 'there.txt');
    await move({ source: from, target: to });
    expect(await pathsUnder(`${to}-1`)).toEqual([`${to}-1/a.txt`]);
    expect(await pathsUnder(to)).toEqual([`${to}/there.txt`]);
  });

  it('merges it into the target folder with folderReplacePolicy=MERGE, keeping the subfolders', async () => {
    const from = freshFolder();
    await upload(from, 'a.txt');
    await upload(`${from}/sub`, 'b.txt');
    const to = freshFolder();
    await upload(to, 'there.txt');
    expect(await bodyOf(await move({ source: from, target: to, folderReplacePolicy: 'MERGE' }))).toEqual(counts(2, 0));
    expect(await pathsUnder(to)).toEqual([`${to}/a.txt`, `${to}/sub/b.txt`, `${to}/there.txt`]);
    expect(await pathsUnder(from)).toEqual([]);
  });

  it('applies fileReplacePolicy to the names that clash in a MERGE', async () => {
    const from = freshFolder();
    await upload(from, 'same.txt');
    const to = freshFolder();
    await upload(to, 'same.txt');
    const body = await bodyOf(
      await move({ source: from, target: to, folderReplacePolicy: 'MERGE', fileReplacePolicy: 'THROW_EXCEPTION' }),
    );
    expect(body).toEqual(counts(0, 1));
    expect(await pathsUnder(from)).toEqual([`${from}/same.txt`]);
  });

  it('refuses with err(409) and moves nothing when the target folder exists and folderReplacePolicy=THROW_EXCEPTION', async () => {
    const from = freshFolder();
    await upload(from, 'a.txt');
    const to = freshFolder();
    await upload(to, 'there.txt');
    const body = await expectError(
      await move({ source: from, target: to, folderReplacePolicy: 'THROW_EXCEPTION' }),
      409,
    );
    expect(body.errorname).toBe('PathAlreadyExistsException');
    expect(await pathsUnder(from)).toEqual([`${from}/a.txt`]);
  });

  it('moves only the assets that match filterQuery', async () => {
    const from = freshFolder();
    await upload(from, 'keep.txt', editor.token, { status: 'draft' });
    await upload(`${from}/sub`, 'go.txt', editor.token, { status: 'final' });
    const to = freshFolder();
    expect(await bodyOf(await move({ source: from, target: to, filterQuery: 'status:final' }))).toEqual(counts(1, 0));
    expect(await pathsUnder(to)).toEqual([`${to}/sub/go.txt`]);
    expect(await pathsUnder(from)).toEqual([`${from}/keep.txt`]);
  });

  it('moves nothing outside the source folder, whatever filterQuery finds', async () => {
    const from = freshFolder();
    await upload(from, 'in.txt', editor.token, { status: 'wide' });
    const elsewhere = await upload(freshFolder(), 'out.txt', editor.token, { status: 'wide' });
    const to = freshFolder();
    await move({ source: from, target: to, filterQuery: 'status:wide OR status:other' });
    expect(await pathOf(elsewhere.id)).toBe(elsewhere.path);
  });

  it('puts every asset directly into the target with flattenFolders=true', async () => {
    const from = freshFolder();
    await upload(from, 'a.txt');
    await upload(`${from}/sub/deeper`, 'b.txt');
    const to = freshFolder();
    expect(await bodyOf(await move({ source: from, target: to, flattenFolders: 'true' }))).toEqual(counts(2, 0));
    expect(await pathsUnder(to)).toEqual([`${to}/a.txt`, `${to}/b.txt`]);
  });

  it('refuses to move a folder into itself with err(409)', async () => {
    const from = freshFolder();
    await upload(from, 'a.txt');
    await expectError(await move({ source: from, target: `${from}/inside` }), 409);
  });

  it('refuses to move the root folder with err(400)', async () => {
    await expectError(await move({ source: '/', target: freshFolder() }), 400);
  });

  it('refuses with err(409) and moves nothing when another user holds an asset of it', async () => {
    const from = freshFolder();
    const asset = await upload(from, 'a.txt');
    const holder = await api.createUser('EDITOR');
    await postServices(api.url, `checkout/${asset.id}`, {}, 'urlencoded', bearer(holder.token));
    await expectError(await move({ source: from, target: freshFolder() }), 409);
    expect(await pathOf(asset.id)).toBe(asset.path);
  });
});

describe('POST /services/copy', () => {
  describe.each(ENCODINGS)('with the parameters in the %s', (encoding) => {
    it('copies an asset to the target path and answers {processedCount: 1, errorCount: 0} (case 25)', async () => {
      const asset = await upload(freshFolder(), 'x.txt');
      const target = asset.path.replace('x.txt', 'CopyOf x.txt');
      const response = await copy({ source: asset.path, target }, editor.token, encoding);
      expect(await bodyOf(response)).toEqual(counts(1, 0));
      expect(await pathsUnder(asset.path.slice(0, asset.path.lastIndexOf('/')))).toEqual([
        asset.path.replace('x.txt', 'CopyOf_x.txt'),
        asset.path,
      ]);
    });
  });

  it('makes a new asset with the same bytes and keeps the source', async () => {
    const asset = await upload(freshFolder());
    const target = `${freshFolder()}/copy.txt`;
    await copy({ source: asset.path, target });
    const copied = (await search(termOf('assetPath', target))).hits[0];
    expect(copied.id).not.toBe(asset.id);
    expect(await originalOf(copied.id)).toBe(asset.content);
    expect(await pathOf(asset.id)).toBe(asset.path);
  });

  it("makes the copy of another user's asset the asker's own", async () => {
    const contributor = await api.createUser('CONTRIBUTOR');
    const asset = await upload(freshFolder());
    const target = `${freshFolder()}/mine.txt`;
    expect(await bodyOf(await copy({ source: asset.path, target }, contributor.token))).toEqual(counts(1, 0));
    expect((await search(termOf('assetPath', target))).hits[0].metadata.assetCreator).toBe(contributor.username);
  });

  it('copies a folder with its subfolders and assets, keeping the source', async () => {
    const from = freshFolder();
    await upload(from, 'a.txt');
    await upload(`${from}/sub`, 'b.txt');
    const to = freshFolder();
    expect(await bodyOf(await copy({ source: from, target: to }))).toEqual(counts(2, 0));
    expect(await pathsUnder(to)).toEqual([`${to}/a.txt`, `${to}/sub/b.txt`]);
    expect(await pathsUnder(from)).toEqual([`${from}/a.txt`, `${from}/sub/b.txt`]);
  });

  it('copies into <target>-1 when the target folder exists (AUTO_RENAME, the default)', async () => {
    const from = freshFolder();
    await upload(from, 'a.txt');
    const to = freshFolder();
    await upload(to, 'there.txt');
    await copy({ source: from, target: to });
    expect(await pathsUnder(`${to}-1`)).toEqual([`${to}-1/a.txt`]);
  });

  it('merges into the target folder with folderReplacePolicy=MERGE, renaming a clashing name', async () => {
    const from = freshFolder();
    await upload(from, 'same.txt');
    const to = freshFolder();
    await upload(to, 'same.txt');
    expect(await bodyOf(await copy({ source: from, target: to, folderReplacePolicy: 'MERGE' }))).toEqual(counts(1, 0));
    expect(await pathsUnder(to)).toEqual([`${to}/same-1.txt`, `${to}/same.txt`]);
  });

  it('copies only what filterQuery finds, flattened with flattenFolders=true', async () => {
    const from = freshFolder();
    await upload(`${from}/a`, 'one.txt', editor.token, { status: 'final' });
    await upload(`${from}/b`, 'two.txt', editor.token, { status: 'draft' });
    const to = freshFolder();
    const body = await bodyOf(
      await copy({ source: from, target: to, filterQuery: 'status:final', flattenFolders: '1' }),
    );
    expect(body).toEqual(counts(1, 0));
    expect(await pathsUnder(to)).toEqual([`${to}/one.txt`]);
  });

  it('refuses a VIEWER with err(403)', async () => {
    const viewer = await api.createUser('VIEWER');
    const asset = await upload(freshFolder());
    await expectError(await copy({ source: asset.path, target: `${freshFolder()}/v.txt` }, viewer.token), 403);
  });
});

describe.each(['move', 'copy'] as const)('POST /services/%s with wrong parameters', (path) => {
  const send = (params: Params, token = editor.token) => call(path, params, token);

  it.each(['source', 'target'])('refuses a call without %s with err(400)', async (missing) => {
    const asset = await upload(freshFolder());
    const params: Params = { source: asset.path, target: `${freshFolder()}/t.txt` };
    delete params[missing];
    await expectError(await send(params), 400);
  });

  it('refuses folderReplacePolicy=nope with err(400) that names the allowed values, changing nothing', async () => {
    const from = freshFolder();
    await upload(from, 'a.txt');
    const body = await expectError(
      await send({ source: from, target: freshFolder(), folderReplacePolicy: 'nope' }),
      400,
    );
    expect(body.message).toContain('AUTO_RENAME, MERGE, THROW_EXCEPTION');
    expect(await pathsUnder(from)).toEqual([`${from}/a.txt`]);
  });

  it('refuses fileReplacePolicy=nope with err(400) that names the allowed values', async () => {
    const asset = await upload(freshFolder());
    const body = await expectError(
      await send({ source: asset.path, target: `${freshFolder()}/t.txt`, fileReplacePolicy: 'nope' }),
      400,
    );
    expect(body.message).toContain(
      'AUTO_RENAME, OVERWRITE, OVERWRITE_IF_NEWER, REMOVE_SOURCE, THROW_EXCEPTION, DO_NOTHING',
    );
  });

  it('refuses a policy in lower case with err(400)', async () => {
    const asset = await upload(freshFolder());
    await expectError(
      await send({ source: asset.path, target: `${freshFolder()}/t.txt`, fileReplacePolicy: 'overwrite' }),
      400,
    );
  });

  it('refuses flattenFolders=maybe with err(400)', async () => {
    const from = freshFolder();
    await upload(from, 'a.txt');
    await expectError(await send({ source: from, target: freshFolder(), flattenFolders: 'maybe' }), 400);
  });

  it('refuses a malformed filterQuery with err(400)', async () => {
    const from = freshFolder();
    await upload(from, 'a.txt');
    await expectError(await send({ source: from, target: freshFolder(), filterQuery: 'status:(a' }), 400);
  });

  it('refuses async=maybe with err(400)', async () => {
    const asset = await upload(freshFolder());
    await expectError(await send({ source: asset.path, target: `${freshFolder()}/t.txt`, async: 'maybe' }), 400);
  });

  it.each([
    [
      'source',
      (asset: UploadedFile) => ({ source: asset.path.replace('/wwmove/', '/wwmove/../'), target: '/wwmove/x' }),
    ],
    ['target', (asset: UploadedFile) => ({ source: asset.path, target: '/wwmove/../x' })],
  ])('refuses a %s with a ".." segment with err(400)', async (_name, paramsOf) => {
    const asset = await upload(freshFolder());
    await expectError(await send(paramsOf(asset)), 400);
  });

  it('refuses a target without a leading "/" with err(400)', async () => {
    const asset = await upload(freshFolder());
    await expectError(await send({ source: asset.path, target: 'no/slash' }), 400);
  });

  it('answers err(404) for a source where there is neither an asset nor a folder', async () => {
    await expectError(await send({ source: `${freshFolder()}/nothing.txt`, target: freshFolder() }), 404);
  });

  it('refuses GET with 405', async () => {
    const asset = await upload(freshFolder());
    const response = await fetch(`${api.url}/services/${path}?source=${asset.path}&target=/x`, {
      headers: bearer(editor.token),
    });
    await expectError(response, 405);
  });

  it('refuses a call without credentials with err(401)', async () => {
    const asset = await upload(freshFolder());
    await expectError(await postServices(api.url, path, { source: asset.path, target: '/x/y.txt' }), 401);
  });

  it('refuses a cookie session without X-CSRF-TOKEN with err(403)', async () => {
    const { username, password } = await api.createUser('EDITOR');
    const asset = await upload(freshFolder());
    const session = await cookieSession(api.url, username, password, false);
    const target = `${freshFolder()}/csrf.txt`;
    await expectError(await postServices(api.url, path, { source: asset.path, target }, 'urlencoded', session), 403);
    expect(await pathsUnder(target.slice(0, target.lastIndexOf('/')))).toEqual([]);
  });

  it('answers {processId} with async=true and does the work in the background', async () => {
    const asset = await upload(freshFolder());
    const target = `${freshFolder()}/async.txt`;
    const body = await bodyOf(await send({ source: asset.path, target, async: 'true' }));
    expect(Object.keys(body)).toEqual(['processId']);
    const info = await finishedProcess(api.url, bearer(editor.token), body.processId);
    expect(info).toMatchObject({
      status: 'COMPLETED',
      operation: path.toUpperCase(),
      processedCount: 1,
      errorCount: 0,
    });
    expect(await pathsUnder(target.slice(0, target.lastIndexOf('/')))).toEqual([target]);
  });
});
