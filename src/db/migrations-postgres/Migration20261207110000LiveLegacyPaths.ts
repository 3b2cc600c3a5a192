import { Migration } from '@mikro-orm/migrations';
import { OLDER_LIVE_HOLDERS, REMOVAL_DETAILS } from '../migrations/Migration20261207110000LiveLegacyPaths.js';

/** A Whitehall legacy path belongs to at most one live asset: the unique index, older duplicates removed (SQLite's twin). */
export class Migration20261207110000LiveLegacyPaths extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `insert into "history_entries" ("asset_id", "action", "at", "details") select "id", 'REMOVE', now(), '${REMOVAL_DETAILS}' from "assets" where ${OLDER_LIVE_HOLDERS}`,
    );
    this.addSql(`update "assets" set "deleted_at" = now() where ${OLDER_LIVE_HOLDERS}`);
    this.addSql(
      `create unique index "assets_legacy_url_path_live_unique" on "assets" ("legacy_url_path") where "deleted_at" is null and "legacy_url_path" is not null`,
    );
  }
}
