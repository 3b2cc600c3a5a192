import { Migration } from '@mikro-orm/migrations';

/** The SQLite migration of the same name, for PostgreSQL: sessions from an API login need no csrf token. */
export class Migration20261122140000ApiSessions extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "sessions" add column "for_api" boolean not null default false`);
  }
}
