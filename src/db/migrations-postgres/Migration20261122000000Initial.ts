import { Migration } from '@mikro-orm/migrations';

/**
 * The SQLite migration of the same name, for PostgreSQL: the same tables, columns, indexes and constraints.
 * Text stays text (as in SQLite, so no value that SQLite takes is refused here); dates are timestamptz,
 * flags boolean, sizes bigint, and JSON is `json`, which keeps the keys of metadata in the order written.
 */
export class Migration20261122000000Initial extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "download_presets" ("id" text not null primary key, "name" text not null, "width" integer null, "height" integer null, "format" text not null, "created_at" timestamptz not null)`,
    );
    this.addSql(`create unique index "download_presets_name_unique" on "download_presets" ("name")`);
    this.addSql(
      `create table "login_throttles" ("key" text not null primary key, "failures" integer not null, "last_failure_at" timestamptz not null, "locked_until" timestamptz null)`,
    );
    this.addSql(
      `create table "users" ("id" text not null primary key, "username" text not null, "password_hash" text not null, "full_name" text null, "email" text null, "organisation_id" text null, "role" text check ("role" in ('VIEWER', 'CONTRIBUTOR', 'EDITOR', 'ADMIN')) not null, "created_at" timestamptz not null)`,
    );
    this.addSql(`create unique index "users_username_unique" on "users" ("username")`);
    this.addSql(
      `create table "sessions" ("id" text not null primary key, "secret_hash" text not null, "csrf_token_hash" text not null, "user_id" text not null, "client_id" text null, "created_at" timestamptz not null, "expires_at" timestamptz not null, constraint "sessions_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete cascade)`,
    );
    this.addSql(`create index "sessions_user_id_index" on "sessions" ("user_id")`);
    this.addSql(`create index "sessions_expires_at_index" on "sessions" ("expires_at")`);
    this.addSql(
      `create table "auth_keys" ("id" text not null primary key, "key_hash" text not null, "subject" text not null, "description" text null, "valid_until" timestamptz not null, "asset_ids" json not null, "container_id" text null, "container_ids" json not null, "download_original" boolean not null, "download_preview" boolean not null, "request_approval" boolean not null, "request_upload" boolean not null, "import_folder_path" text null, "notify_email" text null, "sort" text null, "download_preset_ids" json not null, "watermarked" boolean not null, "created_by_id" text null, "created_at" timestamptz not null, "revoked_at" timestamptz null, constraint "auth_keys_created_by_id_foreign" foreign key ("created_by_id") references "users" ("id") on delete set null)`,
    );
    this.addSql(`create unique index "auth_keys_key_hash_unique" on "auth_keys" ("key_hash")`);
    this.addSql(`create index "auth_keys_created_by_id_index" on "auth_keys" ("created_by_id")`);
    // rowid: SQLite gives every row one; search joins on it (a.rowid), so assets get one here too.
    this.addSql(
      `create table "assets" ("id" text not null primary key, "rowid" bigint generated always as identity unique, "name" text not null, "folder_path" text not null, "content_type" text not null, "size" bigint not null, "md5" text not null, "sha256" text not null, "blob_key" text not null, "state" text check ("state" in ('UNSCANNED', 'CLEAN', 'INFECTED', 'UPLOADED')) not null, "scan_attempts" integer not null default 0, "next_scan_at" timestamptz null, "draft" boolean not null default false, "metadata" json not null, "version_number" integer not null, "checked_out_at" timestamptz null, "checked_out_by_id" text null, "checked_out_on_client" text null, "redirect_url" text null, "replacement_id" text null, "parent_document_url" text null, "access_limited_user_ids" json not null, "access_limited_organisation_ids" json not null, "auth_bypass_ids" json not null, "legacy_url_path" text null, "created_by_id" text null, "modified_by_id" text null, "created_at" timestamptz not null, "modified_at" timestamptz not null, "deleted_at" timestamptz null, constraint "assets_checked_out_by_id_foreign" foreign key ("checked_out_by_id") references "users" ("id") on delete set null, constraint "assets_replacement_id_foreign" foreign key ("replacement_id") references "assets" ("id") on delete set null, constraint "assets_created_by_id_foreign" foreign key ("created_by_id") references "users" ("id") on delete set null, constraint "assets_modified_by_id_foreign" foreign key ("modified_by_id") references "users" ("id") on delete set null)`,
    );
    this.addSql(`create index "assets_checked_out_by_id_index" on "assets" ("checked_out_by_id")`);
    this.addSql(`create index "assets_replacement_id_index" on "assets" ("replacement_id")`);
    this.addSql(`create index "assets_created_by_id_index" on "assets" ("created_by_id")`);
    this.addSql(`create index "assets_modified_by_id_index" on "assets" ("modified_by_id")`);
    this.addSql(`create index "assets_created_at_index" on "assets" ("created_at")`);
    this.addSql(`create index "assets_modified_at_index" on "assets" ("modified_at")`);
    this.addSql(`create index "assets_folder_path_name_index" on "assets" ("folder_path", "name")`);
    this.addSql(`create index "assets_state_next_scan_at_index" on "assets" ("state", "next_scan_at")`);
    this.addSql(
      `create table "history_entries" ("id" integer generated by default as identity primary key, "asset_id" text not null, "action" text check ("action" in ('CREATE', 'UPDATE_METADATA', 'REPLACE_FILE', 'CHECKOUT', 'UNDO_CHECKOUT', 'CHECKIN', 'MOVE', 'REMOVE', 'RESTORE', 'SCAN', 'SHARE')) not null, "at" timestamptz not null, "user_id" text null, "username" text null, "version_number" integer null, "details" json null, constraint "history_entries_asset_id_foreign" foreign key ("asset_id") references "assets" ("id") on delete cascade, constraint "history_entries_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete set null)`,
    );
    this.addSql(`create index "history_entries_asset_id_index" on "history_entries" ("asset_id")`);
    this.addSql(`create index "history_entries_user_id_index" on "history_entries" ("user_id")`);
    this.addSql(
      `create table "asset_versions" ("id" integer generated by default as identity primary key, "asset_id" text not null, "version_number" integer not null, "name" text not null, "content_type" text not null, "size" bigint not null, "md5" text not null, "sha256" text not null, "blob_key" text not null, "created_at" timestamptz not null, "created_by_id" text null, constraint "asset_versions_asset_id_foreign" foreign key ("asset_id") references "assets" ("id") on delete cascade, constraint "asset_versions_created_by_id_foreign" foreign key ("created_by_id") references "users" ("id") on delete set null)`,
    );
    this.addSql(`create index "asset_versions_asset_id_index" on "asset_versions" ("asset_id")`);
    this.addSql(`create index "asset_versions_created_by_id_index" on "asset_versions" ("created_by_id")`);
    this.addSql(
      `create unique index "asset_versions_asset_id_version_number_unique" on "asset_versions" ("asset_id", "version_number")`,
    );
    this.addSql(
      `create table "api_tokens" ("id" text not null primary key, "name" text not null, "secret_hash" text not null, "user_id" text not null, "created_at" timestamptz not null, "revoked_at" timestamptz null, constraint "api_tokens_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete cascade)`,
    );
    this.addSql(`create index "api_tokens_user_id_index" on "api_tokens" ("user_id")`);
  }
}
