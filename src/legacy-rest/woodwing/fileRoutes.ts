import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestContext } from '../../context.js';
import type { Asset } from '../../db/entities/Asset.js';
import type { RouteHandler } from '../../http/route.js';
import { sendBlob } from '../../http/sendBlob.js';
import { originalForDownload } from '../../resolvers/serving/downloads.js';
import { renditionForDownload } from '../../resolvers/serving/previews.js';
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

// WoodWing's file URLs, /file/<id>/(star)/<name> and the same under /preview and /thumbnail, inline or
// (forceDownload=true) as an attachment, to a logged-in user or a shared link's holder (authKey=). The name is
// only for the browser. Until renditions are made, an image in a web format is its own preview and thumbnail.
export function fileRoute(kind: 'file' | 'preview' | 'thumbnail'): RouteHandler {
  return async (call) => {
    const { req, res, url } = call;
    const ctx = await call.context();
    const id = call.params.id ?? '';
    try {
      const key = url.searchParams.get('authKey') ?? undefined;
      const asset =
        kind === 'file' ? await originalForDownload(ctx, id, key) : await renditionForDownload(ctx, id, kind, key);
      const disposition = url.searchParams.get('forceDownload') === 'true' ? 'attachment' : 'inline';
      await sendOriginal(req, res, ctx, asset, disposition);
    } catch (error) {
      if (!sendDomainError(res, error)) throw error;
    }
  };
}
