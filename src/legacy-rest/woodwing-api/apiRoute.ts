import type { RequestContext } from '../../context.js';
import type { RouteCall, RouteHandler } from '../../http/route.js';
import { refusedCaller, sendDomainError, sendWoodwingJson } from '../woodwing/responses.js';

/** What a v2 call answers: a JSON body and its status. */
export type ApiAnswer = { status: number; body: unknown };

/** One v2 `/api/*` call, JSON in and out. */
export type ApiCall = (ctx: RequestContext, call: RouteCall) => Promise<ApiAnswer>;

/**
 * A v2 call as a route: a login first (a cookie session's change also needs X-CSRF-TOKEN, as on /services),
 * errors in WoodWing's `{errorname, message, errorcode}` with that status.
 */
export function apiRoute(answer: ApiCall): RouteHandler {
  return async (call) => {
    const { req, res } = call;
    const ctx = await call.context();
    if (refusedCaller(res, ctx, req.method !== 'GET' && req.method !== 'HEAD')) return;
    try {
      const { status, body } = await answer(ctx, call);
      sendWoodwingJson(res, status, body);
    } catch (error) {
      if (!sendDomainError(res, error)) throw error;
    }
  };
}
