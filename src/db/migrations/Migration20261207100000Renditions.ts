import { Migration } from '@mikro-orm/migrations';

/**
 * Renditions and their queue; download presets say how they fit and at what quality. The files stored
 * before renditions existed are queued for theirs.
 */
export class Migration20261207100000Renditions extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "renditions" ("id" integer not null primary key autoincrement, "source_sha256" text not null, "variant" text not null, "state" text check ("state" in ('PENDING', 'READY', 'NONE')) not null, "blob_key" text null, "content_type" text null, "size" double null, "width" integer null, "height" integer null, "reason" text null, "attempts" integer not null default 0, "next_attempt_at" datetime null, "created_at" datetime not null, "updated_at" datetime not null)`,
    );
    this.addSql(
      `create unique index "renditions_source_sha256_variant_unique" on "renditions" ("source_sha256", "variant")`,
    );
    this.addSql(`create index "renditions_state_next_attempt_at_index" on "renditions" ("state", "next_attempt_at")`);
    for (const variant of ['preview', 'thumbnail']) {
      this.addSql(
        `insert into "renditions" ("source_sha256", "variant", "state", "attempts", "created_at", "updated_at") select distinct "sha256", '${variant}', 'PENDING', 0, datetime('now'), datetime('now') from "assets" where "state" = 'UPLOADED'`,
      );
    }
    this.addSql(`alter table "download_presets" add column "fit" text not null default 'inside'`);
    this.addSql(`alter table "download_presets" add column "quality" integer null`);
  }
}
