import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestContext } from '../../context.js';
import type { Asset } from '../../db/entities/Asset.js';
import { sendBlob } from '../../http/sendBlob.js';
import { originalForDownload } from '../../resolvers/downloads.js';
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

const FILE_PATH = /^\/file\/([^/]+)\//;

// WoodWing's file URL, /file/<id>/(star)/<name>: the original, inline or (forceDownload=true) as an
// attachment, to a logged-in user or a shared link's holder (authKey=). The name is only for the browser.
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
  const id = FILE_PATH.exec(url.pathname)?.[1];
  if (!id) {
    sendWoodwingError(res, 404, 'NotFoundException', 'A file URL reads /file/<asset id>/*/<name>');
    return;
  }
  try {
    const asset = await originalForDownload(ctx, id, url.searchParams.get('authKey') ?? undefined);
    await sendOriginal(
      req,
      res,
      ctx,
      asset,
      url.searchParams.get('forceDownload') === 'true' ? 'attachment' : 'inline',
    );
  } catch (error) {
    if (!sendDomainError(res, error)) throw error;
  }
}
