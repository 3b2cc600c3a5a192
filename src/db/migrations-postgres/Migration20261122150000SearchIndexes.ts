import { Migration } from '@mikro-orm/migrations';

/** The plain part of the SQLite migration of the same name, for PostgreSQL: the index for domain facets. */
export class Migration20261122150000SearchIndexes extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create index "assets_asset_domain_deleted_extension_index" on "assets" ("asset_domain", "deleted_at", "extension")`,
    );
  }
}
