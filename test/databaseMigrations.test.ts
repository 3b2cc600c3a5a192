import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { migrationsFor } from '../src/db/migrations/index.js';
import { type Orm, openDatabase } from '../src/db/orm.js';
import { createTestDatabase, TEST_DATABASE_URL, type TestDatabase } from './support/testDatabase.js';

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
