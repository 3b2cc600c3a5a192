import { Migration } from '@mikro-orm/migrations';

/**
 * Request counts of the rate limits (RATE_LIMIT_* settings), in the layout rate-limiter-flexible's SQLite
 * store reads and writes: `key` is the limit's prefix and a hashed subject or address, `expire` the end of
 * the window in epoch milliseconds.
 */
export class Migration20261207000000RateLimits extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "rate_limits" ("key" text not null primary key, "points" integer not null default 0, "expire" integer null)`,
    );
    this.addSql(`create index "rate_limits_expire_index" on "rate_limits" ("expire")`);
  }
}
