import type { DatabaseConfig } from '../../config.js';
import { postgresMigrations } from '../migrations-postgres/index.js';
import { Migration20261122000000Initial } from './Migration20261122000000Initial.js';
import { Migration20261122100000SharedLinks } from './Migration20261122100000SharedLinks.js';
import { Migration20261122120000MediaServing } from './Migration20261122120000MediaServing.js';
import { Migration20261122130000Search } from './Migration20261122130000Search.js';
import { Migration20261122140000ApiSessions } from './Migration20261122140000ApiSessions.js';
import { Migration20261122150000SearchIndexes } from './Migration20261122150000SearchIndexes.js';
import { Migration20261123100000Processes } from './Migration20261123100000Processes.js';
import { Migration20261123200000SearchSpeed } from './Migration20261123200000SearchSpeed.js';
import { Migration20261124100000NumberProbes } from './Migration20261124100000NumberProbes.js';
import { Migration20261124110000DeletedAssets } from './Migration20261124110000DeletedAssets.js';
import { Migration20261125110000FolderMetadata } from './Migration20261125110000FolderMetadata.js';
import { Migration20261125120000UsageHistory } from './Migration20261125120000UsageHistory.js';
import { Migration20261207000000RateLimits } from './Migration20261207000000RateLimits.js';
import { Migration20261207100000Renditions } from './Migration20261207100000Renditions.js';
import { Migration20261207110000LiveLegacyPaths } from './Migration20261207110000LiveLegacyPaths.js';
import { Migration20261207120000TagLists } from './Migration20261207120000TagLists.js';
import { Migration20261207130000RenditionCleanup } from './Migration20261207130000RenditionCleanup.js';
import { Migration20261207140000ApiTokenExpiry } from './Migration20261207140000ApiTokenExpiry.js';
import { Migration20261207150000CredentialEpoch } from './Migration20261207150000CredentialEpoch.js';

/** Every SQLite migration, oldest first; applied at start. */
export const migrations = [
  { name: 'Migration20261122000000Initial', class: Migration20261122000000Initial },
  { name: 'Migration20261122100000SharedLinks', class: Migration20261122100000SharedLinks },
  { name: 'Migration20261122120000MediaServing', class: Migration20261122120000MediaServing },
  { name: 'Migration20261122130000Search', class: Migration20261122130000Search },
  { name: 'Migration20261122140000ApiSessions', class: Migration20261122140000ApiSessions },
  { name: 'Migration20261122150000SearchIndexes', class: Migration20261122150000SearchIndexes },
  { name: 'Migration20261123100000Processes', class: Migration20261123100000Processes },
  { name: 'Migration20261123200000SearchSpeed', class: Migration20261123200000SearchSpeed },
  { name: 'Migration20261124100000NumberProbes', class: Migration20261124100000NumberProbes },
  { name: 'Migration20261124110000DeletedAssets', class: Migration20261124110000DeletedAssets },
  { name: 'Migration20261125110000FolderMetadata', class: Migration20261125110000FolderMetadata },
  { name: 'Migration20261125120000UsageHistory', class: Migration20261125120000UsageHistory },
  { name: 'Migration20261207000000RateLimits', class: Migration20261207000000RateLimits },
  { name: 'Migration20261207100000Renditions', class: Migration20261207100000Renditions },
  { name: 'Migration20261207110000LiveLegacyPaths', class: Migration20261207110000LiveLegacyPaths },
  { name: 'Migration20261207120000TagLists', class: Migration20261207120000TagLists },
  { name: 'Migration20261207130000RenditionCleanup', class: Migration20261207130000RenditionCleanup },
  { name: 'Migration20261207140000ApiTokenExpiry', class: Migration20261207140000ApiTokenExpiry },
  { name: 'Migration20261207150000CredentialEpoch', class: Migration20261207150000CredentialEpoch },
];

/** The migrations of one kind of database: PostgreSQL has a twin of each SQLite one that it needs. */
export function migrationsFor(kind: DatabaseConfig['kind']): typeof migrations {
  return kind === 'sqlite' ? migrations : postgresMigrations;
}
