import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestContext } from '../../context.js';
import type { Asset } from '../../db/entities/Asset.js';
import { sendBlob } from '../../http/sendBlob.js';
import { originalForDownload } from '../../resolvers/serving/downloads.js';
import { renditionForDownload } from '../../resolvers/serving/previews.js';
import { sendDomainError, sendWoodwingError } from './responses.js';

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

/** What a WoodWing file URL serves: /file/<id>/..., /preview/<id>/... or /thumbnail/<id>/... */
const FILE_PATH = /^\/(file|preview|thumbnail)\/([^/]+)\//;

// WoodWing's file URLs, /file/<id>/(star)/<name> and the same under /preview and /thumbnail, inline or
// (forceDownload=true) as an attachment, to a logged-in user or a shared link's holder (authKey=). The name is
// only for the browser. Until renditions are made, an image in a web format is its own preview and thumbnail.
export async function handleFile(req: IncomingMessage, res: ServerResponse, ctx: RequestContext, url: URL) {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendWoodwingError(
      res,
      405,
      'HttpRequestMethodNotSupportedException',
      `Request method '${req.method}' is not supported`,
    );
    return;
  }
  const [, kind, id] = FILE_PATH.exec(url.pathname) ?? [];
  if (!kind || !id) {
    sendWoodwingError(res, 404, 'NotFoundException', 'A file URL reads /file/<asset id>/*/<name>');
    return;
  }
  try {
    const key = url.searchParams.get('authKey') ?? undefined;
    const asset =
      kind === 'file'
        ? await originalForDownload(ctx, id, key)
        : await renditionForDownload(ctx, id, kind as 'preview' | 'thumbnail', key);
    const disposition = url.searchParams.get('forceDownload') === 'true' ? 'attachment' : 'inline';
    await sendOriginal(req, res, ctx, asset, disposition);
  } catch (error) {
    if (!sendDomainError(res, error)) throw error;
  }
}
