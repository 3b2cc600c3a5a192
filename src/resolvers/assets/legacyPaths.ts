import type { RequestContext } from '../../context.js';
import { Asset } from '../../db/entities/Asset.js';
import { ValidationFailed } from '../../errors.js';
import { pathProblem } from '../folders/paths.js';
import { refusedIfTaken } from '../uniqueKeys.js';

const LEGACY_PREFIX = '/government/uploads';

/** A Whitehall asset's legacy_url_path, checked as GOV.UK words it (reference section 3, WhitehallAsset). */
export function checkedLegacyPath(path: string | undefined): string {
  if (!path) throw new ValidationFailed(["Legacy url path can't be blank"]);
  if (!path.startsWith(`${LEGACY_PREFIX}/`)) {
    throw new ValidationFailed([`Legacy url path must start with ${LEGACY_PREFIX}`]);
  }
  if (pathProblem(path)) throw new ValidationFailed(['Legacy url path is not a valid path']);
  return path;
}

const pathTaken = () => new ValidationFailed(['Legacy url path has already been taken']);

/** A legacy path belongs to at most one asset that is not deleted; refused with 422 while one holds it. */
export async function assertLegacyPathFree(ctx: RequestContext, path: string): Promise<void> {
  if ((await ctx.em.count(Asset, { legacyUrlPath: path, deletedAt: null })) > 0) throw pathTaken();
}

/**
 * Flushes a write that makes an asset a live holder of its legacy path. Two such writes at once both pass
 * assertLegacyPathFree; the unique index on live legacy paths lets one through and the other gets its 422.
 */
export function flushLegacyPathHolder(ctx: RequestContext): Promise<void> {
  return refusedIfTaken(() => ctx.em.flush(), pathTaken);
}
