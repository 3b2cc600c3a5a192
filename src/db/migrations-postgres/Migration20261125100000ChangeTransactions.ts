import { Migration } from '@mikro-orm/migrations';

/**
 * Each change log entry names the transaction that wrote it. PostgreSQL hands out sequence numbers at
 * insert, not at commit, so a reader cannot tell from them which changes it has not seen; it can from the
 * transaction ids: every transaction still running at its last look has an id at or above that look's
 * snapshot xmin.
 */
export class Migration20261125100000ChangeTransactions extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "asset_changes" add column "xid" xid8 not null default pg_current_xact_id()`);
    this.addSql(`create index "asset_changes_xid_index" on "asset_changes" ("xid")`);
  }
}
