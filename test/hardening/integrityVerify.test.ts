import { randomBytes } from 'node:crypto';
import { open, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliRun, runCli } from '../support/adminCli.js';
import { startTestServer, type TestServer } from '../support/testServer.js';

/*
 * Issue 17, integrity: `verify` (the admin CLI's, built by `npm run build`; also `npm run verify`) hashes every blob
 * again and reports the damaged and missing ones with the assets that point at them, progress on stderr.
 */

const UPLOAD = 'mutation($file: Upload!) { uploadAsset(file: $file) { id sha256 } }';

let api: TestServer;
const assets: { id: string; sha256: string }[] = [];

/** `asset-gateway verify` (which `npm run verify` runs too) on the server's files, in the data folder. */
const verify = (): Promise<CliRun> => runCli(api, ['verify'], { env: { STORAGE_URL: '' } });

const blobPathOf = (sha256: string) => join(api.dataDir, 'blobs', sha256.slice(0, 2), sha256.slice(2, 4), sha256);

beforeAll(async () => {
  api = await startTestServer({ env: { STORAGE_URL: '' } });
  const token = await api.adminToken();
  for (let n = 0; n < 3; n++) {
    const content = randomBytes(50_000 + n);
    const result = await api.upload<{ uploadAsset: { id: string; sha256: string } }>(
      UPLOAD,
      {},
      { name: `file-${n}.bin`, content },
      { token },
    );
    if (!result.data?.uploadAsset) throw new Error(`upload failed: ${JSON.stringify(result.errors)}`);
    assets.push(result.data.uploadAsset);
  }
});
afterAll(() => api.close());

describe('verify on an intact store', () => {
  let run: CliRun;
  beforeAll(async () => {
    run = await verify();
  });

  it('exits with 0', () => {
    expect(run.code).toBe(0);
  });

  it('says how many blobs it checked and that none is damaged', () => {
    expect(run.stdout).toContain('3 blobs checked');
    expect(run.stdout).toContain('0 damaged or missing');
  });

  it('shows its progress on stderr', () => {
    expect(run.stderr).toContain('verify: 3/3 blobs');
  });
});

describe('verify on a store with a changed blob and a missing one', () => {
  let run: CliRun;
  beforeAll(async () => {
    const [changed, missing] = assets as [{ id: string; sha256: string }, { id: string; sha256: string }];
    const file = await open(blobPathOf(changed.sha256), 'r+');
    await file.write(Buffer.from('tampered'), 0, 8, 1000);
    await file.close();
    await unlink(blobPathOf(missing.sha256));
    run = await verify();
  });

  it('exits with 1', () => {
    expect(run.code).toBe(1);
  });

  it('names the changed blob damaged, with its asset', () => {
    const [changed] = assets;
    expect(run.stdout).toContain(
      `damaged ${changed?.sha256}: its bytes do not hash to its key (assets ${changed?.id})`,
    );
  });

  it('names the missing blob, with its asset', () => {
    const missing = assets[1];
    expect(run.stdout).toContain(`missing ${missing?.sha256}: no blob under its key (assets ${missing?.id})`);
  });

  it('does not name the intact blob', () => {
    expect(run.stdout).not.toContain(assets[2]?.sha256);
  });
});
