import { Migration } from '@mikro-orm/migrations';

/** An API token may end by itself (the admin CLI's `tokens create --expires-in`); null: it lasts until revoked. */
export class Migration20261207140000ApiTokenExpiry extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "api_tokens" add column "expires_at" datetime null`);
  }
}
