import pino from 'pino';
import { ConfigError, describeDatabase, loadConfig } from './config.js';
import { startServer } from './server.js';

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`asset-gateway cannot start: ${error.message}\n`);
  process.exit(1);
}

const log = pino({ level: config.logLevel, base: { service: 'asset-gateway' } });
const server = await startServer(config, log);
log.info(
  {
    listening: `http://${config.host}:${server.port}`,
    publicUrl: config.publicUrl,
    database: describeDatabase(config.database),
    storage: `filesystem at ${config.blobDir}`,
    scanning: server.scanner.describe(),
    maxUploadMb: config.maxUploadBytes / 1024 / 1024,
  },
  `asset-gateway listening on http://${config.host}:${server.port} (GraphQL and GraphiQL at ${config.publicUrl}/graphql); database ${describeDatabase(config.database)}; storage ${config.blobDir}; virus scanning ${server.scanner.enabled ? 'on' : 'off'}`,
);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log.info({ signal }, 'shutting down');
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}
