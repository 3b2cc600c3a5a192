import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SqlEntityManager as EntityManager } from '@mikro-orm/sql';
import type { Logger } from 'pino';
import { type Auth, authenticate, CSRF_HEADER } from '../auth/authenticate.js';
import { CredentialCache } from '../auth/credentialCache.js';
import { type RequestContext, type ResponseCookie, type Services, servicesOf } from '../context.js';
import type { UserView } from '../db/entities/User.js';
import type { Orm } from '../db/orm.js';
import { createLoaders, type Loaders } from '../resolvers/loaders.js';
import { sendJsonText } from './compression.js';

export type RequestContextFactory = (req: IncomingMessage, requestId: string) => Promise<RequestContext>;

function singleHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * One request's context. The services sit on the prototype of a class made once per server (so a request
 * copies none of them), and the request's EntityManager fork, its loaders and its logger are made when
 * first used: a read answered from plain rows never pays for them.
 */
abstract class HttpRequestContext {
  protected declare readonly orm: Orm;
  protected declare readonly serviceLog: Logger;
  private fork: EntityManager | undefined = undefined;
  private requestLoaders: Loaders | undefined = undefined;
  private requestLog: Logger | undefined = undefined;
  viewer: UserView | null;
  sharedLink: RequestContext['sharedLink'] = null;
  readonly responseCookies: ResponseCookie[] = [];

  constructor(
    readonly auth: Auth,
    readonly requestId: string,
    readonly clientAddress: string,
  ) {
    this.viewer = auth.viewer;
  }

  get em(): EntityManager {
    this.fork ??= this.orm.em.fork();
    return this.fork;
  }

  set em(value: EntityManager) {
    this.fork = value;
  }

  get reader(): EntityManager {
    return this.fork ?? this.orm.em;
  }

  get loaders(): Loaders {
    this.requestLoaders ??= primedWith(
      this.viewer,
      createLoaders({ em: () => this.em, forked: () => this.fork, reader: this.orm.em }),
    );
    return this.requestLoaders;
  }

  set loaders(value: Loaders) {
    this.requestLoaders = value;
  }

  get log(): Logger {
    this.requestLog ??= this.serviceLog.child({ requestId: this.requestId });
    return this.requestLog;
  }
}

type RequestContextClass = new (auth: Auth, requestId: string, clientAddress: string) => RequestContext;

/** The request context class of one server: its services on the prototype, every request's alike. */
function requestContextClass(orm: Orm, services: Services): RequestContextClass {
  const { log, ...shared } = services;
  class ServerRequestContext extends HttpRequestContext {}
  Object.assign(ServerRequestContext.prototype, shared, { orm, serviceLog: log });
  return ServerRequestContext as unknown as RequestContextClass;
}

/** Who is asking is settled here, before any surface runs, with plain reads that need no EntityManager. */
export function requestContextFactory(orm: Orm, services: Services): RequestContextFactory {
  const credentials = new CredentialCache();
  const Context = requestContextClass(orm, services);
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
    return new Context(auth, requestId, req.socket.remoteAddress ?? 'unknown');
  };
}

/**
 * Every member of `ctx` as a value of its own, for yoga, which copies its context's own properties into its
 * own (the request's fork and loaders are made here: a request that reaches yoga uses them).
 */
export function plainContext(ctx: RequestContext): RequestContext {
  return {
    ...servicesOf(ctx),
    em: ctx.em,
    reader: ctx.reader,
    loaders: ctx.loaders,
    auth: ctx.auth,
    viewer: ctx.viewer,
    requestId: ctx.requestId,
    clientAddress: ctx.clientAddress,
    sharedLink: ctx.sharedLink,
    responseCookies: ctx.responseCookies,
  };
}

function primedWith(viewer: UserView | null, loaders: Loaders): Loaders {
  if (viewer) loaders.userById.prime(viewer.id, viewer);
  return loaders;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  sendJsonText(res, status, JSON.stringify(body), { 'content-type': 'application/json; charset=utf-8' });
}
