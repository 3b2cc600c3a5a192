import { randomBytes, randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromBuffer } from 'yauzl';
import { dataOf, freshFolder, untilUploaded, uploadInto } from './support/graphqlCalls.js';
import { pictureOf, untilRendered } from './support/renditionCalls.js';
import { startTestServer, startTestServerWithUser, type TestServer, type TestUser } from './support/testServer.js';
import { bearer, expectError } from './support/woodwingCalls.js';

/*
 * WoodWing's /zip/<name>.zip (reference section 3, Postman v0.5): the originals or previews of the assets
 * named by assetIds, q or folderPath, as one zip streamed while it is built.
 */

let api: TestServer;
let editor: TestUser;
beforeAll(async () => ({ api, user: editor } = await startTestServerWithUser('EDITOR')));
afterAll(() => api.close());

/** Every file of a zip, by name. */
function filesOf(zip: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    fromBuffer(zip, { lazyEntries: true }, (error, zipfile) => {
      if (error || !zipfile) return reject(error);
      const files = new Map<string, Buffer>();
      zipfile.on('entry', (entry) => {
        zipfile.openReadStream(entry, (openError, stream) => {
          if (openError || !stream) return reject(openError);
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('end', () => {
            files.set(entry.fileName, Buffer.concat(chunks));
            zipfile.readEntry();
          });
        });
      });
      zipfile.on('end', () => resolve(files));
      zipfile.on('error', reject);
      zipfile.readEntry();
    });
  });
}

function zipUrl(params: Record<string, string>, name = 'download.zip'): string {
  return `${api.url}/zip/${name}?${new URLSearchParams(params)}`;
}

async function zipOf(params: Record<string, string>): Promise<Map<string, Buffer>> {
  const response = await fetch(zipUrl(params), { headers: bearer(editor.token) });
  expect(response.status).toBe(200);
  return filesOf(Buffer.from(await response.arrayBuffer()));
}

/** Uploads `name` with `content` into `folder` and waits until it may be downloaded. */
async function uploaded(folder: string, name: string, content: string | Buffer = `content of ${name}`) {
  const asset = await uploadInto(api, editor.token, folder, name, content as string);
  await untilUploaded(api, editor.token, asset.id);
  return asset.id;
}

describe('/zip/<name>.zip', () => {
  it('holds the originals of the assets named by assetIds, byte for byte', async () => {
    const folder = freshFolder();
    const big = randomBytes(300_000);
    const a = await uploaded(folder, 'a.txt', 'the first');
    const b = await uploaded(folder, 'b.bin', big);
    const files = await zipOf({ assetIds: `${a},${b}`, downloadKind: 'original' });
    expect([...files.keys()].sort()).toEqual(['a.txt', 'b.bin']);
    expect(files.get('a.txt')?.toString()).toBe('the first');
    expect(files.get('b.bin')?.equals(big)).toBe(true);
  });

  it('is sent as an attachment named as the URL says, of type application/zip', async () => {
    const id = await uploaded(freshFolder(), 'a.txt');
    const response = await fetch(zipUrl({ assetIds: id, downloadKind: 'original' }, 'My%20photos.zip'), {
      headers: bearer(editor.token),
    });
    expect(response.headers.get('content-type')).toBe('application/zip');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="My photos.zip"');
    await response.arrayBuffer();
  });

  it('holds what a query finds', async () => {
    const folder = freshFolder();
    await uploaded(folder, 'one.txt');
    await uploaded(folder, 'two.txt');
    const files = await zipOf({ q: `folderPath:"${folder}"`, downloadKind: 'original' });
    expect([...files.keys()].sort()).toEqual(['one.txt', 'two.txt']);
  });

  it('holds a folder with the folders below it, POSTed as a form', async () => {
    const folder = freshFolder();
    await uploaded(folder, 'top.txt');
    await uploaded(`${folder}/below`, 'deep.txt');
    const response = await fetch(`${api.url}/zip/folder.zip`, {
      method: 'POST',
      headers: bearer(editor.token),
      body: new URLSearchParams({ folderPath: folder, downloadKind: 'original' }),
    });
    expect(response.status).toBe(200);
    expect([...(await filesOf(Buffer.from(await response.arrayBuffer()))).keys()].sort()).toEqual([
      'deep.txt',
      'top.txt',
    ]);
  });

  it('gives two assets of one name names of their own', async () => {
    const a = await uploaded(freshFolder(), 'same.txt', 'first');
    const b = await uploaded(freshFolder(), 'same.txt', 'second');
    const files = await zipOf({ assetIds: `${a},${b}`, downloadKind: 'original' });
    expect(Object.fromEntries([...files].map(([name, bytes]) => [name, bytes.toString()]))).toEqual({
      'same.txt': 'first',
      'same-1.txt': 'second',
    });
  });

  it('holds with downloadKind=preview only the assets that have a preview', async () => {
    const folder = freshFolder();
    const image = await uploaded(folder, 'photo.png', await pictureOf(20, 10, 'png', true));
    const text = await uploaded(folder, 'notes.txt');
    await untilRendered(api, editor.token, image);
    const files = await zipOf({ assetIds: `${image},${text}`, downloadKind: 'preview' });
    expect([...files.keys()]).toEqual(['photo.png']);
  });

  it('leaves out a deleted asset that a query would have found', async () => {
    const folder = freshFolder();
    await uploaded(folder, 'kept.txt');
    const gone = await uploaded(folder, 'gone.txt');
    await dataOf(api, 'mutation($id: ID!) { deleteAsset(id: $id) { id } }', { id: gone }, editor.token);
    expect([...(await zipOf({ q: `folderPath:"${folder}"`, downloadKind: 'original' })).keys()]).toEqual(['kept.txt']);
  });

  it.each([
    ['no selection', { downloadKind: 'original' }],
    ['two selections', { assetIds: 'A'.repeat(22), q: 'x', downloadKind: 'original' }],
    ['no downloadKind', { assetIds: 'A'.repeat(22) }],
    ['an unknown downloadKind', { assetIds: 'A'.repeat(22), downloadKind: 'thumbnail' }],
    ['an unknown downloadPresetId', { assetIds: 'A'.repeat(22), downloadPresetId: 'p' }],
    ['a query that does not parse', { q: 'name:(', downloadKind: 'original' }],
    ['a folderPath with ..', { folderPath: '/a/../b', downloadKind: 'original' }],
  ])('refuses %s with err(400)', async (_problem, params) => {
    await expectError(await fetch(zipUrl(params), { headers: bearer(editor.token) }), 400);
  });

  it('refuses a URL without a .zip name with err(400)', async () => {
    await expectError(
      await fetch(`${api.url}/zip/download?downloadKind=original`, { headers: bearer(editor.token) }),
      400,
    );
  });

  it('answers an unknown asset id with err(404)', async () => {
    await expectError(
      await fetch(zipUrl({ assetIds: 'A'.repeat(22), downloadKind: 'original' }), { headers: bearer(editor.token) }),
      404,
    );
  });

  it('answers a folder that is not there with err(404)', async () => {
    const params = { folderPath: `/nothing-${randomUUID()}`, downloadKind: 'original' };
    await expectError(await fetch(zipUrl(params), { headers: bearer(editor.token) }), 404);
  });

  it('refuses a call without credentials with err(401)', async () => {
    const id = await uploaded(freshFolder(), 'a.txt');
    await expectError(await fetch(zipUrl({ assetIds: id, downloadKind: 'original' })), 401);
  });

  it('refuses PUT with 405', async () => {
    const response = await fetch(zipUrl({ downloadKind: 'original' }), {
      method: 'PUT',
      headers: bearer(editor.token),
    });
    expect(response.status).toBe(405);
  });
});

describe('a zip whose file cannot be read midway', () => {
  // The blob files are removed by hand: the filesystem store, even when TEST_STORAGE_URL says S3.
  let local: TestServer;
  let token: string;

  beforeAll(async () => {
    local = await startTestServer({ env: { STORAGE_URL: '' } });
    token = (await local.createUser('EDITOR')).token;
  });
  afterAll(() => local?.close());

  it('is cut off rather than sent whole with a file missing, and the server goes on answering', async () => {
    const folder = freshFolder();
    const first = await uploadInto(local, token, folder, 'first.bin', randomBytes(64 * 1024).toString('hex'));
    const second = await uploadInto(local, token, folder, 'second.txt', 'its blob goes missing');
    await untilUploaded(local, token, first.id);
    await untilUploaded(local, token, second.id);
    const sha = second.sha256;
    await rm(join(local.dataDir, 'blobs', sha.slice(0, 2), sha.slice(2, 4), sha));

    const response = await fetch(
      `${local.url}/zip/broken.zip?assetIds=${first.id},${second.id}&downloadKind=original`,
      {
        headers: bearer(token),
      },
    );
    expect(response.status).toBe(200);
    await expect(response.arrayBuffer()).rejects.toThrow();
    expect((await fetch(`${local.url}/healthcheck/live`)).status).toBe(200);
  });
});
