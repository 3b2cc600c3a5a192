import { Migration } from '@mikro-orm/migrations';

/** The first schema: users, sessions, API tokens, login throttling, assets with versions and history, presets, auth keys. */
export class Migration20261122000000Initial extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "download_presets" ("id" text not null primary key, "name" text not null, "width" integer null, "height" integer null, "format" text not null, "created_at" datetime not null)`,
    );
    this.addSql(`create unique index "download_presets_name_unique" on "download_presets" ("name")`);
    this.addSql(
      `create table "login_throttles" ("key" text not null primary key, "failures" integer not null, "last_failure_at" datetime not null, "locked_until" datetime null)`,
    );
    this.addSql(
      `create table "users" ("id" text not null primary key, "username" text not null, "password_hash" text not null, "full_name" text null, "email" text null, "organisation_id" text null, "role" text check ("role" in ('VIEWER', 'CONTRIBUTOR', 'EDITOR', 'ADMIN')) not null, "created_at" datetime not null)`,
    );
    this.addSql(`create unique index "users_username_unique" on "users" ("username")`);
    this.addSql(
      `create table "sessions" ("id" text not null primary key, "secret_hash" text not null, "csrf_token_hash" text not null, "user_id" text not null, "client_id" text null, "created_at" datetime not null, "expires_at" datetime not null, constraint "sessions_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete cascade)`,
    );
    this.addSql(`create index "sessions_user_id_index" on "sessions" ("user_id")`);
    this.addSql(`create index "sessions_expires_at_index" on "sessions" ("expires_at")`);
    this.addSql(
      `create table "auth_keys" ("id" text not null primary key, "key_hash" text not null, "subject" text not null, "description" text null, "valid_until" datetime not null, "asset_ids" json not null, "container_id" text null, "container_ids" json not null, "download_original" integer not null, "download_preview" integer not null, "request_approval" integer not null, "request_upload" integer not null, "import_folder_path" text null, "notify_email" text null, "sort" text null, "download_preset_ids" json not null, "watermarked" integer not null, "created_by_id" text null, "created_at" datetime not null, "revoked_at" datetime null, constraint "auth_keys_created_by_id_foreign" foreign key ("created_by_id") references "users" ("id") on delete set null)`,
    );
    this.addSql(`create unique index "auth_keys_key_hash_unique" on "auth_keys" ("key_hash")`);
    this.addSql(`create index "auth_keys_created_by_id_index" on "auth_keys" ("created_by_id")`);
    this.addSql(
      `create table "assets" ("id" text not null primary key, "name" text not null, "folder_path" text not null, "content_type" text not null, "size" double not null, "md5" text not null, "sha256" text not null, "blob_key" text not null, "state" text check ("state" in ('UNSCANNED', 'CLEAN', 'INFECTED', 'UPLOADED')) not null, "scan_attempts" integer not null default 0, "next_scan_at" datetime null, "draft" integer not null default false, "metadata" json not null, "version_number" integer not null, "checked_out_at" datetime null, "checked_out_by_id" text null, "checked_out_on_client" text null, "redirect_url" text null, "replacement_id" text null, "parent_document_url" text null, "access_limited_user_ids" json not null, "access_limited_organisation_ids" json not null, "auth_bypass_ids" json not null, "legacy_url_path" text null, "created_by_id" text null, "modified_by_id" text null, "created_at" datetime not null, "modified_at" datetime not null, "deleted_at" datetime null, constraint "assets_checked_out_by_id_foreign" foreign key ("checked_out_by_id") references "users" ("id") on delete set null, constraint "assets_replacement_id_foreign" foreign key ("replacement_id") references "assets" ("id") on delete set null, constraint "assets_created_by_id_foreign" foreign key ("created_by_id") references "users" ("id") on delete set null, constraint "assets_modified_by_id_foreign" foreign key ("modified_by_id") references "users" ("id") on delete set null)`,
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
      `create table "history_entries" ("id" integer not null primary key autoincrement, "asset_id" text not null, "action" text check ("action" in ('CREATE', 'UPDATE_METADATA', 'REPLACE_FILE', 'CHECKOUT', 'UNDO_CHECKOUT', 'CHECKIN', 'MOVE', 'REMOVE', 'RESTORE', 'SCAN', 'SHARE')) not null, "at" datetime not null, "user_id" text null, "username" text null, "version_number" integer null, "details" json null, constraint "history_entries_asset_id_foreign" foreign key ("asset_id") references "assets" ("id") on delete cascade, constraint "history_entries_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete set null)`,
    );
    this.addSql(`create index "history_entries_asset_id_index" on "history_entries" ("asset_id")`);
    this.addSql(`create index "history_entries_user_id_index" on "history_entries" ("user_id")`);
    this.addSql(
      `create table "asset_versions" ("id" integer not null primary key autoincrement, "asset_id" text not null, "version_number" integer not null, "name" text not null, "content_type" text not null, "size" double not null, "md5" text not null, "sha256" text not null, "blob_key" text not null, "created_at" datetime not null, "created_by_id" text null, constraint "asset_versions_asset_id_foreign" foreign key ("asset_id") references "assets" ("id") on delete cascade, constraint "asset_versions_created_by_id_foreign" foreign key ("created_by_id") references "users" ("id") on delete set null)`,
    );
    this.addSql(`create index "asset_versions_asset_id_index" on "asset_versions" ("asset_id")`);
    this.addSql(`create index "asset_versions_created_by_id_index" on "asset_versions" ("created_by_id")`);
    this.addSql(
      `create unique index "asset_versions_asset_id_version_number_unique" on "asset_versions" ("asset_id", "version_number")`,
    );
    this.addSql(
      `create table "api_tokens" ("id" text not null primary key, "name" text not null, "secret_hash" text not null, "user_id" text not null, "created_at" datetime not null, "revoked_at" datetime null, constraint "api_tokens_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete cascade)`,
    );
    this.addSql(`create index "api_tokens_user_id_index" on "api_tokens" ("user_id")`);
  }
}
