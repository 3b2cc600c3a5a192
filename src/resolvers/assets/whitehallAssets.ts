import type { RequestContext } from '../../context.js';
import { Asset } from '../../db/entities/Asset.js';
import { ValidationFailed } from '../../errors.js';
import { pathProblem } from '../folders/paths.js';
import { assetPolicy } from '../policy/access.js';
import type { AssetFieldsInput } from './assetFields.js';
import { assertMayUpload, insertAsset } from './assets.js';
import type { IncomingFile } from './files.js';
import { recordHistory } from './history.js';

export interface LegacyFields {
  urlPath?: string | undefined;
  etag?: string | undefined;
  lastModified?: string | undefined;
}

const LEGACY_PREFIX = '/government/uploads';

function checkedLegacyPath(path: string | undefined): string {
  // GOV.UK's wording (reference section 3, WhitehallAsset).
  if (!path) throw new ValidationFailed(["Legacy url path can't be blank"]);
  if (!path.startsWith(`${LEGACY_PREFIX}/`)) {
    throw new ValidationFailed([`Legacy url path must start with ${LEGACY_PREFIX}`]);
  }
  if (pathProblem(path)) throw new ValidationFailed(['Legacy url path is not a valid path']);
  return path;
}

function checkedDate(value: string | undefined): Date | null {
  if (!value) return null;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new ValidationFailed(['Legacy last modified is not a date']);
  return date;
}

/**
 * GOV.UK's former `POST /whitehall_assets` (seed 004): an asset served at a legacy path. The assets that
 * hold the path now are soft-deleted first, as that endpoint did, so the path stays unique among the
 * assets that are not deleted; one the caller may not manage keeps it.
 */
export async function createWhitehallAsset(
  ctx: RequestContext,
  file: IncomingFile | null,
  input: AssetFieldsInput,
  legacy: LegacyFields,
): Promise<Asset> {
  const owner = assertMayUpload(ctx);
  const urlPath = checkedLegacyPath(legacy.urlPath);
  const lastModified = checkedDate(legacy.lastModified);
  if (!file) throw new ValidationFailed(["File can't be blank"]);
  const holders = await ctx.em.find(Asset, { legacyUrlPath: urlPath, deletedAt: null });
  if (holders.some((holder) => !assetPolicy.canManage(owner, holder))) {
    throw new ValidationFailed(['Legacy url path has already been taken']);
  }
  for (const holder of holders) {
    holder.deletedAt = new Date();
    recordHistory(ctx, holder, 'REMOVE', { replacedAtLegacyPath: urlPath });
  }
  // The deletions are written with the new asset, in the same flush.
  const asset = await insertAsset(ctx, file, input, owner, {
    legacy: { urlPath, etag: legacy.etag || null, lastModified },
    historyDetails: { legacyUrlPath: urlPath },
  });
  for (const holder of holders) ctx.assetEvents.publish(holder.id);
  return asset;
}
