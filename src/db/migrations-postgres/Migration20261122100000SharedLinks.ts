import { Migration } from '@mikro-orm/migrations';

/** The SQLite migration of the same name, for PostgreSQL: sealed shared-link keys and asset relations. */
export class Migration20261122100000SharedLinks extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "auth_keys" add column "key_sealed" text not null default ''`);
    this.addSql(
      `create table "asset_relations" ("id" text not null primary key, "relation_type" text not null, "target1_id" text not null, "target2_id" text not null, "created_at" timestamptz not null, "created_by_id" text null, constraint "asset_relations_target1_id_foreign" foreign key ("target1_id") references "assets" ("id") on delete cascade, constraint "asset_relations_target2_id_foreign" foreign key ("target2_id") references "assets" ("id") on delete cascade, constraint "asset_relations_created_by_id_foreign" foreign key ("created_by_id") references "users" ("id") on delete set null)`,
    );
    this.addSql(`create index "asset_relations_target1_id_index" on "asset_relations" ("target1_id")`);
    this.addSql(`create index "asset_relations_target2_id_index" on "asset_relations" ("target2_id")`);
    this.addSql(`create index "asset_relations_created_by_id_index" on "asset_relations" ("created_by_id")`);
  }
}
