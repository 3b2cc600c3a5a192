import { Migration } from '@mikro-orm/migrations';

/**
 * The few deleted assets, indexed alone: a search by metadata or free text leaves them out of its rowid
 * list without looking up every hit in the assets table. Only a query for deleted assets can use it.
 */
export class Migration20261124110000DeletedAssets extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create index "assets_deleted_index" on "assets" ("deleted_at") where "deleted_at" is not null`);
  }
}
