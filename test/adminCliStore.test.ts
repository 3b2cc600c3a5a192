import { randomBytes } from 'node:crypto';
import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type CliRun, runCli } from './support/adminCli.js';
import { startTestServer, type TestServer } from './support/testServer.js';

// Each command is a process of its own that loads the service's modules and opens its database: seconds
// each on a loaded machine, and a test here may run three.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 300_000 });

/*
 * Issue 18, the admin CLI's `migrate` and `verify` as child processes. The store is a folder here (STORAGE_URL
 * empty, in CI's S3 pass too): a test takes a blob away from under it.
 */

const FILE_STORAGE = { STORAGE_URL: '' };
const LAST_MIGRATION = 'Migration20261207140000ApiTokenExpiry';

let api: TestServer;
const cli = (args: string[]): Promise<CliRun> => runCli(api, args, { env: FILE_STORAGE });

beforeAll(async () => {
  api = await startTestServer({ env: FILE_STORAGE });
});
afterAll(() => api.close());

describe('verify', () => {
  let sha256: string;
  let intact: CliRun;

  beforeAll(async () => {
    const result = await api.upload<{ uploadAsset: { sha256: string } }>(
      'mutation($file: Upload!) { uploadAsset(file: $file) { sha256 } }',
      {},
      { name: 'kept.bin', content: randomBytes(40_000) },
      { token: await api.adminToken() },
    );
    sha256 = result.data?.uploadAsset.sha256 as string;
    intact = await cli(['verify']);
  });

  it('on an intact store exits with 0 and counts what it checked, progress on stderr', () => {
    expect(intact.code).toBe(0);
    expect(intact.stdout).toContain('1 blobs checked (40000 bytes); 0 damaged or missing');
    expect(intact.stderr).toContain('verify: 1/1 blobs');
  });

  it('reports a missing blob with its asset and exits with 1', async () => {
    await unlink(join(api.dataDir, 'blobs', sha256.slice(0, 2), sha256.slice(2, 4), sha256));
    const run = await cli(['verify']);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(new RegExp(`^missing ${sha256}: no blob under its key \\(assets [\\w-]{22}\\)$`, 'm'));
  });

  it('refuses an argument it does not take with exit code 2', async () => {
    const run = await cli(['verify', 'everything']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('verify: unexpected argument "everything"');
  });

  it('answers --help with its usage and an example', async () => {
    const run = await cli(['verify', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: asset-gateway verify');
    expect(run.stdout).toContain('Example:');
  });
});

describe('migrate', () => {
  it('--check on an up-to-date database says so and exits with 0', async () => {
    const run = await cli(['migrate', '--check']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('the database is up to date\n');
  });

  describe('with a migration not yet applied', () => {
    let check: CliRun;
    let applied: CliRun;
    let checkAfter: CliRun;

    beforeAll(async () => {
      await api.stop();
      // The database as it was before the last migration.
      await api.sql('alter table api_tokens drop column expires_at');
      await api.sql('delete from mikro_orm_migrations where name like ?', [`${LAST_MIGRATION}%`]);
      check = await cli(['migrate', '--check']);
      applied = await cli(['migrate']);
      checkAfter = await cli(['migrate', '--check']);
    });

    it('--check names it, applies nothing and exits with 1', () => {
      expect(check.code).toBe(1);
      expect(check.stdout).toBe(`pending ${LAST_MIGRATION}\n1 migrations pending\n`);
    });

    it('migrate applies it, names it and exits with 0', () => {
      expect(applied.code).toBe(0);
      expect(applied.stdout).toBe(`applied ${LAST_MIGRATION}\n1 migrations applied\n`);
    });

    it('after it, --check finds nothing pending', () => {
      expect(checkAfter.code).toBe(0);
      expect(checkAfter.stdout).toBe('the database is up to date\n');
    });
  });

  it('refuses an unknown option with exit code 2', async () => {
    const run = await cli(['migrate', '--dry-run']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('migrate: unknown option --dry-run');
  });

  it('answers --help with its usage, --check and an example', async () => {
    const run = await cli(['migrate', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: asset-gateway migrate [options]');
    expect(run.stdout).toContain('--check');
  });
});
