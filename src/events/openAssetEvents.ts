import type { Logger } from 'pino';
import type { DatabaseConfig } from '../config.js';
import { type AssetEvents, InProcessAssetEvents } from './AssetEvents.js';
import { PostgresAssetEvents } from './PostgresAssetEvents.js';

/**
 * On PostgreSQL, several instances may share the database: changes travel between them through it.
 * SQLite is one machine and one process, so they stay in it.
 */
export async function openAssetEvents(database: DatabaseConfig, log: Logger): Promise<AssetEvents> {
  if (database.kind === 'postgresql') return PostgresAssetEvents.open(database.url, log);
  return new InProcessAssetEvents();
}
