import { Migration } from '@mikro-orm/migrations';

/**
 * Covering indexes for metadata values, read from both ends: by field and value (which assets have it) and
 * by asset (does this asset have it), so that neither needs to visit the table itself.
 */
export class Migration20261122150000SearchIndexes extends Migration {
  override async up(): Promise<void> {
    this.addSql(`drop index "asset_field_values_field_value_index"`);
    this.addSql(`drop index "asset_field_values_asset_index"`);
    this.addSql(
      `create index "asset_field_values_field_value_asset_index" on "asset_field_values" ("field", "value", "asset_rowid")`,
    );
    this.addSql(
      `create index "asset_field_values_asset_field_value_index" on "asset_field_values" ("asset_rowid", "field", "value")`,
    );
    this.addSql(
      `create index "assets_asset_domain_deleted_extension_index" on "assets" ("asset_domain", "deleted_at", "extension")`,
    );
  }
}
