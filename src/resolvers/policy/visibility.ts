import type { AssetView } from '../../db/entities/Asset.js';
import type { UserView } from '../../db/entities/User.js';
import type { SearchDialect, SqlCondition } from '../search/searchDialect.js';

/** Whether the asset names users or organisations it is limited to (GOV.UK's access limits). */
export function hasAccessLimits(
  asset: Pick<AssetView, 'accessLimitedUserIds' | 'accessLimitedOrganisationIds'>,
): boolean {
  return asset.accessLimitedUserIds.length > 0 || asset.accessLimitedOrganisationIds.length > 0;
}

/** One reason a user may see an asset: for a loaded asset, and as a condition over the assets table `a`. */
interface Grant {
  holds(viewer: UserView, asset: AssetView): boolean;
  sql(viewer: UserView, dialect: SearchDialect): SqlCondition;
}

const NEVER: SqlCondition = { sql: '1 = 0', params: [] };

const GRANTS: Grant[] = [
  {
    holds: (_viewer, asset) => !asset.draft || !hasAccessLimits(asset),
    sql: () => ({
      sql: 'not a.draft or (json_array_length(a.access_limited_user_ids) = 0 and json_array_length(a.access_limited_organisation_ids) = 0)',
      params: [],
    }),
  },
  {
    holds: (viewer, asset) => asset.createdBy?.id === viewer.id,
    sql: (viewer) => ({ sql: 'a.created_by_id = ?', params: [viewer.id] }),
  },
  {
    holds: (viewer, asset) => asset.accessLimitedUserIds.includes(viewer.id),
    sql: (viewer, dialect) => ({
      sql: `exists (select 1 from ${dialect.jsonArrayValues('a.access_limited_user_ids')} where value = ?)`,
      params: [viewer.id],
    }),
  },
  {
    holds: (viewer, asset) =>
      viewer.organisationId != null && asset.accessLimitedOrganisationIds.includes(viewer.organisationId),
    sql: (viewer, dialect) =>
      viewer.organisationId == null
        ? NEVER
        : {
            sql: `exists (select 1 from ${dialect.jsonArrayValues('a.access_limited_organisation_ids')} where value = ?)`,
            params: [viewer.organisationId],
          },
  },
];

const seesEverything = (viewer: UserView) => viewer.role === 'ADMIN';

/**
 * Who may see an asset. A draft with access limits is seen only by the users and organisations it lists, by
 * its creator and by ADMIN; everything else is seen by every user. The same grants answer for a loaded asset
 * (a direct read) and as SQL (search), so that what a user finds and what a user may open cannot drift apart.
 */
export const assetVisibility = {
  canSee(viewer: UserView, asset: AssetView): boolean {
    return seesEverything(viewer) || GRANTS.some((grant) => grant.holds(viewer, asset));
  },

  /** The assets (table alias `a`) the viewer may see, as a search condition; null when that is every asset. */
  sqlCondition(viewer: UserView, dialect: SearchDialect): SqlCondition | null {
    if (seesEverything(viewer)) return null;
    const conditions = GRANTS.map((grant) => grant.sql(viewer, dialect));
    return {
      sql: conditions.map((condition) => `(${condition.sql})`).join(' or '),
      params: conditions.flatMap((condition) => condition.params),
    };
  },
};
