import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, statfs, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mountSmallDisk, type SmallDisk } from '../support/smallDisk.js';
import { startTestServer, type TestServer } from '../support/testServer.js';

/*
 * Issue 17, full disk: DATA_DIR (the SQLite file and the blobs) on a 32 MiB file system of its own (tmpfs,
 * or a loop-mounted ext4 image where tmpfs cannot be mounted), filled to within 2 MiB. An upload larger than
 * what is left fails with a clear error, and the database and the asset stored before are untouched.
 */

const MiB = 1024 * 1024;
const UPLOAD = 'mutation($file: Upload!) { uploadAsset(file: $file) { id sha256 } }';
const sha256Of = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

let disk: SmallDisk;
let api: TestServer;
let token: string;
const before = { id: '', content: randomBytes(200 * 1024) };
const filler = () => join(disk.path, 'filler.bin');
// A folder inside the mount: the test server removes its data folder when it closes, the mount point stays.
const dataDir = () => join(disk.path, 'data');

async function upload(content: Uint8Array) {
  return api.upload<{ uploadAsset: { id: string; sha256: string } }>(
    UPLOAD,
    {},
    { name: 'big.bin', content },
    { token },
  );
}

async function assetRows(): Promise<number> {
  const [row] = await api.sql('select count(*) as n from assets');
  return Number(row?.n);
}

beforeAll(async () => {
  disk = await mountSmallDisk(32 * MiB);
  await mkdir(dataDir());
  api = await startTestServer({ dataDir: dataDir(), env: { STORAGE_URL: '' } });
  token = await api.adminToken();
  const stored = await upload(before.content);
  if (!stored.data?.uploadAsset) throw new Error(`upload failed: ${JSON.stringify(stored.errors)}`);
  before.id = stored.data.uploadAsset.id;
  const { bavail, bsize } = await statfs(disk.path);
  await writeFile(filler(), Buffer.alloc(Math.max(0, bavail * bsize - 2 * MiB)));
}, 60_000);
afterAll(async () => {
  await api?.close();
  await disk?.remove();
});

describe('an upload larger than the room left in the data folder', () => {
  let refused: Awaited<ReturnType<typeof upload>>;
  let rowsBefore: number;

  beforeAll(async () => {
    rowsBefore = await assetRows();
    refused = await upload(randomBytes(6 * MiB));
  });

  it('is refused by GraphQL with the code INSUFFICIENT_STORAGE', () => {
    expect(refused.data?.uploadAsset ?? null).toBeNull();
    expect(refused.errors?.[0]?.extensions?.code).toBe('INSUFFICIENT_STORAGE');
  });

  it('says that the server has no room left', () => {
    expect(refused.errors?.[0]?.message).toContain('no room left');
  });

  it('is refused by Asset Manager POST /assets with 507 and the reason', async () => {
    const form = new FormData();
    form.set('asset[file]', new Blob([randomBytes(6 * MiB)]), 'big.bin');
    const response = await fetch(`${api.url}/assets`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: form,
    });
    expect(response.status).toBe(507);
    expect(((await response.json()) as { _response_info: { status: string } })._response_info.status).toContain(
      'no room left',
    );
  });

  it('leaves no half-written file behind', async () => {
    expect(await readdir(join(dataDir(), 'blobs', '.tmp'))).toEqual([]);
  });

  it('adds no asset row', async () => {
    expect(await assetRows()).toBe(rowsBefore);
  });

  it('leaves the asset stored before downloadable byte for byte', async () => {
    const response = await fetch(`${api.url}/media/${before.id}/big.bin`);
    expect(sha256Of(Buffer.from(await response.arrayBuffer()))).toBe(sha256Of(before.content));
  });

  it('leaves the SQLite file intact', async () => {
    const check = api.databaseUrl ? [{ integrity_check: 'ok' }] : await api.sql('pragma integrity_check');
    expect(check).toEqual([{ integrity_check: 'ok' }]);
  });
});

describe('the same upload once room is made', () => {
  it('is stored', async () => {
    await unlink(filler());
    const content = randomBytes(6 * MiB);
    const stored = await upload(content);
    expect(stored.data?.uploadAsset?.sha256).toBe(sha256Of(content));
  });
});
