import pino from 'pino';
import { ConfigError, loadConfig, loadEnvFile } from '../config.js';
import { blobReferences } from '../db/blobReferences.js';
import { openDatabase } from '../db/orm.js';
import { type VerificationProgress, verifyBlobs } from '../storage/blobVerification.js';
import { openBlobStore } from '../storage/openBlobStore.js';

/*
 * `npm run verify`: hashes every blob again, on the settings the service starts with (DATA_DIR, DATABASE_URL,
 * STORAGE_URL), and lists each damaged or missing one with the assets that point at it. Progress goes to
 * stderr, the report to stdout; exit code 1 when anything is damaged or missing, 2 when it cannot run.
 */

const GiB = 1024 ** 3;
const PROGRESS_EVERY_MS = 1_000;

let lastProgressAt = 0;
function showProgress({ done, total, bytes }: VerificationProgress): void {
  const now = Date.now();
  if (done < total && now - lastProgressAt < PROGRESS_EVERY_MS) return;
  lastProgressAt = now;
  process.stderr.write(`verify: ${done}/${total} blobs, ${(bytes / GiB).toFixed(2)} GiB read\n`);
}

async function main(): Promise<number> {
  loadEnvFile();
  const config = loadConfig();
  const log = pino({ level: 'warn' }, pino.destination(2));
  const blobStore = await openBlobStore(config.storage, log);
  const orm = await openDatabase(config);
  try {
    process.stderr.write(`verify: blobs in ${blobStore.describe()}\n`);
    const report = await verifyBlobs(blobStore, await blobReferences(orm), showProgress);
    for (const problem of report.problems) {
      const assets = problem.assetIds.length > 0 ? ` (assets ${problem.assetIds.join(', ')})` : '';
      process.stdout.write(`${problem.kind} ${problem.key}: ${problem.reason}${assets}\n`);
    }
    process.stdout.write(
      `${report.checked} blobs checked (${report.bytes} bytes); ${report.problems.length} damaged or missing; ` +
        `${report.unreferenced.length} not pointed at by any row\n`,
    );
    return report.problems.length > 0 ? 1 : 0;
  } finally {
    await orm.close(true);
    await blobStore.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const message = error instanceof ConfigError ? error.message : (error as Error).message;
    process.stderr.write(`verify cannot run: ${message}\n`);
    process.exit(2);
  },
);
