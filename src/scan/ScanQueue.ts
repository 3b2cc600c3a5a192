import type { SqlEntityManager as EntityManager } from '@mikro-orm/sql';
import type { Logger } from 'pino';
import { Asset } from '../db/entities/Asset.js';
import { HistoryEntry } from '../db/entities/HistoryEntry.js';
import type { Orm } from '../db/orm.js';
import type { AssetEvents } from '../events/AssetEvents.js';
import type { RenditionQueue } from '../renditions/RenditionQueue.js';
import type { BlobStore } from '../storage/BlobStore.js';
import { leaseEnd, whileLeaseRenewed } from './claimLease.js';
import { QueuePasses } from './QueuePasses.js';
import type { Scanner, ScanVerdict } from './Scanner.js';

const FIRST_RETRY_MS = 2_000;
const MAX_RETRY_MS = 30 * 60_000;

/** After a failed scan: 2 s, 4 s, 8 s, ... up to 30 minutes. */
export function retryDelayMs(attempts: number): number {
  return Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1));
}

/**
 * Moves assets from UNSCANNED to CLEAN and UPLOADED (or INFECTED). The queue is the asset table itself,
 * so an upload stored just before a crash is picked up after the restart; a claim is one conditional
 * UPDATE, so several workers on one database never scan the same file twice at once.
 */
export class ScanQueue extends QueuePasses {
  constructor(
    private readonly orm: Orm,
    private readonly blobStore: BlobStore,
    private readonly scanner: Scanner,
    private readonly events: AssetEvents,
    private readonly log: Logger,
    private readonly renditions: RenditionQueue,
  ) {
    super(log, 'scan queue pass failed');
  }

  protected async drain(stopped: () => boolean, handBack: AbortSignal): Promise<void> {
    while (!stopped()) {
      const em = this.orm.em.fork();
      const asset = await this.claimNext(em);
      if (!asset) return;
      await this.scanClaimed(em, asset, handBack);
    }
  }

  private async claimNext(em: EntityManager): Promise<Asset | null> {
    const now = new Date();
    const candidates = await em.find(
      Asset,
      { state: 'UNSCANNED', redirectUrl: null, $or: [{ nextScanAt: null }, { nextScanAt: { $lte: now } }] },
      { orderBy: { modifiedAt: 'asc' }, limit: 5 },
    );
    for (const candidate of candidates) {
      const claimed = await em.nativeUpdate(
        Asset,
        {
          id: candidate.id,
          state: 'UNSCANNED',
          sha256: candidate.sha256,
          $or: [{ nextScanAt: null }, { nextScanAt: { $lte: now } }],
        },
        { nextScanAt: leaseEnd(now.getTime()), scanAttempts: candidate.scanAttempts + 1 },
      );
      if (claimed === 1) return candidate;
    }
    return null;
  }

  /** Runs `scan`, renewing the claim on the asset's file until it settles. */
  private whileClaimRenewed<T>(
    em: EntityManager,
    asset: Asset,
    scan: () => Promise<T> | T,
    handBack: AbortSignal,
  ): Promise<T> {
    const claimed = { id: asset.id, sha256: asset.sha256, state: 'UNSCANNED' as const };
    return whileLeaseRenewed(
      () => em.nativeUpdate(Asset, claimed, { nextScanAt: leaseEnd() }),
      (error) => this.log.warn({ assetId: asset.id, err: error }, 'could not renew the claim on a file being scanned'),
      scan,
      handBack,
    );
  }

  private async scanClaimed(em: EntityManager, asset: Asset, handBack: AbortSignal): Promise<void> {
    const sameFile = { id: asset.id, sha256: asset.sha256 };
    let verdict: ScanVerdict;
    try {
      verdict = await this.whileClaimRenewed(
        em,
        asset,
        () =>
          this.scanner.enabled
            ? this.blobStore.get(asset.blobKey).then((bytes) => this.scanner.scan(bytes))
            : { infected: false },
        handBack,
      );
    } catch (error) {
      if (handBack.aborted) {
        // Not a failed scan: the claim and its attempt are undone, and whoever looks next scans it at once.
        await em.nativeUpdate(
          Asset,
          { ...sameFile, state: 'UNSCANNED' },
          { nextScanAt: null, scanAttempts: asset.scanAttempts },
        );
        this.log.info({ assetId: asset.id }, 'scan handed back: the process is stopping');
        return;
      }
      // An error never marks a file clean: it stays UNSCANNED and is tried again, later each time.
      const attempts = asset.scanAttempts + 1;
      const delay = retryDelayMs(attempts);
      await em.nativeUpdate(Asset, { ...sameFile, state: 'UNSCANNED' }, { nextScanAt: new Date(Date.now() + delay) });
      this.log.warn(
        { assetId: asset.id, attempts, retryInSeconds: delay / 1000, err: error },
        'scan failed; the file stays unscanned and will be tried again',
      );
      return;
    }
    const next = verdict.infected ? 'INFECTED' : 'CLEAN';
    // The verdict and its history entry commit together: no reader sees one without the other.
    const recorded = await em.transactional(async (tx) => {
      // Only if the file is still the one that was scanned: a file replaced meanwhile is scanned anew.
      const moved = await tx.nativeUpdate(
        Asset,
        { ...sameFile, state: 'UNSCANNED' },
        { state: next, nextScanAt: null, scanAttempts: 0 },
      );
      if (moved !== 1) return false;
      tx.create(HistoryEntry, {
        asset: asset.id,
        action: 'SCAN',
        versionNumber: asset.versionNumber,
        details: verdict.infected
          ? { outcome: 'INFECTED', signature: verdict.signature }
          : { outcome: 'CLEAN', scanned: this.scanner.enabled },
      });
      return true;
    });
    if (!recorded) return;
    // The blob store is already the final home of the bytes, so a clean file is servable at once.
    if (next === 'CLEAN') {
      await em.nativeUpdate(Asset, { ...sameFile, state: 'CLEAN' }, { state: 'UPLOADED' });
      // A failure here leaves the file served without renditions queued: the first request for one queues them.
      await this.renditions.enqueue(em, asset).catch((error: unknown) => {
        this.log.warn({ assetId: asset.id, err: error }, 'renditions could not be queued');
      });
    }
    this.events.publish(asset.id);
    this.log.info({ assetId: asset.id, outcome: next }, 'scan finished');
  }
}
