import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrationsFor } from '../src/db/migrations/index.js';
import { uploadAs } from './support/graphqlCalls.js';
import { eventually, startTestServer, type TestServer } from './support/testServer.js';

const ASSET = 'query($id: ID!) { asset(id: $id) { id name metadata sha256 state } }';

interface AssetView {
  id: string;
  name: string;
  metadata: Record<string, unknown>;
  sha256: string;
  state: string;
}

function blobPathOf(dataDir: string, sha256: string): string {
  return join(dataDir, 'blobs', sha256.slice(0, 2), sha256.slice(2, 4), sha256);
}

async function readAsset(api: TestServer, token: string, id: string): Promise<AssetView | null | undefined> {
  const result = await api.graphql<{ asset: AssetView | null }>(ASSET, { id }, { token });
  if (result.errors) throw new Error(`asset failed: ${JSON.stringify(result.errors)}`);
  return result.data?.asset;
}

async function uploadAndWaitUntilServable(
  api: TestServer,
  token: string,
  metadata: Record<string, unknown>,
): Promise<AssetView> {
  const { id } = await uploadAs(api, token, {
    name: 'harbour.txt',
    content: 'the harbour at dawn',
    input: { folderPath: '/survivors', metadata },
  });
  return eventually(async () => {
    const asset = await readAsset(api, token, id);
    return asset?.state === 'UPLOADED' ? asset : undefined;
  });
}

describe('a restart on the same data folder', () => {
  const user = { username: 'survivor', password: 'survivor-password-long' };
  const metadata = { title: 'Harbour at dawn', tags: ['sea', 'boats'], rating: 4 };
  let before: TestServer;
  let after: TestServer;
  let stored: AssetView;
  let sessionTokenFromBefore: string;
  // 'keeps the blob file' looks in DATA_DIR/blobs: the filesystem store, whatever TEST_STORAGE_URL says.
  const onTheFilesystem = { STORAGE_URL: '' };

  beforeAll(async () => {
    before = await startTestServer({ env: onTheFilesystem });
    const admin = await before.adminToken();
    const created = await before.graphql(
      'mutation($input: CreateUserInput!) { createUser(input: $input) { id } }',
      { input: { ...user, role: 'CONTRIBUTOR' } },
      { token: admin },
    );
    if (created.errors) throw new Error(`createUser failed: ${JSON.stringify(created.errors)}`);
    sessionTokenFromBefore = await before.login(user.username, user.password);
    stored = await uploadAndWaitUntilServable(before, sessionTokenFromBefore, metadata);
    await before.stop();
    after = await startTestServer({ dataDir: before.dataDir, env: onTheFilesystem });
  });
  afterAll(() => after?.close());

  it('starts again on a database that is already migrated', async () => {
    const response = await fetch(`${after.url}/healthcheck/ready`);
    expect(response.status).toBe(200);
  });

  it('has applied each migration once', async () => {
    const applied = await after.sql('select name from mikro_orm_migrations order by name');
    const kind = after.databaseUrl ? 'postgresql' : 'sqlite';
    expect(applied.map((row) => String(row.name).replace(/\.[jt]s$/, ''))).toEqual(
      migrationsFor(kind)
        .map((migration) => migration.name)
        .sort(),
    );
  });

  it('lets a user created before the restart log in', async () => {
    const token = await after.login(user.username, user.password);
    const viewer = await after.graphql<{ viewer: { username: string } }>(
      'query { viewer { username } }',
      {},
      { token },
    );
    expect(viewer.data?.viewer.username).toBe(user.username);
  });

  it('keeps a session from before the restart', async () => {
    const viewer = await after.graphql<{ viewer: { username: string } | null }>(
      'query { viewer { username } }',
      {},
      { token: sessionTokenFromBefore },
    );
    expect(viewer.data?.viewer?.username).toBe(user.username);
  });

  it('keeps the asset with its metadata, checksum and state', async () => {
    const token = await after.login(user.username, user.password);
    const asset = await readAsset(after, token, stored.id);
    expect(asset).toEqual({ ...stored, metadata, state: 'UPLOADED' });
  });

  it('keeps the blob file', async () => {
    await expect(access(blobPathOf(after.dataDir, stored.sha256))).resolves.toBeUndefined();
  });

  it('does not create a second first admin', async () => {
    const users = await after.graphql<{ users: { username: string; role: string }[] }>(
      'query { users { username role } }',
      {},
      { token: await after.adminToken() },
    );
    expect(users.data?.users.filter((entry) => entry.role === 'ADMIN')).toHaveLength(1);
    expect(users.data?.users).toHaveLength(2);
  });
});

describe('an upload still UNSCANNED when the server stops', () => {
  let before: TestServer;
  let after: TestServer | undefined;
  afterAll(async () => {
    if (after) await after.close();
    else await before?.close();
  });

  it('is scanned after the restart', async () => {
    before = await startTestServer();
    const token = await before.adminToken();
    const asset = await uploadAndWaitUntilServable(before, token, { title: 'pending' });
    await before.stop();

    // As if the process had stopped between storing the upload and scanning it.
    await before.sql(`update assets set state = 'UNSCANNED', next_scan_at = null, scan_attempts = 0 where id = ?`, [
      asset.id,
    ]);
    const [row] = await before.sql('select state from assets where id = ?', [asset.id]);
    expect(row?.state).toBe('UNSCANNED');

    after = await startTestServer({ dataDir: before.dataDir });
    const adminAfter = await after.adminToken();
    const scanned = await eventually(async () => {
      const current = await readAsset(after as TestServer, adminAfter, asset.id);
      return current?.state === 'UPLOADED' ? current : undefined;
    });
    expect(scanned.sha256).toBe(asset.sha256);
  });
});
