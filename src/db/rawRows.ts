import type { EntityManager } from '@mikro-orm/core';
import { PostgreSqlConnection } from '@mikro-orm/postgresql';
import { SqliteConnection } from '@mikro-orm/sqlite';
import { refuseNulCharacters } from './orm.js';

/** The little of a better-sqlite3 statement that raw reads need. */
interface NativeStatement {
  raw(toggle: boolean): NativeStatement;
  pluck(toggle: boolean): NativeStatement;
  all(...params: unknown[]): unknown[];
}
interface NativeDatabase {
  readonly open: boolean;
  prepare(sql: string): NativeStatement;
}

const MAX_CACHED_STATEMENTS = 500;
type Shape = 'rows' | 'column' | 'objects';
/** Per database and shape, by SQL text (most of it constant strings, whose hash V8 keeps). */
const statements = new WeakMap<NativeDatabase, Record<Shape, Map<string, NativeStatement>>>();

function prepared(database: NativeDatabase, sql: string, shape: Shape): NativeStatement {
  let shapes = statements.get(database);
  if (!shapes) {
    shapes = { rows: new Map(), column: new Map(), objects: new Map() };
    statements.set(database, shapes);
  }
  const cache = shapes[shape];
  let statement = cache.get(sql);
  if (!statement) {
    if (cache.size >= MAX_CACHED_STATEMENTS) cache.clear();
    const fresh = database.prepare(sql);
    statement = shape === 'rows' ? fresh.raw(true) : shape === 'column' ? fresh.pluck(true) : fresh;
    cache.set(sql, statement);
  }
  return statement;
}

export function isSqlite(em: EntityManager): boolean {
  return em.getConnection() instanceof SqliteConnection;
}

const openDatabases = new WeakMap<SqliteConnection, NativeDatabase>();

/** The connection's better-sqlite3 handle once `nativeDatabase` has asked for it, while it is open. */
function knownDatabase(em: EntityManager): NativeDatabase | undefined {
  const known = openDatabases.get(em.getConnection() as SqliteConnection);
  return known?.open ? known : undefined;
}

/** The connection's better-sqlite3 handle: asked of the ORM once (an await each time), then kept while open. */
async function nativeDatabase(em: EntityManager): Promise<NativeDatabase | null> {
  const known = knownDatabase(em);
  if (known) return known;
  const connection = em.getConnection();
  if (!(connection instanceof SqliteConnection)) return null;
  const database = (await connection.getNativeClient()) as unknown as NativeDatabase;
  openDatabases.set(connection, database);
  return database;
}

/** better-sqlite3 binds neither dates nor booleans: they go in as the ORM stores them. */
function sqliteParams(em: EntityManager, params: unknown[]): unknown[] {
  return params.map((param) => {
    if (param instanceof Date) return em.getPlatform().processDateProperty(param);
    if (typeof param === 'boolean') return param ? 1 : 0;
    return param;
  });
}

/** Elsewhere through the ORM's connection, inside the transaction `em` is in, if any. */
function onConnection(em: EntityManager, sql: string, params: unknown[]): Promise<Record<string, unknown>[]> {
  return em.getConnection().execute(sql, params, 'all', em.getTransactionContext());
}

/**
 * Rows as arrays of column values, for reads of many narrow rows (search hits, facet values), with `?`
 * parameters bound by the driver. On SQLite the statement is prepared once and reused, and no row
 * becomes an object; elsewhere it goes through the ORM's connection.
 */
export async function rawRows(em: EntityManager, sql: string, params: unknown[] = []): Promise<unknown[][]> {
  const database = await nativeDatabase(em);
  if (database) return prepared(database, sql, 'rows').all(...sqliteParams(em, params)) as unknown[][];
  const rows = await onConnection(em, sql, params);
  return rows.map((row) => Object.values(row));
}

/** The first column of every row, as `rawRows` reads them (a third of the time for tens of thousands). */
export async function rawColumn(em: EntityManager, sql: string, params: unknown[] = []): Promise<unknown[]> {
  const database = await nativeDatabase(em);
  if (database) return prepared(database, sql, 'column').all(...sqliteParams(em, params));
  const rows = await onConnection(em, sql, params);
  return rows.map((row) => Object.values(row)[0]);
}

/** Rows as objects keyed by column name, as `em.map` takes them, read as `rawRows` reads them. */
export async function rawObjects(
  em: EntityManager,
  sql: string,
  params: unknown[] = [],
): Promise<Record<string, unknown>[]> {
  const database = await nativeDatabase(em);
  if (database) return prepared(database, sql, 'objects').all(...sqliteParams(em, params)) as Record<string, unknown>[];
  return onConnection(em, sql, params);
}

/** The little of pg's Pool that prepared reads need. */
interface PostgresPool {
  query(statement: { name: string; text: string; values: unknown[] }): Promise<{ rows: Record<string, unknown>[] }>;
}

const MAX_STATEMENT_NAMES = 200;

/** A named prepared statement: pg prepares it on each pooled connection the first time that connection runs it. */
interface NamedStatement {
  name: string;
  /** The SQL with `$1`, `$2`... for its `?` placeholders (SQL written here: no `?` in a literal). */
  text: string;
}

/** By the SQL text as written (with `?`), made once per text. */
const namedStatements = new Map<string, NamedStatement>();

const postgresPools = new WeakMap<PostgreSqlConnection, PostgresPool>();

function namedStatement(sql: string): NamedStatement | null {
  let statement = namedStatements.get(sql);
  if (statement === undefined) {
    if (namedStatements.size >= MAX_STATEMENT_NAMES) return null;
    let n = 0;
    statement = { name: `asset_gateway_${namedStatements.size}`, text: sql.replace(/\?/g, () => `$${++n}`) };
    namedStatements.set(sql, statement);
  }
  return statement;
}

/** The pool under the ORM's PostgreSQL connection; null elsewhere, inside a transaction, or with every name taken. */
async function postgresPoolFor(
  em: EntityManager,
  sql: string,
): Promise<{ pool: PostgresPool; statement: NamedStatement } | null> {
  const connection = em.getConnection();
  if (!(connection instanceof PostgreSqlConnection) || em.getTransactionContext()) return null;
  const statement = namedStatement(sql);
  if (!statement) return null;
  let pool = postgresPools.get(connection);
  if (!pool) {
    pool = (await connection.getNativeClient()) as unknown as PostgresPool;
    postgresPools.set(connection, pool);
  }
  return { pool, statement };
}

/**
 * `rawObjects` for the few statements every request runs (its credential, records by id), whose parameters
 * are plain values compared with columns. On PostgreSQL, outside a transaction, they run as named prepared
 * statements: the ORM sends each statement as new text with its values written in, which PostgreSQL parses
 * and plans every time (85-92 us of its CPU per primary-key read here, against 52-59 us prepared).
 */
export async function preparedObjects(
  em: EntityManager,
  sql: string,
  params: readonly (string | number)[],
): Promise<Record<string, unknown>[]> {
  // The common case, SQLite once its handle is known, without an await: every request runs this.
  const database = knownDatabase(em);
  if (database) return prepared(database, sql, 'objects').all(...params) as Record<string, unknown>[];
  const named = await postgresPoolFor(em, sql);
  if (!named) return rawObjects(em, sql, [...params]);
  refuseNulCharacters(params);
  const { name, text } = named.statement;
  const { rows } = await named.pool.query({ name, text, values: [...params] });
  return rows;
}
