import { type EntityDictionary, type EntityManager, type EntityName, type Primary, wrap } from '@mikro-orm/core';
import { Asset, type AssetView } from './entities/Asset.js';
import { User, type UserView } from './entities/User.js';
import { plainRecords } from './plainRows.js';
import { preparedObjects, rawObjects } from './rawRows.js';

export const userView = plainRecords<UserView>(User, { omit: ['passwordHash'] });
export const assetView = plainRecords<AssetView>(Asset);

type Row = Record<string, unknown>;

/**
 * The records of `table` with these ids (null where there is none): one `held` already holds in full is taken
 * as it is, with any change not yet flushed; the others are read with one prepared statement through `reader`
 * and made by `make`.
 */
async function recordsById<T extends { id: string }, R>(
  reader: EntityManager,
  held: EntityManager | undefined,
  entity: EntityName<T>,
  table: string,
  ids: readonly string[],
  make: (row: Row) => R,
): Promise<(T | R | null)[]> {
  const found = new Map<string, T | R>();
  if (held) {
    for (const id of ids) {
      const entityHeld = heldEntity(held, entity, id);
      if (entityHeld) found.set(id, entityHeld);
    }
  }
  const missing = found.size === 0 ? ids : ids.filter((id) => !found.has(id));
  if (missing.length > 0) {
    // One record, the common case, has one statement text per table: prepared on PostgreSQL.
    const rows =
      missing.length === 1
        ? await preparedObjects(reader, `select * from ${table} where id = ?`, missing)
        : await rawObjects(reader, `select * from ${table} where id in (${missing.map(() => '?').join(', ')})`, [
            ...missing,
          ]);
    for (const row of rows) found.set(String(row.id), make(row));
  }
  return ids.map((id) => found.get(id) ?? null);
}

/**
 * The entities of `table` with these ids, as `em.find` gives them, read with one prepared statement and
 * `em.map`: a fifth of what `find` costs (its query building and compiling run on every call).
 */
export function entitiesById<T extends { id: string }>(
  em: EntityManager,
  entity: EntityName<T>,
  table: string,
  ids: readonly string[],
): Promise<(T | null)[]> {
  return recordsById(em, em, entity, table, ids, (row) => em.map(entity, row as EntityDictionary<T>));
}

/**
 * The same records as plain views, for requests that change nothing: no entity is made, and `reader` may be
 * the root EntityManager, so a request answered from views needs no fork. An entity the request's fork
 * (`held`, if it made one) holds is taken as it is.
 */
export function viewsById<T extends { id: string }, V>(
  reader: EntityManager,
  held: EntityManager | undefined,
  entity: EntityName<T>,
  table: string,
  ids: readonly string[],
  view: (em: EntityManager, row: Row) => V,
): Promise<(T | V | null)[]> {
  return recordsById(reader, held, entity, table, ids, (row) => view(reader, row));
}

/** The entity with this id that `em` already holds loaded in full (not a mere reference to it), if any. */
export function heldEntity<T extends object>(em: EntityManager, entity: EntityName<T>, id: string): T | null {
  const held = em.getUnitOfWork().getById<T>(entity, id as Primary<T>);
  return held && wrap(held).isInitialized() ? held : null;
}
