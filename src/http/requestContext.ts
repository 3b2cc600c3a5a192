import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SqlEntityManager as EntityManager } from '@mikro-orm/sql';
import type { Logger } from 'pino';
import { authenticate, CSRF_HEADER } from '../auth/authenticate.js';
import { CredentialCache } from '../auth/credentialCache.js';
import type { RequestContext, Services } from '../context.js';
import type { UserView } from '../db/entities/User.js';
import type { Orm } from '../db/orm.js';
import { createLoaders, type Loaders } from '../resolvers/loaders.js';
import { sendJsonText } from './compression.js';

export type RequestContextFactory = (req: IncomingMessage, requestId: string) => Promise<RequestContext>;

function singleHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Who is asking is settled here, before any surface runs, with plain reads that need no EntityManager. The
 * request's EntityManager fork, its loaders and its logger are made when first used: a read answered from
 * plain rows never pays for them.
 */
export function requestContextFactory(orm: Orm, services: Services): RequestContextFactory {
  const credentials = new CredentialCache();
  return async (req, requestId) => {
    const auth = await authenticate(
      orm.em,
      {
        authorization: req.headers.authorization,
        cookie: req.headers.cookie,
        csrfToken: singleHeader(req.headers[CSRF_HEADER]),
      },
      credentials,
    );
    let em: EntityManager | undefined;
    let loaders: Loaders | undefined;
    let log: Logger | undefined;
    const forkedEm = () => {
      em ??= orm.em.fork();
      return em;
    };
    return {
      ...services,
      get em() {
        return forkedEm();
      },
      set em(value) {
        em = value;
      },
      get reader() {
        return em ?? orm.em;
      },
      get loaders() {
        loaders ??= primedWith(auth.viewer, createLoaders({ em: forkedEm, forked: () => em, reader: orm.em }));
        return loaders;
      },
      set loaders(value) {
        loaders = value;
      },
      get log() {
        log ??= services.log.child({ requestId });
        return log;
      },
      auth,
      viewer: auth.viewer,
      requestId,
      clientAddress: req.socket.remoteAddress ?? 'unknown',
      sharedLink: null,
      responseCookies: [],
    };
  };
}

function primedWith(viewer: UserView | null, loaders: Loaders): Loaders {
  if (viewer) loaders.userById.prime(viewer.id, viewer);
  return loaders;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  sendJsonText(res, status, JSON.stringify(body), { 'content-type': 'application/json; charset=utf-8' });
}
