import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { SecretBox } from './auth/secretBox.js';
import type { Config } from './config.js';
import type { Services } from './context.js';
import { type Orm, openDatabase, type QueryStats } from './db/orm.js';
import { openAssetEvents } from './events/openAssetEvents.js';
import { createGraphqlHandler } from './http/graphqlHandler.js';
import { requestContextFactory, sendJson } from './http/requestContext.js';
import { RenditionQueue } from './renditions/RenditionQueue.js';
import { RenditionStore } from './renditions/RenditionStore.js';
import { Watermark } from './renditions/Watermark.js';
import { ensureFirstAdmin } from './resolvers/accounts/users.js';
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
  close(): Promise<void>;
}

const REQUEST_ID = /^[\w.:-]{1,128}$/;

function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/** One line per request, written when the response is done (or the client went away). */
function logWhenDone(log: Logger, req: IncomingMessage, res: ServerResponse, requestId: string): void {
  const started = process.hrtime.bigint();
  res.once('close', () => {
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
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
  await ensureFirstAdmin(orm.em.fork(), config, log);

  const services: Services = { config, blobStore, scanQueue, renditions, secretBox, assetEvents, log };
  const createContext = requestContextFactory(orm, services);
  const handleGraphql = createGraphqlHandler(schema, config, createContext);

  const dispatch = createRoutes({ handleGraphql, createContext, orm, blobStore, scanner });

  const server: Server = createServer((req, res) => {
    const requestId = requestIdOf(req);
    res.setHeader('x-request-id', requestId);
    logWhenDone(log, req, res, requestId);
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
  });
  // Uploads of a gigabyte over a slow link take a while; the default request timeout would cut them off.
  server.requestTimeout = 0;

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
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await scanQueue.stop();
      await renditions.stop();
      await assetEvents.close();
      await blobStore.close();
      await orm.close();
    },
  };
}
