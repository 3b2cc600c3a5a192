import { Migration } from '@mikro-orm/migrations';

/**
 * History takes USAGE entries (WoodWing's logUsage). SQLite cannot change a check constraint in place, so
 * the table is made anew with the wider check and its rows copied over, ids included.
 */
export class Migration20261125120000UsageHistory extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "history_entries_new" ("id" integer not null primary key autoincrement, "asset_id" text not null, "action" text check ("action" in ('CREATE', 'UPDATE_METADATA', 'REPLACE_FILE', 'CHECKOUT', 'UNDO_CHECKOUT', 'CHECKIN', 'MOVE', 'REMOVE', 'RESTORE', 'SCAN', 'SHARE', 'USAGE')) not null, "at" datetime not null, "user_id" text null, "username" text null, "version_number" integer null, "details" json null, constraint "history_entries_asset_id_foreign" foreign key ("asset_id") references "assets" ("id") on delete cascade, constraint "history_entries_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete set null)`,
    );
    this.addSql(
      `insert into "history_entries_new" ("id", "asset_id", "action", "at", "user_id", "username", "version_number", "details") select "id", "asset_id", "action", "at", "user_id", "username", "version_number", "details" from "history_entries"`,
    );
    this.addSql(`drop table "history_entries"`);
    this.addSql(`alter table "history_entries_new" rename to "history_entries"`);
    this.addSql(`create index "history_entries_asset_id_index" on "history_entries" ("asset_id")`);
    this.addSql(`create index "history_entries_user_id_index" on "history_entries" ("user_id")`);
  }
}
