import { Migration } from '@mikro-orm/migrations';

/** Folders carry metadata of their own (WoodWing's /api/folder). */
export class Migration20261125110000FolderMetadata extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "folders" add column "metadata" json null`);
  }
}
