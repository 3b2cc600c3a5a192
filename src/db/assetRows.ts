import type { EntityDictionary, EntityManager } from '@mikro-orm/core';
import { Asset } from './entities/Asset.js';
import { rawObjects } from './rawRows.js';

/**
 * One asset by its id: a prepared statement and `em.map`, for the paths that read one asset per request
 * and nothing with it (a media download), where the ORM's find costs more than the rest of the request.
 */
export async function assetById(em: EntityManager, id: string): Promise<Asset | null> {
  const [row] = await rawObjects(em, 'select * from assets where id = ?', [id]);
  return row ? em.map(Asset, row as EntityDictionary<Asset>) : null;
}
