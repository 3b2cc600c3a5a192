// Seeding the search bench's assets straight into a stopped gateway's SQLite file, with better-sqlite3.
import { createRequire } from 'node:module';
import { type SeededAsset, seededAssets, seededFolderId, seededFolderPaths } from './seededAssets.js';

/** The little of better-sqlite3 (it has no types here) that seeding needs. */
interface Statement {
  run(...params: unknown[]): unknown;
  get(...params: unknown[]): unknown;
}
interface SqliteDatabase {
  prepare(sql: string): Statement;
  transaction<A extends unknown[]>(work: (...args: A) => void): (...args: A) => void;
  pragma(sql: string): unknown;
  close(): void;
}
type DatabaseConstructor = new (path: string, options?: { fileMustExist?: boolean }) => SqliteDatabase;
const Database = createRequire(import.meta.url)('better-sqlite3') as DatabaseConstructor;

const fmt = (n: number) => n.toLocaleString('en-US');

const INSERT_ASSET = `insert into assets (
  id, name, folder_path, content_type, extension, asset_domain, size, md5, sha256, blob_key, state, scan_attempts,
  draft, metadata, version_number, access_limited_user_ids, access_limited_organisation_ids, auth_bypass_ids,
  file_stored_at, created_by_id, modified_by_id, created_at, modified_at, deleted_at
) values (
  @id, @name, @folderPath, @contentType, @extension, @assetDomain, @size, @md5, @sha256, @blobKey, 'UPLOADED', 0,
  @draft, @metadata, @versionNumber, '[]', '[]', '[]',
  @modifiedAt, @createdById, @createdById, @createdAt, @modifiedAt, @deletedAt
)`;

/** better-sqlite3 binds no booleans: SQLite keeps them as 0 and 1. */
const sqliteRow = (asset: SeededAsset) => ({ ...asset, draft: asset.draft ? 1 : 0 });

/** Writes `count` assets (and their folders) into the stopped gateway's SQLite file in one transaction. */
export function seedSqlite(path: string, count: number, adminUsername: string, log: (message: string) => void): void {
  const db = new Database(path, { fileMustExist: true });
  try {
    db.pragma('journal_mode = wal');
    db.pragma('synchronous = normal');
    // The triggers write the search tables too; a bigger page cache takes a few seconds off the seeding.
    db.pragma('cache_size = -262144');
    const admin = db.prepare('select id from users where username = ?').get(adminUsername) as
      | { id: string }
      | undefined;
    if (!admin) throw new Error(`no user ${adminUsername} in ${path}`);
    const insertAsset = db.prepare(INSERT_ASSET);
    const insertFolder = db.prepare(
      'insert or ignore into folders (id, path, created_at, created_by_id) values (?, ?, ?, ?)',
    );
    db.transaction(() => {
      for (const folder of seededFolderPaths()) insertFolder.run(seededFolderId(folder), folder, Date.now(), admin.id);
      let seeded = 0;
      for (const asset of seededAssets(count, admin.id)) {
        insertAsset.run(sqliteRow(asset));
        seeded++;
        if (seeded % 10_000 === 0 || seeded === count) log(`SQLite: seeded ${fmt(seeded)} of ${fmt(count)} assets`);
      }
    })();
    db.pragma('wal_checkpoint(truncate)');
  } finally {
    db.close();
  }
}
