import type { IncomingMessage, ServerResponse } from 'node:http';
import { authenticate, CSRF_HEADER } from '../auth/authenticate.js';
import type { RequestContext, Services } from '../context.js';
import type { Orm } from '../db/orm.js';
import { createLoaders } from '../resolvers/loaders.js';

export type RequestContextFactory = (req: IncomingMessage, requestId: string) => Promise<RequestContext>;

function singleHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Who is asking is settled here, before any surface runs, with the request's own EntityManager fork. */
export function requestContextFactory(orm: Orm, services: Services): RequestContextFactory {
  return async (req, requestId) => {
    const em = orm.em.fork();
    const auth = await authenticate(em, {
      authorization: req.headers.authorization,
      cookie: req.headers.cookie,
      csrfToken: singleHeader(req.headers[CSRF_HEADER]),
    });
    return {
      ...services,
      log: services.log.child({ requestId }),
      em,
      auth,
      viewer: auth.viewer,
      loaders: createLoaders(em),
      requestId,
      clientAddress: req.socket.remoteAddress ?? 'unknown',
      sharedLink: null,
      responseCookies: [],
    };
  };
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}
