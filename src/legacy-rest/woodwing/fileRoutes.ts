import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestContext } from '../../context.js';
import type { Asset } from '../../db/entities/Asset.js';
import type { RouteCall, RouteHandler } from '../../http/route.js';
import { sendBlob } from '../../http/sendBlob.js';
import { type RenditionDownload, renditionForDownload } from '../../resolvers/renditions/renditionDownloads.js';
import { boxOfPath, boxOfSize, type RenditionRequest } from '../../resolvers/renditions/renditionRequests.js';
import { originalForDownload } from '../../resolvers/serving/downloads.js';
import { sendDomainError } from './responses.js';

/** An asset's current file, private to the one who asked (never cached by a shared cache). */
export function sendOriginal(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: RequestContext,
  asset: Asset,
  disposition: 'inline' | 'attachment',
): Promise<void> {
  return sendBlob(req, res, ctx.blobStore, {
    blobKey: asset.blobKey,
    size: asset.size,
    contentType: asset.contentType,
    filename: asset.name,
    disposition,
    etag: asset.sha256,
    lastModified: asset.fileStoredAt ?? asset.modifiedAt,
    cacheControl: 'private, no-cache',
  });
}

/** A stored rendition, with ETag, 304 and Range as originals have them. */
export function sendRendition(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: RequestContext,
  { rendition, filename }: RenditionDownload,
  disposition: 'inline' | 'attachment',
): Promise<void> {
  return sendBlob(req, res, ctx.blobStore, {
    blobKey: rendition.blobKey,
    size: rendition.size,
    contentType: rendition.contentType,
    filename,
    disposition,
    etag: rendition.blobKey,
    lastModified: rendition.updatedAt,
    cacheControl: 'private, no-cache',
  });
}

/**
 * What a /preview or /thumbnail URL asks for: `?size=n`, WoodWing's `maxWidth_<w>_maxHeight_<h>` anywhere in
 * the path (its hits' previewUrl has `/previews/maxWidth_1600_maxHeight_1600.jpg/*`), or `?downloadPresetId=`.
 */
function renditionRequestOf(call: RouteCall, kind: 'preview' | 'thumbnail', maxSize: number): RenditionRequest {
  const size = call.url.searchParams.get('size');
  const presetId = call.url.searchParams.get('downloadPresetId') ?? undefined;
  const box = size !== null ? boxOfSize(size, maxSize) : boxOfPath(call.params['*'] ?? '', maxSize);
  return { kind, box, presetId };
}

// WoodWing's file URLs, /file/<id>/(star)/<name> and the same under /preview and /thumbnail, inline or
// (forceDownload=true) as an attachment, to a logged-in user or a shared link's holder (authKey=). The name is
// only for the browser.
export function fileRoute(kind: 'file' | 'preview' | 'thumbnail'): RouteHandler {
  return async (call) => {
    const { req, res, url } = call;
    const ctx = await call.context();
    const id = call.params.id ?? '';
    try {
      const key = url.searchParams.get('authKey') ?? undefined;
      const disposition = url.searchParams.get('forceDownload') === 'true' ? 'attachment' : 'inline';
      if (kind === 'file') {
        await sendOriginal(req, res, ctx, await originalForDownload(ctx, id, key), disposition);
        return;
      }
      const request = renditionRequestOf(call, kind, ctx.config.renditions.maxSize);
      await sendRendition(req, res, ctx, await renditionForDownload(ctx, id, request, key), disposition);
    } catch (error) {
      if (!sendDomainError(res, error)) throw error;
    }
  };
}
