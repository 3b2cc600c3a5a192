// Starting asset-gateway (node dist/src/main.js) for the bench, on one of its databases.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GatewayDatabase } from './databases.js';
import { type Child, startNode } from './processes.js';
import { ADMIN, MIB, UPLOAD_BYTES } from './settings.js';

/** The gateway with `<folder>/data` as its DATA_DIR (its blobs) and `<folder>/tmp` as its TMPDIR, on `database`. */
export function startGateway(folder: string, database: GatewayDatabase): Promise<Child> {
  mkdirSync(join(folder, 'tmp'), { recursive: true });
  return startNode(
    fileURLToPath(new URL('../src/main.js', import.meta.url)),
    {
      DATA_DIR: join(folder, 'data'),
      DATABASE_URL: database.url,
      // Whatever a dependency writes under os.tmpdir() stays in this run's folder.
      TMPDIR: join(folder, 'tmp'),
      HOST: '127.0.0.1',
      ADMIN_USERNAME: ADMIN.username,
      ADMIN_PASSWORD: ADMIN.password,
      // The default limit is 1024 MiB: a 1 GiB file is exactly at it, and must be accepted.
      MAX_UPLOAD_MB: String(Math.max(1024, UPLOAD_BYTES / MIB)),
      LOG_LEVEL: 'warn',
    },
    '/healthcheck/ready',
  );
}
