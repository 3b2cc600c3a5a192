import type { RequestContext } from '../../context.js';
import { AuthKey } from '../../db/entities/AuthKey.js';
import { DownloadPreset } from '../../db/entities/DownloadPreset.js';
import { NotFound } from '../../errors.js';
import { isWellFormedId } from '../../ids.js';
import { requireViewer } from '../policy/access.js';
import { getAuthKey, plainKeyOf } from '../sharing/authKeys.js';
import { findReadableAsset } from './assetLookups.js';

/** A record of any kind by its id, if the viewer may see it. Ids are random, so at most one table holds it. */
export async function findNode(ctx: RequestContext, id: string): Promise<{ id: string }> {
  requireViewer(ctx);
  if (!isWellFormedId(id)) throw new NotFound(`No record with id ${id}`);
  const [asset, user, preset, authKey] = await Promise.all([
    ctx.loaders.assetById.load(id),
    ctx.loaders.userById.load(id),
    ctx.em.findOne(DownloadPreset, { id }),
    ctx.em.findOne(AuthKey, { id, revokedAt: null }),
  ]);
  if (asset) return findReadableAsset(ctx, id);
  if (authKey) return getAuthKey(ctx, plainKeyOf(ctx, authKey));
  const found = user ?? preset;
  if (!found) throw new NotFound(`No record with id ${id}`);
  return found;
}
