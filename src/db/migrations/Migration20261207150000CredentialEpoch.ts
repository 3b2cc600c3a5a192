import { Migration } from '@mikro-orm/migrations';

/**
 * One number that every change to a user, a session or an API token moves on, whoever writes it (this
 * process, the admin CLI, another instance): a request's credential kept in memory is used only while the
 * number it was read with is still the current one.
 */
export class Migration20261207150000CredentialEpoch extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "credential_epoch" ("id" integer not null primary key check ("id" = 1), "epoch" integer not null)`,
    );
    this.addSql(`insert into "credential_epoch" ("id", "epoch") values (1, 0)`);
    for (const table of ['users', 'sessions', 'api_tokens']) {
      for (const change of ['update', 'delete']) {
        this.addSql(
          `create trigger "${table}_credential_epoch_${change}" after ${change} on "${table}" begin update "credential_epoch" set "epoch" = "epoch" + 1; end`,
        );
      }
    }
  }
}
