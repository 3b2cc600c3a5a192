import type { Logger } from 'pino';
import { SecretBox } from './auth/secretBox.js';
import { UrlSigner } from './auth/urlSignatures.js';
import type { Config } from './config.js';
import { type Orm, openDatabase, type QueryStats } from './db/orm.js';
import type { AssetEvents } from './events/AssetEvents.js';
import { openAssetEvents } from './events/openAssetEvents.js';
import { EmailNotifier } from './notify/emailNotifier.js';
import { RenditionCleanup } from './renditions/RenditionCleanup.js';
import { RenditionQueue } from './renditions/RenditionQueue.js';
import { RenditionStore } from './renditions/RenditionStore.js';
import { Watermark } from './renditions/Watermark.js';
import { ClamdScanner } from './scan/ClamdScanner.js';
import { type Scanner, scanningOff } from './scan/Scanner.js';
import { ScanQueue } from './scan/ScanQueue.js';
import type { BlobStore } from './storage/BlobStore.js';
import { openBlobStore } from './storage/openBlobStore.js';

/** What the server and the admin CLI open alike, from the same settings; neither queue is started here. */
export interface ServiceParts {
  orm: Orm;
  blobStore: BlobStore;
  scanner: Scanner;
  scanQueue: ScanQueue;
  renditions: RenditionQueue;
  assetEvents: AssetEvents;
  secretBox: SecretBox;
  urlSigner: UrlSigner;
  notifier: EmailNotifier;
}

export async function openServiceParts(config: Config, log: Logger, stats?: QueryStats): Promise<ServiceParts> {
  // First: a bucket that does not answer stops the start before the database is opened.
  const blobStore = await openBlobStore(config.storage, log);
  const orm = await openDatabase(config, stats);
  const scanner: Scanner = config.clamd
    ? new ClamdScanner(config.clamd, { connectTimeoutMs: 5_000, scanTimeoutMs: config.clamdTimeoutMs })
    : scanningOff;
  const assetEvents = await openAssetEvents(config.database, log);
  const renditionStore = new RenditionStore(blobStore, config.renditions, await Watermark.load(config.renditions));
  const renditionCleanup = new RenditionCleanup(orm, blobStore, config.renditions, log);
  const renditions = new RenditionQueue(orm, renditionStore, renditionCleanup, log);
  const scanQueue = new ScanQueue(orm, blobStore, scanner, assetEvents, log, renditions);
  const secretBox = await SecretBox.open(config.secretKey, config.dataDir);
  const urlSigner = new UrlSigner(secretBox);
  const notifier = await EmailNotifier.open(config.smtpUrl, config.smtpFrom, log);
  return { orm, blobStore, scanner, scanQueue, renditions, assetEvents, secretBox, urlSigner, notifier };
}

/** Stops whatever queue runs and closes the connections, the database last. */
export async function closeServiceParts(parts: ServiceParts): Promise<void> {
  await parts.scanQueue.stop();
  await parts.renditions.stop();
  await parts.assetEvents.close();
  parts.notifier.close();
  await parts.blobStore.close();
  await parts.orm.close();
}
