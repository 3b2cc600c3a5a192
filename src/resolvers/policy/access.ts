import { hasRole } from '../../auth/roles.js';
import type { RequestContext } from '../../context.js';
import type { AssetView } from '../../db/entities/Asset.js';
import type { Role, UserView } from '../../db/entities/User.js';
import { Conflict, Forbidden, Unauthenticated } from '../../errors.js';
import { assetVisibility } from './visibility.js';

export function requireViewer(ctx: RequestContext): UserView {
  if (ctx.viewer) return ctx.viewer;
  const why = ctx.auth.problem ? `Not logged in: ${ctx.auth.problem}` : 'Not logged in';
  throw new Unauthenticated(`${why}. Log in, or send Authorization: Bearer <token>.`);
}

export function requireRole(ctx: RequestContext, role: Role, doing: string): UserView {
  const viewer = requireViewer(ctx);
  if (!hasRole(viewer.role, role)) {
    throw new Forbidden(`Only ${role} users or above may ${doing}; you are ${viewer.role}`);
  }
  return viewer;
}

/** Who may see and who may change an asset. */
export const assetPolicy = {
  /** Who may see it: see assetVisibility, whose SQL form search lists by. */
  canRead(viewer: UserView, asset: AssetView): boolean {
    return assetVisibility.canSee(viewer, asset);
  },

  /** CONTRIBUTOR manages what it created; EDITOR and ADMIN manage every asset. */
  canManage(viewer: UserView, asset: AssetView): boolean {
    if (hasRole(viewer.role, 'EDITOR')) return true;
    return viewer.role === 'CONTRIBUTOR' && asset.createdBy?.id === viewer.id;
  },

  /** While checked out, only the holder may change the asset. */
  assertNotLockedByOther(viewer: UserView, asset: AssetView, holderName: string | undefined): void {
    if (!asset.checkedOutBy || asset.checkedOutBy.id === viewer.id) return;
    const since = asset.checkedOutAt ? ` since ${asset.checkedOutAt.toISOString()}` : '';
    throw new Conflict(`Asset ${asset.id} is checked out by ${holderName ?? 'another user'}${since}`);
  },
};

/** Creating, moving, copying and removing folders: CONTRIBUTOR and above (each asset inside is checked too). */
export const folderAccess = {
  role: 'CONTRIBUTOR' as const satisfies Role,
  canOrganize(viewer: UserView): boolean {
    return hasRole(viewer.role, folderAccess.role);
  },
};
