import type { SqlEntityManager as EntityManager } from '@mikro-orm/sql';
import type { Logger } from 'pino';
import type { Auth } from './auth/authenticate.js';
import type { RateLimits } from './auth/rateLimits.js';
import type { SecretBox } from './auth/secretBox.js';
import type { UrlSigner } from './auth/urlSignatures.js';
import type { Config } from './config.js';
import type { AuthKey } from './db/entities/AuthKey.js';
import type { UserView } from './db/entities/User.js';
import type { AssetEvents } from './events/AssetEvents.js';
import type { EmailNotifier } from './notify/emailNotifier.js';
import type { RenditionQueue } from './renditions/RenditionQueue.js';
import type { Loaders } from './resolvers/loaders.js';
import type { ScanQueue } from './scan/ScanQueue.js';
import type { BlobStore } from './storage/BlobStore.js';

/** What lives as long as the process: built once at start. */
export interface Services {
  config: Config;
  blobStore: BlobStore;
  scanQueue: ScanQueue;
  renditions: RenditionQueue;
  secretBox: SecretBox;
  /** Signs and checks the v2 API's signed URLs. */
  urlSigner: UrlSigner;
  /** notify/email's mail: by SMTP, or to the log. */
  notifier: EmailNotifier;
  assetEvents: AssetEvents;
  rateLimits: RateLimits;
  log: Logger;
}

/** The services of `source` alone: what a request context or the process's parts hold besides. */
export function servicesOf(source: Services): Services {
  const { config, blobStore, scanQueue, renditions, secretBox, urlSigner, notifier, assetEvents, rateLimits, log } =
    source;
  return { config, blobStore, scanQueue, renditions, secretBox, urlSigner, notifier, assetEvents, rateLimits, log };
}

/** A cookie for the surface to send with its response; resolvers only say what it should hold. */
export interface ResponseCookie {
  name: string;
  value: string;
  /** Seconds; 0 removes the cookie. */
  maxAge: number;
}

/**
 * Everything a resolver may use, built once per request with its own EntityManager fork.
 * Resolvers do not know which surface built it.
 */
export interface RequestContext extends Services {
  em: EntityManager;
  /**
   * What plain reads (no entity made) go through: the request's fork once it has one, else the root
   * EntityManager, so that a read answered from plain rows makes no fork.
   */
  readonly reader: EntityManager;
  viewer: UserView | null;
  auth: Auth;
  loaders: Loaders;
  requestId: string;
  clientAddress: string;
  /** The shared link this request opened, if any: what its holder may see of the shared assets. */
  sharedLink: { authKey: AuthKey; key: string } | null;
  responseCookies: ResponseCookie[];
}

/**
 * `ctx` working through another EntityManager (a transaction's, or one of its own), with `loaders` on it if
 * given; everything else is read through `ctx`. A spread would not do: a request's context keeps its services
 * and accessors on its prototype.
 */
export function withEntityManager(ctx: RequestContext, em: EntityManager, loaders?: Loaders): RequestContext {
  const own: PropertyDescriptorMap = {
    em: { value: em, writable: true, enumerable: true },
    reader: { value: em, enumerable: true },
  };
  if (loaders) own.loaders = { value: loaders, writable: true, enumerable: true };
  return Object.create(ctx, own) as RequestContext;
}
