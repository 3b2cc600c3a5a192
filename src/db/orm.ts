import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { MikroORM, type Options } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import type { AbstractSqlDriver, SqlEntityManager } from '@mikro-orm/sql';
import { SqliteDriver } from '@mikro-orm/sqlite';
import type { Config, DatabaseConfig } from '../config.js';
import { entities } from './entities/index.js';
import { migrationsFor } from './migrations/index.js';

/** The ORM on either database: code above this module sees only what both drivers have. */
export type Orm = MikroORM<AbstractSqlDriver, SqlEntityManager>;

/** Counts SQL statements, so that tests and benchmarks can see how many a request costs. */
export interface QueryStats {
  queries: number;
}

type SqlOptions = Partial<Options<AbstractSqlDriver, SqlEntityManager>>;

function driverOptions(database: DatabaseConfig): SqlOptions {
  if (database.kind === 'sqlite') {
    mkdirSync(dirname(database.path), { recursive: true });
    return { driver: SqliteDriver, dbName: database.path };
  }
  return { driver: PostgreSqlDriver, clientUrl: database.url };
}

async function tuneSqlite(orm: Orm): Promise<void> {
  const connection = orm.em.getConnection();
  await connection.execute('pragma journal_mode = wal');
  // Writers wait for each other instead of failing at once with SQLITE_BUSY.
  await connection.execute('pragma busy_timeout = 5000');
  await connection.execute('pragma synchronous = normal');
  // 64 MiB of page cache instead of 2: searches and facets read the same indexes again and again.
  await connection.execute('pragma cache_size = -65536');
  await connection.execute('pragma foreign_keys = on');
}

/** Opens the database (SQLite in WAL mode, or PostgreSQL) and applies its pending migrations. */
export async function openDatabase(config: Config, stats: QueryStats = { queries: 0 }): Promise<Orm> {
  const { database } = config;
  const orm = await MikroORM.init<AbstractSqlDriver, SqlEntityManager>({
    ...driverOptions(database),
    entities,
    extensions: [Migrator],
    migrations: {
      migrationsList: migrationsFor(database.kind),
      transactional: true,
      allOrNothing: true,
      silent: true,
      snapshot: false,
    },
    discovery: { warnWhenNoEntities: true },
    allowGlobalContext: false,
    onQuery: (sql) => {
      stats.queries++;
      return sql;
    },
  });
  if (database.kind === 'sqlite') await tuneSqlite(orm);
  await orm.migrator.up();
  return orm;
}
