import { Migration } from '@mikro-orm/migrations';

/** Among live assets sharing a legacy path, those that are not the most recently modified (the one media serves). */
export const OLDER_LIVE_HOLDERS = `"deleted_at" is null and "legacy_url_path" is not null and exists (
  select 1 from "assets" "newer" where "newer"."legacy_url_path" = "assets"."legacy_url_path"
    and "newer"."deleted_at" is null and "newer"."id" <> "assets"."id"
    and ("newer"."modified_at" > "assets"."modified_at"
      or ("newer"."modified_at" = "assets"."modified_at" and "newer"."id" > "assets"."id")))`;

export const REMOVAL_DETAILS = JSON.stringify({ reason: 'legacyUrlPath held by a newer live asset' });

/**
 * A Whitehall legacy path belongs to at most one live asset, now held by a unique index, so that two
 * simultaneous uploads to one path cannot both pass the check. Duplicates that got in before are settled as
 * the rule would have had it: the most recently modified holder (the one /government/uploads serves) keeps
 * the path; the others are soft-deleted, with a REMOVE in their history, and can be restored once it is free.
 */
export class Migration20261207110000LiveLegacyPaths extends Migration {
  override async up(): Promise<void> {
    const now = Date.now();
    this.addSql(
      `insert into "history_entries" ("asset_id", "action", "at", "details") select "id", 'REMOVE', ${now}, '${REMOVAL_DETAILS}' from "assets" where ${OLDER_LIVE_HOLDERS}`,
    );
    this.addSql(`update "assets" set "deleted_at" = ${now} where ${OLDER_LIVE_HOLDERS}`);
    this.addSql(
      `create unique index "assets_legacy_url_path_live_unique" on "assets" ("legacy_url_path") where "deleted_at" is null and "legacy_url_path" is not null`,
    );
  }
}
