import type { Logger } from 'pino';
import type { RenditionSettings } from '../config.js';
import type { Orm } from '../db/orm.js';
import { QueuePasses } from '../scan/QueuePasses.js';
import type { BlobStore } from '../storage/BlobStore.js';

/** Rendition rows looked at per statement. */
const BATCH = 200;

/** No asset that is not deleted holds the file the rendition `r` was made from: nothing can serve it. */
const UNUSED = `not exists (select 1 from assets a where a.sha256 = renditions.source_sha256 and a.deleted_at is null)`;

const UNUSED_ROWS = `select id, blob_key from renditions where id > ? and ${UNUSED} order by id limit ${BATCH}`;

const POINTED_AT = `select 1 as used from assets where blob_key = ?
  union all select 1 from asset_versions where blob_key = ?
  union all select 1 from renditions where blob_key = ? limit 1`;

/**
 * Removes the renditions (thumbnails, previews, boxes, presets, watermarked ones) of files that no live
 * asset holds any more: every asset with those bytes deleted, or given a new file. Rows go first, in a
 * statement that checks again that the file is unused; then each blob they pointed at that no row (an
 * asset, an earlier version, another rendition: identical bytes share a blob) points at any more. So a
 * crash or another instance in between can leave a blob no row points at, never a row without its blob.
 * A blob stored within RENDITION_CLEANUP_GRACE_SECONDS is kept and tried again after it: the same bytes
 * may just have been stored again for a row not yet written. A deleted asset that is restored has its
 * renditions made again.
 *
 * Runs after this instance deletes an asset or replaces a file, and every RENDITION_CLEANUP_INTERVAL_SECONDS
 * (other instances' deletes that one missed, a crash). Safe with several instances: each step is
 * conditional, and removing a blob twice is no error.
 */
export class RenditionCleanup extends QueuePasses {
  /** Blobs kept for being recent, and when to try them again (in this process: past a restart, an orphan). */
  private readonly retries = new Map<string, number>();
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly orm: Orm,
    private readonly blobStore: BlobStore,
    private readonly settings: Pick<RenditionSettings, 'cleanupGraceMs' | 'cleanupIntervalMs'>,
    private readonly log: Logger,
  ) {
    super(log, 'rendition cleanup failed', settings.cleanupIntervalMs);
  }

  protected async drain(stopped: () => boolean): Promise<void> {
    const connection = this.orm.em.fork().getConnection();
    const blobKeys = new Set<string>();
    let rowsRemoved = 0;
    for (let after = 0; !stopped(); ) {
      const rows = (await connection.execute(UNUSED_ROWS, [after])) as { id: number; blob_key: string | null }[];
      const last = rows.at(-1);
      if (!last) break;
      after = Number(last.id);
      const ids = rows.map((row) => Number(row.id));
      const removed = await connection.execute(
        `delete from renditions where id in (${ids.map(() => '?').join(', ')}) and ${UNUSED}`,
        ids,
        'run',
      );
      rowsRemoved += Number((removed as { affectedRows?: number }).affectedRows ?? 0);
      for (const row of rows) if (row.blob_key) blobKeys.add(row.blob_key);
    }
    const now = Date.now();
    for (const [key, due] of this.retries) if (due <= now) blobKeys.add(key);
    let blobsRemoved = 0;
    for (const key of blobKeys) {
      if (stopped()) break;
      this.retries.delete(key);
      if ((await connection.execute(POINTED_AT, [key, key, key])).length > 0) continue;
      if (await this.blobStore.removeUnlessRecent(key, this.settings.cleanupGraceMs)) blobsRemoved++;
      else this.retries.set(key, Date.now() + this.settings.cleanupGraceMs);
    }
    if (rowsRemoved + blobsRemoved > 0) this.log.info({ rowsRemoved, blobsRemoved }, 'removed unused renditions');
    this.retryLater();
  }

  /** A pass when the first kept blob is due, unless the interval's pass comes first. */
  private retryLater(): void {
    clearTimeout(this.retryTimer);
    if (this.retries.size === 0) return;
    let due = Number.POSITIVE_INFINITY;
    for (const at of this.retries.values()) due = Math.min(due, at);
    this.retryTimer = setTimeout(() => this.wake(), Math.max(0, due - Date.now()) + 50);
    this.retryTimer.unref();
  }

  override async stop(): Promise<void> {
    clearTimeout(this.retryTimer);
    await super.stop();
  }
}
