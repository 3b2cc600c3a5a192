import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { MikroORM } from '@mikro-orm/core';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import type { AbstractSqlDriver, SqlEntityManager } from '@mikro-orm/sql';
import { SqliteDriver } from '@mikro-orm/sqlite';
import { entities } from '../../src/db/entities/index.js';

/**
 * A postgres:// URL of a server where the tests may create databases. Set: each test server runs on a database
 * of its own there, dropped when it closes. Unset: each runs on a SQLite file in its data folder.
 */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || undefined;

/** Where one test server keeps its data: a PostgreSQL database, or the SQLite file in its data folder. */
export interface TestDatabase {
  /** The DATABASE_URL to start the server with; undefined: the default SQLite file in DATA_DIR. */
  url: string | undefined;
  drop(): Promise<void>;
}

async function withConnection<T>(
  options: { clientUrl: string } | { dbName: string },
  run: (execute: (sql: string, params?: unknown[]) => Promise<unknown>) => Promise<T>,
): Promise<T> {
  const orm = await MikroORM.init<AbstractSqlDriver, SqlEntityManager>({
    ...('clientUrl' in options ? { driver: PostgreSqlDriver } : { driver: SqliteDriver }),
    ...options,
    entities,
    pool: { min: 0, max: 1 },
  });
  try {
    const connection = orm.em.getConnection();
    return await run((sql, params = []) => connection.execute(sql, params));
  } finally {
    await orm.close(true);
  }
}

function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A fresh, empty database for one test server, on TEST_DATABASE_URL's server; SQLite when it is unset. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = TEST_DATABASE_URL;
  if (!serverUrl) return { url: undefined, drop: async () => {} };
  const name = `agtest_${randomBytes(8).toString('hex')}`;
  await withConnection({ clientUrl: serverUrl }, (execute) => execute(`create database "${name}"`));
  return {
    url: databaseUrl(serverUrl, name),
    // force: a connection the server failed to close must not keep the database alive.
    drop: async () => {
      await withConnection({ clientUrl: serverUrl }, (execute) =>
        execute(`drop database if exists "${name}" with (force)`),
      );
    },
  };
}

/**
 * Runs one statement on a test server's database with its own connection, so it works while the server is
 * stopped too. `?` marks a parameter on either database. Values come back as each database stores them
 * (a SQLite date is a number, a PostgreSQL one a Date).
 */
export async function queryTestDatabase(
  database: { url: string | undefined; dataDir: string },
  sql: string,
  params: unknown[] = [],
): Promise<Record<string, unknown>[]> {
  const where = database.url ? { clientUrl: database.url } : { dbName: join(database.dataDir, 'asset-gateway.sqlite') };
  return withConnection(where, async (execute) => (await execute(sql, params)) as Record<string, unknown>[]);
}
