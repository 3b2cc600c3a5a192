import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestContext } from '../../context.js';
import { BadInput, DomainError, PayloadTooLarge, retryAfterOf } from '../../errors.js';
import type { Refusals } from '../../http/refusals.js';
import { drainRefusedBody } from '../../http/refusedBody.js';
import { requestOrigin } from '../../http/requestOrigin.js';
import type { RouteCall, RouteHandler } from '../../http/route.js';
import { declaredBodyTooLarge } from '../../http/uploadLimits.js';
import { readForm } from '../../legacy-rest/formBody.js';
import { NoUsableSharedLink } from '../../resolvers/sharing/authKeys.js';
import { reviewSharedAsset } from '../../resolvers/sharing/sharedLinkReviews.js';
import { linkAcceptingUploads, storeSharedLinkUpload } from '../../resolvers/sharing/sharedLinks.js';
import { PAGE_HEADERS } from './pageStyle.js';
import { sharedLinkPageViewOf } from './pageView.js';
import { landingPage, problemPage, sharedLinkPage } from './templates.js';

function sendPage(res: ServerResponse, status: number, page: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...PAGE_HEADERS, ...headers, 'content-length': String(Buffer.byteLength(page)) });
  res.end(page);
}

const LINK_GONE =
  'It may have expired or been withdrawn, or part of it may be missing. Ask the person who sent it for a new one.';

/** A domain error as a page a person reads; any other error is the server's (a 500, logged). */
function sendProblem(res: ServerResponse, error: unknown, backHref?: string): void {
  if (!(error instanceof DomainError)) throw error;
  if (error instanceof NoUsableSharedLink) {
    sendPage(res, 404, problemPage('This link does not work', LINK_GONE));
    return;
  }
  const retryAfter = retryAfterOf(error);
  const headers: Record<string, string> = retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) };
  const heading = error.httpStatus === 429 ? 'Too many requests' : 'That did not work';
  sendPage(res, error.httpStatus, problemPage(heading, error.message, backHref), headers);
}

/** Where a form's answer sends the browser back to: the page, relative to /shared-link/..., with a notice. */
function backTo(key: string, notice?: string, assetId?: string): string {
  const extra = notice ? `&notice=${notice}${assetId ? `&asset=${encodeURIComponent(assetId)}` : ''}` : '';
  return `../?w=${encodeURIComponent(key)}${extra}`;
}

/**
 * A form posted from another site is refused: browsers say where a request comes from in Sec-Fetch-Site or,
 * older ones, Origin. A client that sends neither (curl) is no browser another site could drive.
 */
function isCrossSite(req: IncomingMessage, ctx: RequestContext): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined) return site !== 'same-origin' && site !== 'none';
  const origin = req.headers.origin;
  if (origin === undefined) return false;
  return origin !== requestOrigin(req) && origin !== new URL(ctx.config.publicUrl).origin;
}

function refuseCrossSite(req: IncomingMessage, res: ServerResponse): void {
  sendPage(res, 403, problemPage('That did not work', 'This form may be sent only from the shared-link page.'));
  drainRefusedBody(req, res);
}

/** `GET /?w=KEY` (WoodWing's webClientUrl) or `?e=KEY` (its desktopClientUrl): the shared link's page. */
export const showSharedLinkPage: RouteHandler = async (call: RouteCall) => {
  const { res, url } = call;
  const key = url.searchParams.get('w') ?? url.searchParams.get('e');
  if (key === null) {
    sendPage(res, 200, landingPage());
    return;
  }
  const ctx = await call.context();
  try {
    const notice = { code: url.searchParams.get('notice'), assetId: url.searchParams.get('asset') };
    sendPage(res, 200, sharedLinkPage(await sharedLinkPageViewOf(ctx, key, notice)));
  } catch (error) {
    sendProblem(res, error);
  }
};

/** `POST /shared-link/upload?key=KEY`: one file from the page's form, streamed into the link's import folder. */
export const uploadThroughPage: RouteHandler = async (call: RouteCall) => {
  const { req, res, url } = call;
  const ctx = await call.context();
  if (isCrossSite(req, ctx)) return refuseCrossSite(req, res);
  const key = url.searchParams.get('key') ?? '';
  try {
    if (declaredBodyTooLarge(req, ctx.config)) {
      throw new PayloadTooLarge(`A file may be at most ${Math.floor(ctx.config.maxUploadBytes / 1024 / 1024)} MiB`);
    }
    // The key is checked before a byte of the file is read.
    const authKey = await linkAcceptingUploads(ctx, key);
    const file = await readForm(ctx, req, res, 'file', () => {});
    if (!file || file.filename === '') throw new BadInput('Choose a file to send first');
    await storeSharedLinkUpload(ctx, authKey, file, undefined);
    res.writeHead(303, { location: backTo(key, 'uploaded'), 'cache-control': 'no-store', 'content-length': '0' });
    res.end();
  } catch (error) {
    drainRefusedBody(req, res);
    sendProblem(res, error, key ? backTo(key) : undefined);
  }
};

/** `POST /shared-link/review` (key, assetId, decision): one approval or rejection from the page's form. */
export const reviewThroughPage: RouteHandler = async (call: RouteCall) => {
  const { req, res } = call;
  const ctx = await call.context();
  if (isCrossSite(req, ctx)) return refuseCrossSite(req, res);
  const fields = new Map<string, string>();
  let key = '';
  try {
    // The form has no file: no part is taken as one (a form part sent as a file is read as its field's value).
    await readForm(ctx, req, res, '', (name, value) => {
      if (!fields.has(name)) fields.set(name, value);
    });
    key = fields.get('key') ?? '';
    const outcome = await reviewSharedAsset(ctx, key, fields.get('assetId') ?? '', fields.get('decision') ?? '');
    const notice = outcome.notice === 'not sent' ? 'unsent' : outcome.decision;
    res.writeHead(303, {
      location: backTo(key, notice, outcome.asset.id),
      'cache-control': 'no-store',
      'content-length': '0',
    });
    res.end();
  } catch (error) {
    drainRefusedBody(req, res);
    sendProblem(res, error, key ? backTo(key) : undefined);
  }
};

/** Paths under /shared-link/ that match no route, or a method a page's path does not take: said as a page. */
export const sharedLinkPageRefusals: Refusals = {
  notFound(res) {
    sendPage(res, 404, problemPage('Nothing here', 'There is no page at this address.'));
  },
  methodNotAllowed(res, method) {
    sendPage(res, 405, problemPage('That did not work', `${method} is not answered at this address.`));
  },
};
