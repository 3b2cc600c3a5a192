import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestContext } from '../context.js';
import type { RequestContextFactory } from './requestContext.js';
import type { RequestUrl } from './requestUrl.js';

/** One request as the route table hands it to the route's handler. */
export class RouteCall {
  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly requestId: string,
    readonly url: RequestUrl,
    /** The path's `:name` and `*` parts, percent-decoded. */
    readonly params: Readonly<Record<string, string | undefined>>,
    private readonly createContext: RequestContextFactory,
  ) {}

  /** Who is asking, with the request's own EntityManager fork. */
  context(): Promise<RequestContext> {
    return this.createContext(this.req, this.requestId);
  }
}

export type RouteHandler = (call: RouteCall) => Promise<void> | void;
