import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { migrationsFor } from '../src/db/migrations/index.js';
import { type Orm, openDatabase } from '../src/db/orm.js';
import { createTestDatabase, TEST_DATABASE_URL, type TestDatabase } from './support/testDatabase.js';
import { startTestServer, type TestServer } from './support/testServer.js';

// Several instances share one database only on PostgreSQL: this runs in the test pass on PostgreSQL.
describe.runIf(TEST_DATABASE_URL)('two instances opening one new PostgreSQL database at once', () => {
  const opened: Orm[] = [];
  let database: TestDatabase;

  afterAll(async () => {
    await Promise.all(opened.map((orm) => orm.close()));
    await database?.drop();
  });

  async function open(): Promise<Orm> {
    const orm = await openDatabase(loadConfig({ DATA_DIR: '/nonexistent', DATABASE_URL: database.url as string }));
    opened.push(orm);
    return orm;
  }

  it('both open it, and each migration is applied once: the second waits for the first', async () => {
    database = await createTestDatabase();
    const [first] = await Promise.all([open(), open()]);
    const applied: { name: string }[] =
      (await first?.em.getConnection().execute('select name from mikro_orm_migrations')) ?? [];
    expect(applied.map((row) => row.name.replace(/\.[jt]s$/, '')).sort()).toEqual(
      migrationsFor('postgresql')
        .map((migration) => migration.name)
        .sort(),
    );
  });
});

describe.runIf(TEST_DATABASE_URL)('two instances starting at once on one new PostgreSQL database', () => {
  const started: TestServer[] = [];
  let database: TestDatabase | undefined;

  afterAll(async () => {
    await Promise.all(started.map((server) => server.stop()));
    await database?.drop();
  });

  it('both start, one of them makes the first admin, and the admin can log in through either', async () => {
    database = await createTestDatabase();
    const env = { DATABASE_URL: database.url as string };
    const start = async () => {
      const dataDir = await mkdtemp(join(tmpdir(), 'asset-gateway-admin-race-'));
      const server = await startTestServer({ dataDir, env });
      started.push(server);
      return server;
    };
    const [first, second] = await Promise.all([start(), start()]);
    const admins = await first.sql('select count(*) as n from users');
    expect(Number(admins[0]?.n)).toBe(1);
    expect(await first.login()).toMatch(/\S/);
    expect(await second.login()).toMatch(/\S/);
  });
});
