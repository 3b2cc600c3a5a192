import { loadConfig } from '../config.js';
import type { VerificationProgress } from '../storage/blobVerification.js';
import { type Command, EXIT_FAILED, EXIT_OK, PROGRAM } from './commandLine.js';
import { byteCount, ProgressLine } from './progressLine.js';
import { printLine } from './textOutput.js';

/** Off a terminal, a progress line at most this often. */
const PLAIN_PROGRESS_EVERY_MS = 1_000;

const verify: Command = {
  name: 'verify',
  summary: 'Hash every blob again and report each damaged or missing one with the assets that point at it.',
  arguments: [],
  options: {},
  help: `Reads every blob the store holds and every blob a row points at, one at a time. Progress goes to
stderr, the damage report to stdout: one line per damaged or missing blob, then the counts.
Exit code 1 when anything is damaged or missing. Also: npm run verify.

Example:
  DATA_DIR=/srv/asset-gateway ${PROGRAM} verify`,
  async run() {
    const config = loadConfig();
    const [{ default: pino }, { openBlobStore }, { openDatabase }, { blobReferences }, { verifyBlobs }] =
      await Promise.all([
        import('pino'),
        import('../storage/openBlobStore.js'),
        import('../db/orm.js'),
        import('../db/blobReferences.js'),
        import('../storage/blobVerification.js'),
      ]);
    const log = pino({ level: 'warn' }, pino.destination(2));
    const blobStore = await openBlobStore(config.storage, log);
    const orm = await openDatabase(config);
    const progress = new ProgressLine();
    let lastPlainAt = 0;
    const showProgress = ({ done, total, bytes }: VerificationProgress) => {
      const now = Date.now();
      const due = done === total || now - lastPlainAt >= PLAIN_PROGRESS_EVERY_MS;
      if (due) lastPlainAt = now;
      progress.show(`verify: ${done}/${total} blobs, ${byteCount(bytes)} read`, { due, final: done === total });
    };
    try {
      process.stderr.write(`verify: blobs in ${blobStore.describe()}\n`);
      const report = await verifyBlobs(blobStore, await blobReferences(orm), showProgress);
      progress.end();
      for (const problem of report.problems) {
        const assets = problem.assetIds.length > 0 ? ` (assets ${problem.assetIds.join(', ')})` : '';
        printLine(`${problem.kind} ${problem.key}: ${problem.reason}${assets}`);
      }
      printLine(
        `${report.checked} blobs checked (${report.bytes} bytes); ${report.problems.length} damaged or missing; ` +
          `${report.unreferenced.length} not pointed at by any row`,
      );
      return report.problems.length > 0 ? EXIT_FAILED : EXIT_OK;
    } finally {
      await orm.close(true);
      await blobStore.close();
    }
  },
};

const migrationName = (name: string) => name.replace(/\.[jt]s$/, '');

const migrate: Command = {
  name: 'migrate',
  summary: 'Apply the pending database migrations and name each (the server also applies them at start).',
  arguments: [],
  options: { check: { type: 'boolean' } },
  help: `Options:
  --check    apply nothing: list the pending migrations, exit code 1 if there are any

Example:
  DATABASE_URL=postgres://gateway@db/assets ${PROGRAM} migrate --check`,
  async run({ options }) {
    const config = loadConfig();
    const { openDatabase, migrateUnderLock } = await import('../db/orm.js');
    const orm = await openDatabase(config, undefined, { migrate: false });
    try {
      if (options.check) {
        const pending = (await orm.migrator.getPending()).map((migration) => migrationName(migration.name));
        for (const name of pending) printLine(`pending ${name}`);
        printLine(pending.length > 0 ? `${pending.length} migrations pending` : 'the database is up to date');
        return pending.length > 0 ? EXIT_FAILED : EXIT_OK;
      }
      const applied = await migrateUnderLock(orm, config.database);
      for (const name of applied) printLine(`applied ${migrationName(name)}`);
      printLine(applied.length > 0 ? `${applied.length} migrations applied` : 'the database is up to date');
      return EXIT_OK;
    } finally {
      await orm.close(true);
    }
  },
};

export const storeCommands = [verify, migrate];
