import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseCookie } from 'cookie';
import type { RequestContext } from '../../context.js';
import { requestHost, requestScheme } from '../../http/requestOrigin.js';
import type { RequestUrl } from '../../http/requestUrl.js';
import type { RouteCall, RouteHandler } from '../../http/route.js';
import { sendBlob } from '../../http/sendBlob.js';
import { decideMedia, type MediaRequest } from '../../resolvers/serving/media.js';
import { FORBIDDEN, NOT_FOUND, sendDomainError, sendRailsJson } from './responses.js';

const WHITEHALL_PREFIX = '/government/uploads/';

/** What `/media/:id/*` asks for; undefined when it cannot name an asset. */
function mediaTarget(params: RouteCall['params']): MediaRequest['target'] | undefined {
  const id = params.id;
  const filename = params['*'];
  return id && filename ? { kind: 'media', id, filename } : undefined;
}

/** What `/government/uploads/*` asks for; undefined when it cannot name an asset. */
function whitehallTarget(params: RouteCall['params']): MediaRequest['target'] | undefined {
  const legacyPath = WHITEHALL_PREFIX + (params['*'] ?? '');
  // Rails routes /government/uploads/*path with its extension as the format: no extension, no asset.
  const last = legacyPath.split('/').pop() ?? '';
  return /.\.[^.]+$/.test(last) ? { kind: 'whitehall', legacyPath } : undefined;
}

/**
 * `GET`/`HEAD /media/:id/:filename` and `/government/uploads/*path`: the decision is the resolver's, this
 * only reads the request and writes GOV.UK's answers.
 */
function mediaRoute(targetOf: (params: RouteCall['params']) => MediaRequest['target'] | undefined): RouteHandler {
  return async (call) => {
    const target = targetOf(call.params);
    if (!target) {
      sendRailsJson(call.res, 404, NOT_FOUND);
      return;
    }
    await sendMedia(call.req, call.res, await call.context(), call.url, target);
  };
}

export const mediaRoutes = { media: mediaRoute(mediaTarget), whitehall: mediaRoute(whitehallTarget) };

async function sendMedia(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: RequestContext,
  url: RequestUrl,
  target: MediaRequest['target'],
): Promise<void> {
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
