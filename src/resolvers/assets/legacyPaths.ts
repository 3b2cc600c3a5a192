import type { RequestContext } from '../../context.js';
import { Asset } from '../../db/entities/Asset.js';
import { ValidationFailed } from '../../errors.js';
import { pathProblem } from '../folders/paths.js';

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

/** A legacy path belongs to at most one asset that is not deleted; refused with 422 while one holds it. */
export async function assertLegacyPathFree(ctx: RequestContext, path: string): Promise<void> {
  if ((await ctx.em.count(Asset, { legacyUrlPath: path, deletedAt: null })) > 0) {
    throw new ValidationFailed(['Legacy url path has already been taken']);
  }
}
