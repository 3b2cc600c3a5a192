import { Migration } from '@mikro-orm/migrations';

/**
 * Indexes for the cleanup of renditions no live file uses: whether a live asset holds a file's sha256, and
 * whether any row (an asset, an earlier version, a rendition) still points at a blob before it is removed.
 */
export class Migration20261207130000RenditionCleanup extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create index "assets_sha256_index" on "assets" ("sha256")`);
    this.addSql(`create index "assets_blob_key_index" on "assets" ("blob_key")`);
    this.addSql(`create index "asset_versions_blob_key_index" on "asset_versions" ("blob_key")`);
    this.addSql(`create index "renditions_blob_key_index" on "renditions" ("blob_key")`);
  }
}
