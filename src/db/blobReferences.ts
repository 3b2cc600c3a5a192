import type { Orm } from './orm.js';

/** A blob key the rows point at, the size they give it, and the assets whose rows (any version) do. */
export interface BlobReference {
  key: string;
  size: number;
  assetIds: string[];
}

/**
 * Every blob the assets and their earlier versions point at, deleted assets included (their bytes are kept),
 * and every rendition's (listed with no asset: a rendition belongs to bytes, not to an asset).
 */
export async function blobReferences(orm: Orm): Promise<BlobReference[]> {
  const rows = (await orm.em
    .fork()
    .getConnection()
    .execute(
      'select blob_key, size, id as asset_id from assets union select blob_key, size, asset_id from asset_versions ' +
        'union select blob_key, size, null from renditions where blob_key is not null',
    )) as { blob_key: string; size: number | string; asset_id: string | null }[];
  const byKey = new Map<string, BlobReference>();
  for (const row of rows) {
    const reference = byKey.get(row.blob_key) ?? { key: row.blob_key, size: Number(row.size), assetIds: [] };
    if (row.asset_id && !reference.assetIds.includes(row.asset_id)) reference.assetIds.push(row.asset_id);
    byKey.set(row.blob_key, reference);
  }
  return [...byKey.values()];
}
