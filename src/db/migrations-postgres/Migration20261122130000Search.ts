import { Migration } from '@mikro-orm/migrations';

/**
 * The plain part of the SQLite migration of the same name, for PostgreSQL: the derived columns for domain and
 * extension, folders of their own, and their indexes. SQLite's `collate nocase` indexes become indexes on
 * lower(...). The full-text index and the metadata value table are PostgreSQL's own work, in search's
 * migrations. No row needs filling in: a PostgreSQL database runs this migration when it is still empty.
 */
export class Migration20261122130000Search extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "assets" add column "extension" text not null default ''`);
    this.addSql(`alter table "assets" add column "asset_domain" text not null default 'generic'`);
    this.addSql(`create index "assets_name_nocase_index" on "assets" (lower("name"))`);
    this.addSql(`create index "assets_folder_path_nocase_index" on "assets" (lower("folder_path"))`);
    this.addSql(`create index "assets_extension_index" on "assets" ("extension")`);
    this.addSql(`create index "assets_asset_domain_index" on "assets" ("asset_domain")`);
    this.addSql(`create index "assets_content_type_index" on "assets" ("content_type")`);
    this.addSql(`create index "assets_size_index" on "assets" ("size")`);
    this.addSql(
      `create table "folders" ("id" text not null primary key, "path" text not null, "created_at" timestamptz not null, "created_by_id" text null, "deleted_at" timestamptz null, constraint "folders_created_by_id_foreign" foreign key ("created_by_id") references "users" ("id") on delete set null)`,
    );
    this.addSql(`create unique index "folders_path_unique" on "folders" ("path")`);
    this.addSql(`create index "folders_created_by_id_index" on "folders" ("created_by_id")`);
  }
}
