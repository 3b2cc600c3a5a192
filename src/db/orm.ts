import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { MikroORM, type Options } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import type { AbstractSqlDriver, SqlEntityManager } from '@mikro-orm/sql';
import { SqliteDriver } from '@mikro-orm/sqlite';
import pg from 'pg';
import { type Config, ConfigError, type DatabaseConfig, describeDatabase } from '../config.js';
import { BadInput } from '../errors.js';
import { entities } from './entities/index.js';
import { migrationsFor } from './migrations/index.js';

/** The ORM on either database: code above this module sees only what both drivers have. */
export type Orm = MikroORM<AbstractSqlDriver, SqlEntityManager>;

/** Counts SQL statements, so that tests and benchmarks can see how many a request costs. */
export interface QueryStats {
  queries: number;
}

type SqlOptions = Partial<Options<AbstractSqlDriver, SqlEntityManager>>;

// The drivers wrap every error of a statement as a driver failure (a 500); refuseNulCharacters' refusal, thrown
// before the statement runs, is the client's bad input and passes as it is.
class SqliteDriverPassingBadInput extends SqliteDriver {
  override convertException(exception: Error) {
    return exception instanceof BadInput ? (exception as never) : super.convertException(exception);
  }
}
class PostgreSqlDriverPassingBadInput extends PostgreSqlDriver {
  override convertException(exception: Error) {
    return exception instanceof BadInput ? (exception as never) : super.convertException(exception);
  }
}

function driverOptions(database: DatabaseConfig): SqlOptions {
  if (database.kind === 'sqlite') {
    mkdirSync(dirname(database.path), { recursive: true });
    return { driver: SqliteDriverPassingBadInput, dbName: database.path };
  }
  // A database that is not there is an error to report, not one to create: a typo would start an empty one.
  return { driver: PostgreSqlDriverPassingBadInput, clientUrl: database.url, ensureDatabase: false };
}

/** A PostgreSQL server that refuses us is the operator's to fix: one line that names it, without the password. */
function unreachable(database: DatabaseConfig, error: unknown): unknown {
  const code = (error as { code?: unknown }).code;
  if (database.kind !== 'postgresql' || typeof code !== 'string') return error;
  return new ConfigError('DATABASE_URL', `cannot use ${describeDatabase(database)}: ${(error as Error).message}`);
}

/** The first statement connects: before the migrator, which would create a database that is missing. */
async function checkConnection(orm: Orm, database: DatabaseConfig): Promise<void> {
  try {
    await orm.em.getConnection().execute('select 1');
  } catch (error) {
    await orm.close(true).catch(() => undefined);
    throw unreachable(database, error);
  }
}

/** Any fixed number: the key of the advisory lock that instances starting at once migrate under. */
const MIGRATION_LOCK_KEY = 4_102_736_951;

/**
 * Instances starting together on one PostgreSQL database take turns: the first applies the migrations, the
 * others then find nothing pending. The lock is held on a connection of its own, outside the ORM's pool.
 */
export async function migrateUnderLock(orm: Orm, database: DatabaseConfig): Promise<string[]> {
  const applied = async () => (await orm.migrator.up()).map((migration) => migration.name);
  if (database.kind === 'sqlite') return applied();
  const lockHolder = new pg.Client({ connectionString: database.url });
  await lockHolder.connect();
  try {
    await lockHolder.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    return await applied();
  } finally {
    // Closing the connection releases the lock, also when a migration failed.
    await lockHolder.end();
  }
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

/**
 * Neither database takes a NUL character in text: MikroORM writes values into the statement, where SQLite's
 * tokenizer stops at a NUL (the statement fails), and PostgreSQL refuses it in any text value. A value that
 * holds one is the client's bad input, whatever surface it came by.
 */
export function refuseNulCharacters(params: readonly unknown[]): void {
  for (const value of params) {
    if (typeof value === 'string' && value.includes('\u0000')) {
      throw new BadInput('Text may not hold the NUL character (U+0000)');
    }
    if (Array.isArray(value)) refuseNulCharacters(value);
  }
}

/**
 * Opens the database (SQLite in WAL mode, or PostgreSQL) and applies its pending migrations, unless told not
 * to (the admin CLI's `migrate`, which says what it applies).
 */
export async function openDatabase(
  config: Config,
  stats: QueryStats = { queries: 0 },
  { migrate = true }: { migrate?: boolean } = {},
): Promise<Orm> {
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
    // No entity has a two-sided relation to keep in step, and the per-instance accessors this would define
    // on every property of every loaded entity cost more than half of hydrating a page of assets.
    propagationOnPrototype: false,
    onQuery: (sql, params) => {
      stats.queries++;
      refuseNulCharacters(params);
      return sql;
    },
  });
  await checkConnection(orm, database);
  if (database.kind === 'sqlite') await tuneSqlite(orm);
  if (migrate) await migrateUnderLock(orm, database);
  return orm;
}
