import { Migration } from '@mikro-orm/migrations';

/** The SQLite migration of the same name, for PostgreSQL: Whitehall's legacy ETag and Last-Modified, file times. */
export class Migration20261122120000MediaServing extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "assets" add column "legacy_etag" text null`);
    this.addSql(`alter table "assets" add column "legacy_last_modified" timestamptz null`);
    this.addSql(`alter table "assets" add column "file_stored_at" timestamptz null`);
    this.addSql(`update "assets" set "file_stored_at" = "modified_at"`);
    this.addSql(`create index "assets_legacy_url_path_index" on "assets" ("legacy_url_path")`);
  }
}
