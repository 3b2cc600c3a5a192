import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { openRateLimits } from './auth/rateLimits.js';
import type { Config } from './config.js';
import { servicesOf } from './context.js';
import type { Orm, QueryStats } from './db/orm.js';
import { GraphiqlServing } from './http/graphiqlServing.js';
import { createGraphqlHandler } from './http/graphqlHandler.js';
import { requestContextFactory, sendJson } from './http/requestContext.js';
import { drainServer, RunningHandlers } from './http/serverDrain.js';
import { ServiceMetrics } from './metrics/serviceMetrics.js';
import { ensureFirstAdmin, type GeneratedAdmin } from './resolvers/accounts/users.js';
import { createRoutes } from './routes.js';
import type { Scanner } from './scan/Scanner.js';
import { schema } from './schema/index.js';
import { closeServiceParts, openServiceParts } from './serviceParts.js';

export interface RunningServer {
  url: string;
  port: number;
  config: Config;
  orm: Orm;
  /** SQL statements run since start; read by tests and benchmarks. */
  stats: QueryStats;
  scanner: Scanner;
  /** Closes at once: connections cut, queue work finished wherever it is. */
  /** Set on the start that created the first admin with a generated password: for main to show once. */
  generatedAdmin: GeneratedAdmin | undefined;
  close(): Promise<void>;
  /**
   * Stops as SIGTERM asks: accepts nothing more, lets requests in flight finish within `graceMs` (then cuts
   * them), hands back the queues' work still running, and closes. Resolves with how many requests were cut.
   */
  shutdown(graceMs: number): Promise<{ requestsCut: number }>;
}

/** What a request that reaches a stopping server (on a kept-alive connection) gets. */
function refuseWhileStopping(res: ServerResponse): void {
  res.setHeader('connection', 'close');
  res.setHeader('retry-after', '1');
  sendJson(res, 503, { error: 'The server is shutting down; try again' });
}

const GRAPHIQL_OPTIONS = { title: 'asset-gateway', credentials: 'same-origin' };

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
  const parts = await openServiceParts(config, log, stats);
  const { orm, blobStore, scanner, scanQueue, renditions, assetEvents } = parts;
  const generatedAdmin = await ensureFirstAdmin(orm.em.fork(), config, log);
  const rateLimits = await openRateLimits(orm, config.rateLimits, log);

  const metrics = new ServiceMetrics(orm);
  const services = servicesOf({ ...parts, config, rateLimits, log });
  const createContext = requestContextFactory(orm, services);
  const graphiql = config.graphiql ? new GraphiqlServing(GRAPHIQL_OPTIONS) : undefined;
  const handleGraphql = createGraphqlHandler(schema, config, createContext, graphiql);

  const dispatch = createRoutes({ handleGraphql, createContext, orm, blobStore, scanner, metrics, graphiql });

  const handlers = new RunningHandlers();
  let stopping = false;
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
      if (stopping) return refuseWhileStopping(res);
      handlers.started();
      const failed = (error: unknown) => {
        handlers.settled();
        log.error({ err: error, requestId }, 'request failed');
        if (!res.headersSent) sendJson(res, 500, { error: 'Internal error', requestId });
        else res.destroy();
      };
      try {
        const pending = dispatch(req, res, requestId);
        if (pending) pending.then(handlers.settled, failed);
        else handlers.settled();
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

  const closeServices = async () => {
    rateLimits.close();
    await closeServiceParts(parts);
  };

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    config,
    orm,
    stats,
    scanner,
    generatedAdmin,
    async close() {
      stopping = true;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await closeServices();
    },
    async shutdown(graceMs) {
      stopping = true;
      const drained = drainServer(server, handlers, graceMs);
      // A subscription never finishes by itself: its SSE response ends now, the client reconnects elsewhere.
      await assetEvents.endSubscriptions();
      // Queue work may finish while requests do; what still runs then is handed back.
      await Promise.all([scanQueue.stop(drained), renditions.stop(drained)]);
      const { requestsCut } = await drained;
      await closeServices();
      return { requestsCut };
    },
  };
}
