import type { QueryResult } from '@mikro-orm/core';
import type { SqlEntityManager as EntityManager } from '@mikro-orm/sql';
import DataLoader from 'dataloader';
import type { RequestContext } from '../../context.js';
import type { Asset } from '../../db/entities/Asset.js';
import { AssetRelation } from '../../db/entities/AssetRelation.js';
import type { UserView } from '../../db/entities/User.js';
import { BadInput, Conflict, NotFound } from '../../errors.js';
import { isWellFormedId, newId } from '../../ids.js';
import { assetPolicy, requireRole, requireViewer } from '../policy/access.js';
import { findReadableAsset } from './assetLookups.js';

const RELATION_TYPE = /^[a-z][a-zA-Z0-9_-]{0,63}$/;

export interface RelationInput {
  relationType: string;
  target1Id: string;
  target2Id: string;
}

function checkedRelationType(relationType: string): string {
  if (!RELATION_TYPE.test(relationType)) {
    throw new BadInput(
      `Invalid relationType ${JSON.stringify(relationType)}: a lower-case letter, then up to 63 letters, digits, "_" or "-"`,
    );
  }
  return relationType;
}

/** A live asset the viewer may see, for either end of a relation. */
export async function relationTarget(ctx: RequestContext, id: string): Promise<Asset> {
  const asset = await findReadableAsset(ctx, id);
  if (asset.deletedAt) throw new NotFound(`Asset ${id} is deleted; restore it first`);
  return asset;
}

/**
 * Adds the relation unless one of any type, in either direction, already joins the two (WoodWing refuses a
 * second one, reference section 3 createRelation). Check and insert are one statement, so two clients racing
 * to relate the same pair cannot both win. Returns whether it was added.
 */
export async function insertRelationIfUnjoined(
  em: EntityManager,
  relation: { id: string; relationType: string; target1: string; target2: string; createdBy: UserView | null },
): Promise<boolean> {
  const { id, relationType, target1, target2, createdBy } = relation;
  const createdAt = em.getPlatform().processDateProperty(new Date());
  const result = await em.execute<QueryResult>(
    `insert into asset_relations (id, relation_type, target1_id, target2_id, created_at, created_by_id)
      select ?, ?, ?, ?, ?, ?
      where not exists (select 1 from asset_relations
        where (target1_id = ? and target2_id = ?) or (target1_id = ? and target2_id = ?))`,
    [id, relationType, target1, target2, createdAt, createdBy?.id ?? null, target1, target2, target2, target1],
    'run',
  );
  return result.affectedRows === 1;
}

/** Relates two assets: target1 is the parent (a collection, for `contains`), target2 the child. */
export async function createRelation(ctx: RequestContext, input: RelationInput): Promise<AssetRelation> {
  const viewer = requireRole(ctx, 'CONTRIBUTOR', 'relate assets');
  const relationType = checkedRelationType(input.relationType);
  if (input.target1Id === input.target2Id) throw new BadInput('An asset cannot be related to itself');
  const target1 = await relationTarget(ctx, input.target1Id);
  const target2 = await relationTarget(ctx, input.target2Id);
  const id = newId();
  const added = await insertRelationIfUnjoined(ctx.em, {
    id,
    relationType,
    target1: target1.id,
    target2: target2.id,
    createdBy: viewer,
  });
  if (!added) throw new Conflict(`Assets ${target1.id} and ${target2.id} are already related`);
  relationsChanged(ctx, [target1.id, target2.id]);
  return ctx.em.findOneOrFail(AssetRelation, { id });
}

/** WoodWing's removeRelation: each id is removed or counted as an error, never the whole call refused. */
export async function removeRelations(
  ctx: RequestContext,
  ids: string[],
): Promise<{ processedCount: number; errorCount: number }> {
  const viewer = requireViewer(ctx);
  const wanted = [...new Set(ids)];
  const found = await ctx.em.find(AssetRelation, { id: { $in: wanted.filter(isWellFormedId) } });
  const removable: AssetRelation[] = [];
  for (const relation of found) {
    const parent = await ctx.loaders.assetById.load(relation.target1.id);
    if (parent && assetPolicy.canManage(viewer, parent)) removable.push(relation);
  }
  const removed =
    removable.length === 0
      ? 0
      : await ctx.em.nativeDelete(AssetRelation, { id: { $in: removable.map((relation) => relation.id) } });
  relationsChanged(
    ctx,
    removable.flatMap((relation) => [relation.target1.id, relation.target2.id]),
  );
  return { processedCount: removed, errorCount: wanted.length - removed };
}

/** The relations of each asset, either end, loaded for a page of assets at once. */
const relationLoaders = new WeakMap<RequestContext['loaders'], DataLoader<string, AssetRelation[]>>();

function relationsByAssetId(ctx: RequestContext): DataLoader<string, AssetRelation[]> {
  let loader = relationLoaders.get(ctx.loaders);
  if (!loader) {
    loader = new DataLoader(async (assetIds) => {
      const ids = [...assetIds];
      const rows = await ctx.em.find(
        AssetRelation,
        { $or: [{ target1: { $in: ids } }, { target2: { $in: ids } }] },
        { orderBy: { createdAt: 'asc', id: 'asc' } },
      );
      return ids.map((id) => rows.filter((row) => row.target1.id === id || row.target2.id === id));
    });
    relationLoaders.set(ctx.loaders, loader);
  }
  return loader;
}

/** Forgets the relations this request has read, and tells subscribers of each asset at either end. */
export function relationsChanged(ctx: RequestContext, assetIds: string[]): void {
  relationLoaders.get(ctx.loaders)?.clearAll();
  for (const id of new Set(assetIds)) ctx.assetEvents.publish(id);
}

/** The relations where the asset is either end; none for a shared-link holder, who sees shared content only. */
export function relationsOf(ctx: RequestContext, asset: { id: string }): Promise<AssetRelation[]> {
  if (!ctx.viewer) return Promise.resolve([]);
  return relationsByAssetId(ctx).load(asset.id);
}

/** One end of a relation, or null when the viewer may not see it. */
export async function readableRelationTarget(ctx: RequestContext, id: string): Promise<Asset | null> {
  if (!ctx.viewer) return null;
  const asset = await ctx.loaders.assetById.load(id);
  return asset && assetPolicy.canRead(ctx.viewer, asset) ? asset : null;
}
