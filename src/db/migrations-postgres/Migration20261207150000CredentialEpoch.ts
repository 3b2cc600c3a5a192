import { Migration } from '@mikro-orm/migrations';

/**
 * The SQLite migration's twin. The epoch moves at commit (deferred triggers): its row is then the last lock a
 * transaction takes, so two transactions changing credentials in different orders cannot deadlock on it.
 */
export class Migration20261207150000CredentialEpoch extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "credential_epoch" ("id" integer not null primary key check ("id" = 1), "epoch" bigint not null)`,
    );
    this.addSql(`insert into "credential_epoch" ("id", "epoch") values (1, 0)`);
    this.addSql(`create function credential_epoch_bump() returns trigger language plpgsql as $$
begin
  update credential_epoch set epoch = epoch + 1 where id = 1;
  return null;
end $$`);
    for (const table of ['users', 'sessions', 'api_tokens']) {
      this.addSql(
        `create constraint trigger "${table}_credential_epoch" after update or delete on "${table}" deferrable initially deferred for each row execute function credential_epoch_bump()`,
      );
    }
  }
}
