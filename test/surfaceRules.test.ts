/**
 * Rules that moved out of the WoodWing surface into the resolvers: update's check-in by the lock holder, and
 * browse's filtering and paging, pinned over HTTP as a client sees them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServerWithUser, type TestServer, type TestUser } from './support/testServer.js';
import { bearer, bodyOf, expectError, postServicesFile } from './support/woodwingCalls.js';

let api: TestServer;
let editor: TestUser;
let counter = 0;

beforeAll(async () => {
  ({ api, user: editor } = await startTestServerWithUser('EDITOR'));
});
afterAll(() => api.close());

const freshFolder = () => `/surface-rules/t${++counter}`;

const send = (
  path: string,
  fields: Record<string, string>,
  file?: { name: string; content: string },
  token = editor.token,
) => postServicesFile(api.url, path, fields, file, bearer(token));

async function createIn(folderPath: string, name: string, token = editor.token): Promise<string> {
  const response = await send('create', { folderPath }, { name, content: `content of ${name}` }, token);
  expect(response.status).toBe(200);
  return (await bodyOf(response)).id;
}

async function checkedOutAsset(): Promise<string> {
  const id = await createIn(freshFolder(), 'report.txt');
  expect((await send(`checkout/${id}`, {})).status).toBe(200);
  return id;
}

async function actionsOf(id: string): Promise<string[]> {
  const rows = await api.sql('select action from history_entries where asset_id = ? order by id', [id]);
  return rows.map((row) => String(row.action));
}

async function versionCount(id: string): Promise<number> {
  const [row] = await api.sql('select count(*) as n from asset_versions where asset_id = ?', [id]);
  return Number(row?.n);
}

async function lockHolderOf(id: string): Promise<unknown> {
  const [row] = await api.sql('select checked_out_by_id from assets where id = ?', [id]);
  return row?.checked_out_by_id ?? null;
}

describe('WoodWing update by the holder of the checkout, with a file', () => {
  it('stores exactly one new version', async () => {
    const id = await checkedOutAsset();
    await send('update', { id, headline: 'Checked in' }, { name: 'v2.txt', content: 'second' });
    expect(await versionCount(id)).toBe(2);
  });

  it('records one CHECKIN and no REPLACE_FILE', async () => {
    const id = await checkedOutAsset();
    await send('update', { id, headline: 'Checked in' }, { name: 'v2.txt', content: 'second' });
    const actions = await actionsOf(id);
    expect(actions.filter((action) => action === 'CHECKIN')).toHaveLength(1);
    expect(actions).not.toContain('REPLACE_FILE');
  });

  it('releases the lock', async () => {
    const id = await checkedOutAsset();
    await send('update', { id }, { name: 'v2.txt', content: 'second' });
    expect(await lockHolderOf(id)).toBeNull();
  });

  it('sets the metadata sent with the file in the same answer', async () => {
    const id = await checkedOutAsset();
    const hit = await bodyOf(await send('update', { id, headline: 'Checked in' }, { name: 'v2.txt', content: 'x' }));
    expect(hit.metadata).toMatchObject({ headline: 'Checked in', versionNumber: 2 });
  });

  it('applies +item to a list field against the metadata before the check-in', async () => {
    const id = await checkedOutAsset();
    await send('update', { id, metadata: JSON.stringify({ tags: ['a'] }) });
    const hit = await bodyOf(await send('update', { id, tags: '+b' }, { name: 'v2.txt', content: 'x' }));
    expect(hit.metadata.tags).toEqual(['a', 'b']);
  });

  it('writes nothing when its metadata is refused: no version, no CHECKIN, the lock kept', async () => {
    const id = await checkedOutAsset();
    const badMetadata = JSON.stringify({ ['x'.repeat(129)]: 'too long a field name' });
    await expectError(await send('update', { id, metadata: badMetadata }, { name: 'v2.txt', content: 'x' }), 400);
    expect(await versionCount(id)).toBe(1);
    expect(await actionsOf(id)).not.toContain('CHECKIN');
    expect(await lockHolderOf(id)).toBe(editor.id);
  });
});

describe('WoodWing update without a change', () => {
  it('answers the asset unchanged to a VIEWER, who may read it', async () => {
    const id = await createIn(freshFolder(), 'report.txt');
    const viewer = await api.createUser('VIEWER');
    const hit = await bodyOf(await send('update', { id }, undefined, viewer.token));
    expect(hit).toMatchObject({ id, metadata: expect.objectContaining({ versionNumber: 1 }) });
    expect(await actionsOf(id)).not.toEqual(expect.arrayContaining(['UPDATE_METADATA']));
    expect(await versionCount(id)).toBe(1);
  });
});

describe('WoodWing checkout', () => {
  it("names the client 'api' when neither the call nor the login names one", async () => {
    const id = await createIn(freshFolder(), 'report.txt');
    const body = await bodyOf(await send(`checkout/${id}`, {}));
    expect(body.checkedOutOnClient).toBe('api');
  });
});

describe('WoodWing browse', () => {
  async function browse(path: string, params: Record<string, string>, token = editor.token): Promise<any[]> {
    const response = await send('browse', { path, ...params }, undefined, token);
    expect(response.status).toBe(200);
    return bodyOf(response);
  }

  it('lists every asset of a folder that holds more than one search page (500), by name', async () => {
    const folder = freshFolder();
    const names = Array.from({ length: 501 }, (_, index) => `a-${String(index).padStart(3, '0')}.txt`);
    for (let from = 0; from < names.length; from += 25) {
      await Promise.all(names.slice(from, from + 25).map((name) => createIn(folder, name)));
    }
    const entries = await browse(folder, { includeFolders: 'false', includeExtensions: 'all' });
    expect(entries.map((entry) => entry.name)).toEqual(names);
  }, 120_000);

  it('compares includeExtensions ignoring case', async () => {
    const folder = freshFolder();
    await createIn(folder, 'a.txt');
    await createIn(folder, 'b.jpg');
    const entries = await browse(folder, { includeFolders: 'false', includeExtensions: 'TXT' });
    expect(entries.map((entry) => entry.name)).toEqual(['a.txt']);
  });

  it('leaves out a draft limited to other users', async () => {
    const folder = freshFolder();
    const id = await createIn(folder, 'secret.txt');
    await createIn(folder, 'open.txt');
    const limited = await api.graphql(
      'mutation($id: ID!, $input: UpdateAssetInput!) { updateAsset(id: $id, input: $input) { id } }',
      { id, input: { draft: true, accessLimitedUserIds: [editor.id] } },
      { token: editor.token },
    );
    expect(limited.errors).toBeUndefined();
    const other = await api.createUser('EDITOR');
    const entries = await browse(folder, { includeFolders: 'false', includeExtensions: 'all' }, other.token);
    expect(entries.map((entry) => entry.name)).toEqual(['open.txt']);
  });
});
