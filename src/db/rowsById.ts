import { type EntityDictionary, type EntityManager, type EntityName, type Primary, wrap } from '@mikro-orm/core';
import { rawObjects } from './rawRows.js';

/**
 * The entities of `table` with these ids (null where there is none), as `em.find` gives them: one `em` already
 * holds in full is taken as it is, with any change not yet flushed; the others are read with one prepared
 * statement and `em.map`, a fifth of what `find` costs (its query building and compiling run on every call).
 */
export async function entitiesById<T extends { id: string }>(
  em: EntityManager,
  entity: EntityName<T>,
  table: string,
  ids: readonly string[],
): Promise<(T | null)[]> {
  const found = new Map<string, T>();
  for (const id of ids) {
    const held = heldEntity(em, entity, id);
    if (held) found.set(id, held);
  }
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length > 0) {
    const placeholders = missing.map(() => '?').join(', ');
    const rows = await rawObjects(em, `select * from ${table} where id in (${placeholders})`, missing);
    for (const row of rows) found.set(String(row.id), em.map(entity, row as EntityDictionary<T>));
  }
  return ids.map((id) => found.get(id) ?? null);
}

/** The entity with this id that `em` already holds loaded in full (not a mere reference to it), if any. */
export function heldEntity<T extends object>(em: EntityManager, entity: EntityName<T>, id: string): T | null {
  const held = em.getUnitOfWork().getById<T>(entity, id as Primary<T>);
  return held && wrap(held).isInitialized() ? held : null;
}
