import { Migration } from '@mikro-orm/migrations';

/**
 * A range checked per hit (`tags:x AND rating:[3 TO 5]`) probes a narrow index of the numeric values alone.
 * The per-asset index of every value is wide (descriptions and titles are in it), and a probe into it
 * cost twice as much.
 */
export class Migration20261124100000NumberProbes extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create index "asset_field_values_asset_number_index" on "asset_field_values" ("asset_rowid", "field", "number_value") where "number_value" is not null`,
    );
  }
}
