import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestContext } from '../../context.js';
import type { ErrorCode } from '../../errors.js';
import type { RouteHandler } from '../../http/route.js';
import { readWoodwingParams, type WoodwingParams } from './params.js';
import { refusedCaller, sendDomainError } from './responses.js';

export interface Call {
  req: IncomingMessage;
  res: ServerResponse;
  ctx: RequestContext;
  params: WoodwingParams;
  /** The `:id` of the route's path, percent-decoded: the asset id of checkout/<id>; '' on other routes. */
  rest: string;
}

/** One `/services/<name>` call; the methods it takes and its path are in the route table (src/routes.ts). */
export interface Endpoint {
  /** Endpoints that work without a login (login itself, ping). */
  public?: boolean;
  /** Statuses other than the usual where WoodWing documents them (500: seeds 001, 003; createRelation). */
  statusFor?: Partial<Record<ErrorCode, number>>;
  handle(call: Call): Promise<void>;
}

/**
 * WoodWing Assets' `/services/*` rules that its clients rely on, around each endpoint: a login unless the
 * endpoint is public, a cookie session's POST needs X-CSRF-TOKEN, parameters from the query, urlencoded,
 * multipart or JSON body alike, and errors as `{errorname, message, errorcode}` with that status.
 */
export function serviceRoute(endpoint: Endpoint): RouteHandler {
  return async (call) => {
    const { req, res } = call;
    const ctx = await call.context();
    if (!endpoint.public && refusedCaller(res, ctx, req.method === 'POST')) return;
    try {
      const params = await readWoodwingParams(ctx, req, res, call.url);
      await endpoint.handle({ req, res, ctx, params, rest: call.params.id ?? '' });
    } catch (error) {
      if (!sendDomainError(res, error, endpoint.statusFor)) throw error;
    }
  };
}
