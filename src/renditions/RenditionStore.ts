import { Readable } from 'node:stream';
import type { SqlEntityManager as EntityManager } from '@mikro-orm/sql';
import sharp from 'sharp';
import type { RenditionSettings } from '../config.js';
import { Rendition } from '../db/entities/Rendition.js';
import type { BlobStore } from '../storage/BlobStore.js';
import { type RenderedImage, renderImage, UnreadableImage } from './imageRendering.js';
import { RenderSlots } from './RenderSlots.js';
import { isRenderable, type RenditionSpec, STANDARD_RENDITIONS, variantOf } from './renditionSpecs.js';
import type { Watermark } from './Watermark.js';

/** The file a rendition is made from: an asset's current file or one of its versions. */
export interface RenditionSource {
  sha256: string;
  blobKey: string;
  contentType: string;
  size: number;
}

/**
 * Makes renditions and keeps them: the bytes content-addressed in the blob store beside the originals,
 * a row per (file, variant) in the database. The original is only ever read.
 */
export class RenditionStore {
  private readonly slots: RenderSlots;

  constructor(
    private readonly blobStore: BlobStore,
    private readonly settings: RenditionSettings,
    private readonly watermark: Watermark,
  ) {
    this.slots = new RenderSlots(settings.concurrency);
    sharp.concurrency(settings.threads);
    // libvips' operation cache helps repeated operations on one image, which renditions never are.
    sharp.cache(false);
  }

  /** Queues the thumbnail and preview of a file that may be served now (scanned clean); a no-op if queued before. */
  async enqueueStandard(em: EntityManager, source: Pick<RenditionSource, 'sha256' | 'contentType'>): Promise<void> {
    if (!isRenderable(source.contentType)) return;
    const now = new Date();
    await em
      .createQueryBuilder(Rendition)
      .insert(
        // The preview first: the thumbnail is then made from it, and the original decoded once.
        ['preview', 'thumbnail'].map((variant) => ({
          sourceSha256: source.sha256,
          variant,
          state: 'PENDING' as const,
          attempts: 0,
          createdAt: now,
          updatedAt: now,
        })),
      )
      .onConflict(['sourceSha256', 'variant'])
      .ignore()
      .execute();
  }

  find(em: EntityManager, sha256: string, variant: string): Promise<Rendition | null> {
    return em.findOne(Rendition, { sourceSha256: sha256, variant }, { disableIdentityMap: true });
  }

  /** How many boxes of a URL's size (variants `<w>x<h>-inside-auto`, watermarked or not) the file has. */
  countBoxes(em: EntityManager, sha256: string): Promise<number> {
    return em.count(Rendition, {
      sourceSha256: sha256,
      $or: [{ variant: { $like: '%x%-inside-auto' } }, { variant: { $like: '%x%-inside-auto-wm' } }],
    });
  }

  /**
   * Renders the spec from the source (or, for a watermarked thumbnail or preview, from the clean one) and
   * records it, READY or, when the file cannot be read as an image, NONE with the reason. Other failures
   * (the store unreachable) throw and record nothing. A request's render (`onRequest`) waits behind at most
   * RENDITION_MAX_WAITING others, else RenderSlotsFull; the queue's waits its turn.
   */
  async make(em: EntityManager, source: RenditionSource, spec: RenditionSpec, onRequest = false): Promise<Rendition> {
    const variant = variantOf(spec);
    let outcome: Partial<Rendition>;
    try {
      const maxWaiting = onRequest ? this.settings.maxWaiting : undefined;
      const image = await this.slots.run(async () => this.render(em, source, spec), maxWaiting);
      const stored = await this.blobStore.stage(Readable.from([image.data]), { maxBytes: image.data.length + 1 });
      const kept = await stored.keep();
      outcome = {
        state: 'READY',
        blobKey: kept.key,
        contentType: image.contentType,
        size: kept.size,
        width: image.width,
        height: image.height,
        reason: null,
      };
    } catch (error) {
      if (!(error instanceof UnreadableImage)) throw error;
      outcome = { state: 'NONE', reason: error.message, blobKey: null, contentType: null, size: null };
    }
    return em.upsert(
      Rendition,
      { sourceSha256: source.sha256, variant, ...outcome, nextAttemptAt: null, updatedAt: new Date() },
      { onConflictFields: ['sourceSha256', 'variant'], onConflictExcludeFields: ['id', 'createdAt', 'attempts'] },
    );
  }

  private async render(em: EntityManager, source: RenditionSource, spec: RenditionSpec): Promise<RenderedImage> {
    const made = await this.madeSource(em, source, spec);
    if (made)
      return renderImage(await this.bytesOf(made.blobKey), made.contentType, spec, this.settings, this.watermark);
    if (source.size > this.settings.maxInputBytes) {
      throw new UnreadableImage(
        `The file is larger than ${this.settings.maxInputBytes / 1024 / 1024} MB, the most this server renders`,
      );
    }
    return renderImage(await this.bytesOf(source.blobKey), source.contentType, spec, this.settings, this.watermark);
  }

  /**
   * A rendition made already that serves as the source instead of the original, so that the original is
   * decoded once: for a watermarked thumbnail or preview the clean one, for anything that fits inside the
   * preview (the thumbnail, a smaller box) the preview.
   */
  private async madeSource(
    em: EntityManager,
    source: RenditionSource,
    spec: RenditionSpec,
  ): Promise<{ blobKey: string; contentType: string } | null> {
    const clean = variantOf({ ...spec, watermark: false });
    const { preview } = STANDARD_RENDITIONS;
    const withinPreview = spec.fit === 'inside' && spec.width <= preview.width && spec.height <= preview.height;
    const variant = spec.watermark && clean in STANDARD_RENDITIONS ? clean : withinPreview ? 'preview' : null;
    if (!variant || variant === variantOf(spec)) return null;
    const made = await this.find(em, source.sha256, variant);
    return made?.state === 'READY' && made.blobKey && made.contentType
      ? { blobKey: made.blobKey, contentType: made.contentType }
      : null;
  }

  private async bytesOf(blobKey: string): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of await this.blobStore.get(blobKey)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }
}
