import pino from 'pino';
import { type Config, ConfigError, describeDatabase, loadConfig, loadEnvFile } from './config.js';
import { firstAdminNotice } from './firstAdminNotice.js';
import { type RunningServer, startServer } from './server.js';
import { stopOnSignals } from './stopOnSignals.js';
import { describeStorage } from './storage/storageUrl.js';

/** A setting that stops the start is the operator's to fix: one line naming it, no stack trace. */
function exitOnConfigError(error: unknown): never {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`asset-gateway cannot start: ${error.message}\n`);
  process.exit(1);
}

let config: Config;
try {
  loadEnvFile();
  config = loadConfig();
} catch (error) {
  exitOnConfigError(error);
}

// Written asynchronously and in batches of at least 4 KiB, flushed every LOG_FLUSH_MS and at exit: a write
// per request line took a sixth of a small request's time, and under load still one in eight.
const LOG_FLUSH_MS = 200;
const logDestination = pino.destination({ dest: 1, sync: false, minLength: 4096 });
setInterval(() => logDestination.flush(), LOG_FLUSH_MS).unref();
process.once('exit', () => logDestination.flushSync());
const log = pino({ level: config.logLevel, base: { service: 'asset-gateway' } }, logDestination);
let server: RunningServer;
try {
  server = await startServer(config, log);
} catch (error) {
  exitOnConfigError(error);
}
// Before the banner: whoever reads the banner may signal at once.
stopOnSignals(server, config.shutdownGraceMs, log);

const storage = describeStorage(config.storage);
log.info(
  {
    listening: `http://${config.host}:${server.port}`,
    publicUrl: config.publicUrl,
    database: describeDatabase(config.database),
    storage,
    scanning: server.scanner.describe(),
    maxUploadMb: config.maxUploadBytes / 1024 / 1024,
  },
  `asset-gateway listening on http://${config.host}:${server.port} (GraphQL and GraphiQL at ${config.publicUrl}/graphql); database ${describeDatabase(config.database)}; storage ${storage}; virus scanning ${server.scanner.enabled ? 'on' : 'off'}`,
);
// Whoever waits for the banner gets it now, not at the next flush.
logDestination.flush();
if (server.generatedAdmin) process.stderr.write(firstAdminNotice(server.generatedAdmin, config.publicUrl));
