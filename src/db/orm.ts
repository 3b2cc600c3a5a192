import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Migrator } from '@mikro-orm/migrations';
import { MikroORM } from '@mikro-orm/sqlite';
import type { Config } from '../config.js';
import { entities } from './entities/index.js';
import { migrations } from './migrations/index.js';

export type Orm = MikroORM;

/** Counts SQL statements, so that tests and benchmarks can see how many a request costs. */
export interface QueryStats {
  queries: number;
}

/** Opens the database, turns on WAL and applies pending migrations. */
export async function openDatabase(config: Config, stats: QueryStats = { queries: 0 }): Promise<Orm> {
  mkdirSync(dirname(config.databasePath), { recursive: true });
  const orm = await MikroORM.init({
    dbName: config.databasePath,
    entities,
    extensions: [Migrator],
    migrations: { migrationsList: migrations, transactional: true, allOrNothing: true, silent: true, snapshot: false },
    discovery: { warnWhenNoEntities: true },
    allowGlobalContext: false,
    onQuery: (sql) => {
      stats.queries++;
      return sql;
    },
  });
  const connection = orm.em.getConnection();
  await connection.execute('pragma journal_mode = wal');
  // Writers wait for each other instead of failing at once with SQLITE_BUSY.
  await connection.execute('pragma busy_timeout = 5000');
  await connection.execute('pragma synchronous = normal');
  // 64 MiB of page cache instead of 2: searches and facets read the same indexes again and again.
  await connection.execute('pragma cache_size = -65536');
  await connection.execute('pragma foreign_keys = on');
  await orm.migrator.up();
  return orm;
}
