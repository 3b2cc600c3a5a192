import type { SqlEntityManager as EntityManager } from '@mikro-orm/sql';
import type { Logger } from 'pino';
import { Asset } from '../db/entities/Asset.js';
import { Rendition } from '../db/entities/Rendition.js';
import type { Orm } from '../db/orm.js';
import { leaseEnd, whileLeaseRenewed } from '../scan/claimLease.js';
import { QueuePasses } from '../scan/QueuePasses.js';
import { retryDelayMs } from '../scan/ScanQueue.js';
import type { RenditionCleanup } from './RenditionCleanup.js';
import type { RenditionSource, RenditionStore } from './RenditionStore.js';
import { STANDARD_RENDITIONS, type StandardRendition } from './renditionSpecs.js';

/** Past this many failures (the store unreachable, not an unreadable file) a rendition is given up: NONE. */
const MAX_ATTEMPTS = 8;

/**
 * Makes the thumbnail and preview of every file scanned clean, off the request path. The queue is the
 * renditions table's PENDING rows, so work queued before a crash is done after the restart; a claim is one
 * conditional UPDATE, so several instances never render the same row at once. One row at a time per
 * instance; the renders themselves share RenditionStore's slots with first requests of presets.
 */
export class RenditionQueue extends QueuePasses {
  constructor(
    private readonly orm: Orm,
    readonly store: RenditionStore,
    /** Removes the renditions no live file uses; started and stopped with the queue. */
    readonly cleanup: RenditionCleanup,
    private readonly log: Logger,
  ) {
    super(log, 'rendition queue pass failed');
  }

  override start(): void {
    super.start();
    this.cleanup.start();
  }

  override async stop(handBackWhen?: Promise<unknown>): Promise<void> {
    await Promise.all([super.stop(handBackWhen), this.cleanup.stop()]);
  }

  /** Queues the thumbnail and preview of a file that may be served now, and wakes the worker. */
  async enqueue(em: EntityManager, source: Pick<RenditionSource, 'sha256' | 'contentType'>): Promise<void> {
    await this.store.enqueueStandard(em, source);
    this.wake();
  }

  protected async drain(stopped: () => boolean, handBack: AbortSignal): Promise<void> {
    while (!stopped()) {
      const em = this.orm.em.fork();
      const row = await this.claimNext(em);
      if (!row) return;
      await this.makeClaimed(em, row, handBack);
    }
  }

  private async claimNext(em: EntityManager): Promise<Rendition | null> {
    const now = new Date();
    const due = { $or: [{ nextAttemptAt: null }, { nextAttemptAt: { $lte: now } }] };
    const candidates = await em.find(Rendition, { state: 'PENDING', ...due }, { orderBy: { id: 'asc' }, limit: 5 });
    for (const candidate of candidates) {
      const claimed = await em.nativeUpdate(
        Rendition,
        { id: candidate.id, state: 'PENDING', ...due },
        { nextAttemptAt: leaseEnd(now.getTime()), attempts: candidate.attempts + 1 },
      );
      if (claimed === 1) return candidate;
    }
    return null;
  }

  private async makeClaimed(em: EntityManager, row: Rendition, handBack: AbortSignal): Promise<void> {
    // Only bytes some asset serves now (scanned clean): never an infected or unscanned file.
    const source = await em.findOne(
      Asset,
      { sha256: row.sourceSha256, state: 'UPLOADED' },
      { fields: ['sha256', 'blobKey', 'contentType', 'size'] },
    );
    const spec = STANDARD_RENDITIONS[row.variant as StandardRendition];
    if (!source || !spec) {
      // Nothing serves these bytes any more; a file that does again queues its renditions again.
      await em.nativeDelete(Rendition, { id: row.id, state: 'PENDING' });
      return;
    }
    try {
      // The claim is renewed while the file renders, so a killed instance's row is free again within the lease.
      const renewals = this.orm.em.fork();
      await whileLeaseRenewed(
        () => renewals.nativeUpdate(Rendition, { id: row.id, state: 'PENDING' }, { nextAttemptAt: leaseEnd() }),
        (error) => this.log.warn({ sha256: row.sourceSha256, err: error }, 'could not renew the claim on a rendition'),
        () => this.store.make(em, source, spec),
        handBack,
      );
      this.log.info({ sha256: row.sourceSha256, variant: row.variant }, 'rendition made');
    } catch (error) {
      if (handBack.aborted) {
        // Not a failure: the claim and its attempt are undone, and whoever looks next makes it at once.
        await em.nativeUpdate(
          Rendition,
          { id: row.id, state: 'PENDING' },
          { nextAttemptAt: null, attempts: row.attempts },
        );
        this.log.info(
          { sha256: row.sourceSha256, variant: row.variant },
          'rendition handed back: the process is stopping',
        );
        return;
      }
      const attempts = row.attempts + 1;
      const givenUp = attempts >= MAX_ATTEMPTS;
      await em.nativeUpdate(
        Rendition,
        { id: row.id, state: 'PENDING' },
        givenUp
          ? { state: 'NONE', reason: 'The rendition could not be made', nextAttemptAt: null }
          : { nextAttemptAt: new Date(Date.now() + retryDelayMs(attempts)) },
      );
      this.log.warn({ sha256: row.sourceSha256, variant: row.variant, attempts, err: error }, 'rendition failed');
    }
  }
}
