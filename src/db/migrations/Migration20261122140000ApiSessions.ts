import { Migration } from '@mikro-orm/migrations';

/** Sessions remember whether they came from an API login, which needs no csrf token. */
export class Migration20261122140000ApiSessions extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "sessions" add column "for_api" integer not null default 0`);
  }
}
