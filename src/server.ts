import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { openRateLimits } from './auth/rateLimits.js';
import { SecretBox } from './auth/secretBox.js';
import { UrlSigner } from './auth/urlSignatures.js';
import type { Config } from './config.js';
import type { Services } from './context.js';
import { type Orm, openDatabase, type QueryStats } from './db/orm.js';
import { openAssetEvents } from './events/openAssetEvents.js';
import { createGraphqlHandler } from './http/graphqlHandler.js';
import { requestContextFactory, sendJson } from './http/requestContext.js';
import { ServiceMetrics } from './metrics/serviceMetrics.js';
import { EmailNotifier } from './notify/emailNotifier.js';
import { RenditionQueue } from './renditions/RenditionQueue.js';
import { RenditionStore } from './renditions/RenditionStore.js';
import { Watermark } from './renditions/Watermark.js';
import { ensureFirstAdmin, type GeneratedAdmin } from './resolvers/accounts/users.js';
import { createRoutes } from './routes.js';
import { ClamdScanner } from './scan/ClamdScanner.js';
import { type Scanner, scanningOff } from './scan/Scanner.js';
import { ScanQueue } from './scan/ScanQueue.js';
import { schema } from './schema/index.js';
import { openBlobStore } from './storage/openBlobStore.js';

export interface RunningServer {
  url: string;
  port: number;
  config: Config;
  orm: Orm;
  /** SQL statements run since start; read by tests and benchmarks. */
  stats: QueryStats;
  scanner: Scanner;
  /** Set on the start that created the first admin with a generated password: for main to show once. */
  generatedAdmin: GeneratedAdmin | undefined;
  close(): Promise<void>;
}

const REQUEST_ID = /^[\w.:-]{1,128}$/;

function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/** One line per request, written when the response is done (or the client went away). */
function logWhenDone(
  log: Logger,
  metrics: ServiceMetrics,
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
): void {
  const started = process.hrtime.bigint();
  res.once('close', () => {
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    metrics.requestDone(res, ms / 1000);
    // The path only: query strings can carry keys and tokens.
    const path = (req.url ?? '/').split('?')[0];
    log.info(
      {
        requestId,
        method: req.method,
        path,
        status: res.statusCode,
        ms: Math.round(ms * 10) / 10,
        ...(res.writableFinished ? {} : { aborted: true }),
      },
      'request',
    );
  });
}

export async function startServer(config: Config, log: Logger): Promise<RunningServer> {
  const stats: QueryStats = { queries: 0 };
  // First: a bucket that does not answer stops the start before the database is opened.
  const blobStore = await openBlobStore(config.storage, log);
  const orm = await openDatabase(config, stats);
  const scanner: Scanner = config.clamd
    ? new ClamdScanner(config.clamd, { connectTimeoutMs: 5_000, scanTimeoutMs: config.clamdTimeoutMs })
    : scanningOff;
  const assetEvents = await openAssetEvents(config.database, log);
  const renditionStore = new RenditionStore(blobStore, config.renditions, await Watermark.load(config.renditions));
  const renditions = new RenditionQueue(orm, renditionStore, log);
  const scanQueue = new ScanQueue(orm, blobStore, scanner, assetEvents, log, renditions);
  const secretBox = await SecretBox.open(config.secretKey, config.dataDir);
  const generatedAdmin = await ensureFirstAdmin(orm.em.fork(), config, log);
  const rateLimits = await openRateLimits(orm, config.rateLimits, log);

  const urlSigner = new UrlSigner(secretBox);
  const notifier = await EmailNotifier.open(config.smtpUrl, config.smtpFrom, log);
  const metrics = new ServiceMetrics(orm);
  const services: Services = {
    config,
    blobStore,
    scanQueue,
    renditions,
    secretBox,
    urlSigner,
    notifier,
    assetEvents,
    rateLimits,
    log,
  };
  const createContext = requestContextFactory(orm, services);
  const handleGraphql = createGraphqlHandler(schema, config, createContext);

  const dispatch = createRoutes({ handleGraphql, createContext, orm, blobStore, scanner, metrics });

  const timeouts = config.connectionTimeouts;
  const server: Server = createServer(
    {
      headersTimeout: timeouts.headersMs,
      keepAliveTimeout: timeouts.keepAliveMs,
      // Uploads of a gigabyte over a slow link take a while: no cap on a whole request, but on its silences (timeout).
      requestTimeout: 0,
      // How often node looks for connections past headersTimeout (its default, 30 s, would let one wait that much more).
      connectionsCheckingInterval: Math.min(1000, timeouts.headersMs),
    },
    (req, res) => {
      const requestId = requestIdOf(req);
      res.setHeader('x-request-id', requestId);
      logWhenDone(log, metrics, req, res, requestId);
      const failed = (error: unknown) => {
        log.error({ err: error, requestId }, 'request failed');
        if (!res.headersSent) sendJson(res, 500, { error: 'Internal error', requestId });
        else res.destroy();
      };
      try {
        dispatch(req, res, requestId)?.catch(failed);
      } catch (error) {
        failed(error);
      }
    },
  );
  // A connection with nothing read or written for this long (a stalled body, a reader that stopped) is closed.
  server.timeout = timeouts.idleMs;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  const port = (server.address() as AddressInfo).port;
  if (config.publicUrl.endsWith(':0')) config.publicUrl = `http://localhost:${port}`;
  scanQueue.start();
  renditions.start();

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    config,
    orm,
    stats,
    scanner,
    generatedAdmin,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await scanQueue.stop();
      rateLimits.close();
      await renditions.stop();
      await assetEvents.close();
      notifier.close();
      await blobStore.close();
      await orm.close();
    },
  };
}
