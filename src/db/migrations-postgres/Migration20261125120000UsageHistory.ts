import { Migration } from '@mikro-orm/migrations';

/** History takes USAGE entries (WoodWing's logUsage). */
export class Migration20261125120000UsageHistory extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "history_entries" drop constraint "history_entries_action_check"`);
    this.addSql(
      `alter table "history_entries" add constraint "history_entries_action_check" check ("action" in ('CREATE', 'UPDATE_METADATA', 'REPLACE_FILE', 'CHECKOUT', 'UNDO_CHECKOUT', 'CHECKIN', 'MOVE', 'REMOVE', 'RESTORE', 'SCAN', 'SHARE', 'USAGE'))`,
    );
  }
}
