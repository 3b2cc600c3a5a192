import { Migration } from '@mikro-orm/migrations';

/** The SQLite migration of the same name, for PostgreSQL: bulk operations and their progress. */
export class Migration20261123100000Processes extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "processes" ("id" text not null primary key, "operation" text check ("operation" in ('REMOVE', 'UPDATE', 'MOVE', 'COPY')) not null, "status" text check ("status" in ('RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED')) not null, "started_by_id" text not null, "processed_count" integer not null default 0, "error_count" integer not null default 0, "message" text null, "cancel_requested" boolean not null default false, "started_at" timestamptz not null, "updated_at" timestamptz not null, "finished_at" timestamptz null, constraint "processes_started_by_id_foreign" foreign key ("started_by_id") references "users" ("id") on delete cascade)`,
    );
    this.addSql(`create index "processes_started_by_id_index" on "processes" ("started_by_id")`);
    this.addSql(`create index "processes_finished_at_index" on "processes" ("finished_at")`);
  }
}
