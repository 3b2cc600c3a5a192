import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestContext } from '../../context.js';
import { sendBlob } from '../../http/sendBlob.js';
import { originalForDownload } from '../../resolvers/downloads.js';
import { sendDomainError, sendWoodwingError } from './responses.js';

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
    await sendBlob(req, res, ctx.blobStore, {
      blobKey: asset.blobKey,
      size: asset.size,
      contentType: asset.contentType,
      filename: asset.name,
      disposition: url.searchParams.get('forceDownload') === 'true' ? 'attachment' : 'inline',
      etag: asset.sha256,
      lastModified: asset.fileStoredAt ?? asset.modifiedAt,
      cacheControl: 'private, no-cache',
    });
  } catch (error) {
    if (!sendDomainError(res, error)) throw error;
  }
}
