import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { untilUploaded } from './support/graphqlCalls.js';
import { startTestServerWithUser, type TestServer, type TestUser } from './support/testServer.js';
import { bearer, bodyOf, expectError, postServicesFile } from './support/woodwingCalls.js';

let api: TestServer;
let editor: TestUser;
let counter = 0;

beforeAll(async () => ({ api, user: editor } = await startTestServerWithUser('EDITOR')));
afterAll(() => api.close());

/** A folder of its own for each test, so that names never clash by accident. */
const folder = () => `/ww-assets/t${++counter}`;

const send = (
  path: string,
  fields: Record<string, string>,
  file?: { name: string; content: string },
  token = editor.token,
) => postServicesFile(api.url, path, fields, file, bearer(token));

async function create(
  fields: Record<string, string>,
  file: { name: string; content: string } | undefined = { name: 'report.txt', content: 'first' },
) {
  const response = await send('create', fields, file);
  expect(response.status).toBe(200);
  return bodyOf(response);
}

/** create without Filedata (`create`'s default file would take the place of an undefined one). */
async function createWithoutFile(fields: Record<string, string>) {
  const response = await send('create', fields);
  expect(response.status).toBe(200);
  return bodyOf(response);
}

const uploaded = (id: string) => untilUploaded(api, editor.token, id);

describe('create', () => {
  it('stores Filedata in folderPath with metadata from JSON and from field parameters, and answers a hit', async () => {
    const path = folder();
    const hit = await create({ folderPath: path, metadata: JSON.stringify({ tags: ['sea'] }), headline: 'Harbour' });
    expect(hit.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(hit.metadata).toMatchObject({
      filename: 'report.txt',
      folderPath: path,
      tags: ['sea'],
      headline: 'Harbour',
    });
    await uploaded(hit.id);
    const original = await fetch(hit.originalUrl.replace(api.server.config.publicUrl, api.url), {
      headers: bearer(editor.token),
    });
    expect(await original.text()).toBe('first');
  });

  it('takes the place from assetPath', async () => {
    const path = folder();
    const hit = await create({ assetPath: `${path}/named.txt` });
    expect(hit.metadata).toMatchObject({ folderPath: path, filename: 'named.txt' });
  });

  it('renames a clashing name to name-1 by default (autoRename)', async () => {
    const path = folder();
    await create({ folderPath: path });
    const second = await create({ folderPath: path });
    expect(second.metadata.filename).toBe('report-1.txt');
  });

  it('refuses a clashing name with autoRename=false as PathAlreadyExistsException, 409', async () => {
    const path = folder();
    await create({ folderPath: path });
    const body = await expectError(
      await send('create', { folderPath: path, autoRename: 'false' }, { name: 'report.txt', content: 'x' }),
      409,
    );
    expect(body.errorname).toBe('PathAlreadyExistsException');
  });

  it('makes a collection without Filedata when the name ends in .collection', async () => {
    const hit = await createWithoutFile({ folderPath: folder(), name: 'Best of.collection' });
    expect(hit.metadata).toMatchObject({ filename: 'Best_of.collection', assetDomain: 'container' });
  });

  it('makes a 0-byte placeholder without Filedata, whose file an update brings later (Bruno suite, step 3)', async () => {
    const path = folder();
    const hit = await createWithoutFile({ folderPath: path, name: 'later.txt', metadataToReturn: 'assetPath' });
    expect(hit.metadata).toEqual({ assetPath: `${path}/later.txt` });
    await uploaded(hit.id);
    const empty = await fetch(`${api.url}/file/${hit.id}/*/later.txt`, { headers: bearer(editor.token) });
    expect(empty.status).toBe(200);
    expect(await empty.text()).toBe('');

    const updated = await send('update', { id: hit.id }, { name: 'later.txt', content: 'the file at last' });
    expect(updated.status).toBe(200);
    await uploaded(hit.id);
    const filled = await fetch(`${api.url}/file/${hit.id}/*/later.txt`, { headers: bearer(editor.token) });
    expect(await filled.text()).toBe('the file at last');
  });

  it('takes Filedata sent as a text field holding a base64 data: URI, as the Postman collection sends it', async () => {
    const path = folder();
    const content = 'bytes from a data URI';
    const hit = await createWithoutFile({
      folderPath: path,
      name: 'from-uri.txt',
      Filedata: `data:text/plain;base64,${Buffer.from(content).toString('base64')}`,
    });
    await uploaded(hit.id);
    const file = await fetch(`${api.url}/file/${hit.id}/*/from-uri.txt`, { headers: bearer(editor.token) });
    expect(await file.text()).toBe(content);
  });

  it('takes a percent-encoded data: URI in Filedata too', async () => {
    const hit = await createWithoutFile({ folderPath: folder(), name: 'plain.txt', Filedata: 'data:,a%20b%2Fc' });
    await uploaded(hit.id);
    const file = await fetch(`${api.url}/file/${hit.id}/*/plain.txt`, { headers: bearer(editor.token) });
    expect(await file.text()).toBe('a b/c');
  });

  it('refuses a malformed data: URI in Filedata with 400', async () => {
    await expectError(
      await send('create', { folderPath: folder(), name: 'x.txt', Filedata: 'data:text/plain;base64' }),
      400,
    );
  });

  it('refuses a data: URI in Filedata over 1 MiB with 400, naming the limit', async () => {
    const big = `data:application/octet-stream;base64,${Buffer.alloc(800 * 1024).toString('base64')}`;
    const body = await expectError(await send('create', { folderPath: folder(), name: 'big.bin', Filedata: big }), 400);
    expect(body.message).toContain('1 MiB');
  });

  it('refuses a create with neither Filedata nor a name with 400', async () => {
    await expectError(await send('create', { folderPath: folder() }), 400);
  });

  it('refuses metadata that is not a JSON object with 400', async () => {
    await expectError(
      await send('create', { folderPath: folder(), metadata: '[1,2]' }, { name: 'a.txt', content: 'a' }),
      400,
    );
  });

  it('refuses a VIEWER with 403', async () => {
    const viewer = await api.createUser('VIEWER');
    await expectError(
      await send('create', { folderPath: folder() }, { name: 'a.txt', content: 'a' }, viewer.token),
      403,
    );
  });

  it('refuses GET with 405', async () => {
    const response = await fetch(`${api.url}/services/create`, { headers: bearer(editor.token) });
    expect(response.status).toBe(405);
  });
});

describe('update', () => {
  it('changes a metadata field and keeps the version', async () => {
    const { id } = await create({ folderPath: folder() });
    const hit = await bodyOf(await send('update', { id, headline: 'New' }));
    expect(hit.metadata.headline).toBe('New');
    expect(hit.metadata.versionNumber).toBe(1);
  });

  it('adds and removes list items with +item and -item', async () => {
    const { id } = await create({ folderPath: folder(), metadata: JSON.stringify({ tags: ['a', 'b'] }) });
    await send('update', { id, tags: '+c' });
    const hit = await bodyOf(await send('update', { id, tags: '-a' }));
    expect(hit.metadata.tags).toEqual(['b', 'c']);
  });

  it('takes +item literally with parseMetadataModifications=false', async () => {
    const { id } = await create({ folderPath: folder(), metadata: JSON.stringify({ tags: ['a'] }) });
    const hit = await bodyOf(await send('update', { id, tags: '+c', parseMetadataModifications: 'false' }));
    expect(hit.metadata.tags).toEqual(['+c']);
  });

  it('checks in a new file from the holder of the checkout and clears the checkout (case 32)', async () => {
    const { id } = await create({ folderPath: folder() });
    await send(`checkout/${id}`, {});
    const hit = await bodyOf(await send('update', { id }, { name: 'v2.txt', content: 'second' }));
    expect(hit.metadata.versionNumber).toBe(2);
    expect(hit.metadata.checkedOutBy).toBeUndefined();
    expect(hit.metadata.filename).toBe('report.txt');
  });

  it('keeps the checkout with clearCheckoutState=false (case 32)', async () => {
    const { id } = await create({ folderPath: folder() });
    await send(`checkout/${id}`, {});
    await send('update', { id }, { name: 'v2.txt', content: 'second' });
    await send(`checkout/${id}`, {});
    const hit = await bodyOf(
      await send('update', { id, clearCheckoutState: 'false' }, { name: 'v3.txt', content: 'third' }),
    );
    expect(hit.metadata.versionNumber).toBe(3);
    expect(hit.metadata.checkedOutBy).toBe(editor.username);
  });

  it('stores a new version, keeping the name, when nobody holds a checkout', async () => {
    const { id } = await create({ folderPath: folder() });
    const hit = await bodyOf(await send('update', { id }, { name: 'other-name.txt', content: 'second' }));
    expect(hit.metadata).toMatchObject({ versionNumber: 2, filename: 'report.txt' });
  });

  it("refuses another user's update while the asset is checked out with 409", async () => {
    const { id } = await create({ folderPath: folder() });
    await send(`checkout/${id}`, {});
    const other = await api.createUser('EDITOR');
    await expectError(await send('update', { id, headline: 'Mine' }, undefined, other.token), 409);
  });

  it('answers an unknown id with 404 and no id with 400', async () => {
    await expectError(await send('update', { id: 'A'.repeat(22), headline: 'x' }), 404);
    await expectError(await send('update', { headline: 'x' }), 400);
  });
});
