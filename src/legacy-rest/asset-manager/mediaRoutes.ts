import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseCookie } from 'cookie';
import type { RequestContext } from '../../context.js';
import { requestHost, requestScheme } from '../../http/requestOrigin.js';
import { sendBlob } from '../../http/sendBlob.js';
import { decideMedia, type MediaRequest } from '../../resolvers/serving/media.js';
import { FORBIDDEN, NOT_FOUND, sendDomainError, sendRailsJson } from './responses.js';

const MEDIA_PATH = /^\/media\/([^/]+)\/(.+)$/;
const WHITEHALL_PREFIX = '/government/uploads/';

function decoded(part: string): string | undefined {
  try {
    return decodeURIComponent(part);
  } catch {
    return undefined;
  }
}

/** What the URL asks for; undefined when it cannot name an asset (bad percent-encoding, no extension). */
function targetOf(path: string): MediaRequest['target'] | undefined {
  const media = MEDIA_PATH.exec(path);
  if (media?.[1] && media[2]) {
    const id = decoded(media[1]);
    const filename = decoded(media[2]);
    return id && filename ? { kind: 'media', id, filename } : undefined;
  }
  const legacyPath = decoded(path);
  // Rails routes /government/uploads/*path with its extension as the format: no extension, no asset.
  const last = legacyPath?.split('/').pop() ?? '';
  return legacyPath?.startsWith(WHITEHALL_PREFIX) && /.\.[^.]+$/.test(last)
    ? { kind: 'whitehall', legacyPath }
    : undefined;
}

/**
 * `GET`/`HEAD /media/:id/:filename` and `/government/uploads/*path`: the decision is the resolver's, this
 * only reads the request and writes GOV.UK's answers.
 */
export async function handleMedia(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: RequestContext,
  url: URL,
): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendRailsJson(res, 404, NOT_FOUND);
    return;
  }
  const target = targetOf(url.pathname);
  if (!target) {
    sendRailsJson(res, 404, NOT_FOUND);
    return;
  }
  const decision = await decideMedia(ctx, {
    target,
    host: requestHost(req),
    scheme: requestScheme(req),
    path: url.pathname,
    search: url.search,
    draftToken: url.searchParams.get('token') ?? parseCookie(req.headers.cookie ?? '').auth_bypass_token,
    authKey: url.searchParams.get('authKey') ?? undefined,
  }).catch((error: unknown) => {
    // A deleted asset is Gone (410).
    if (sendDomainError(res, error)) return null;
    throw error;
  });
  if (!decision) return;
  switch (decision.type) {
    case 'not-found':
      sendRailsJson(res, 404, NOT_FOUND);
      return;
    case 'forbidden':
      sendRailsJson(res, 403, FORBIDDEN);
      return;
    case 'unauthenticated':
      sendRailsJson(
        res,
        401,
        { _response_info: { status: 'unauthorized' } },
        {
          'www-authenticate': 'Bearer realm="draft assets"',
        },
      );
      return;
    case 'redirect':
      res.writeHead(decision.status, {
        location: decision.location,
        'cache-control': decision.cacheControl ?? 'no-cache',
        'content-length': 0,
      });
      res.end();
      return;
    case 'serve': {
      const { asset } = decision;
      await sendBlob(req, res, ctx.blobStore, {
        blobKey: asset.blobKey,
        size: asset.size,
        contentType: asset.contentType,
        filename: asset.name,
        disposition: 'inline',
        etag: decision.etag,
        lastModified: decision.lastModified,
        cacheControl: decision.cacheControl,
        headers: decision.link ? { link: `<${decision.link}>; rel="up"` } : {},
      });
    }
  }
}
