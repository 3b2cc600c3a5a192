// `npm run bench`: the gateway's figures against anchors measured in the same run, each anchor a server in a
// process of its own (goals.ts holds the goals). On each database (SQLite, and PostgreSQL: see databases.ts;
// BENCH_DATABASES picks one) the ones that depend on it: GraphQL req/s against raw node:http and a minimal
// graphql-yoga server, Asset Manager REST and WoodWing search req/s against raw node:http, and search
// latencies on BENCH_SEARCH_ASSETS seeded assets, printed side by side. On the first database only, the ones
// that do not: a 1 GiB upload against a bare busboy sink, the server's RSS during it, and (with wrk) a
// 10 MiB media download against plain Node; then thumbnails and previews of 24 MP JPEGs and the RSS meanwhile
// (renditions.ts).
// Settings: BENCH_SECONDS (per req/s and download run, default 10), BENCH_UPLOAD_MB (default 1024),
// BENCH_ROUNDS (req/s rounds, default 3), BENCH_SEARCH_ASSETS (default 100,000), BENCH_SEARCH_REQUESTS
// (default 200), BENCH_DATABASES, BENCH_DATABASE_URL, BENCH_RENDITION_IMAGES (default 6).
import { mkdtempSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DATABASE_LABELS,
  type DatabaseKind,
  type DatabaseServer,
  databasesToBench,
  postgresForBench,
  postgresRequired,
  sqliteServer,
  stopThrowawayClusterNow,
} from './databases.js';
import { type FileFigures, fileFailures, fileRows, measureFiles } from './files.js';
import { startGateway } from './gateway.js';
import { killAllNow, rssMiB, stop, stopAll } from './processes.js';
import { measureRenditions, type RenditionFigures, renditionFailures, renditionRows } from './renditions.js';
import { measureSearch } from './search.js';
import {
  errorMessage,
  fmt,
  log,
  MIB,
  ROUNDS,
  SEARCH_ASSETS,
  SEARCH_REQUESTS,
  SECONDS,
  UPLOAD_BYTES,
} from './settings.js';
import { columnFailures, type DatabaseColumn, databaseRows, printTable } from './summary.js';
import {
  type AnchorServers,
  graphqlRunner,
  measureRounds,
  restRunner,
  seedOneAsset,
  startAnchors,
  startRestFloor,
  woodwingSearchRunner,
} from './throughput.js';

/** The renditions figures, measured once on the gateway that measures the files. */
let renditions: RenditionFigures | undefined;

/** Where everything of this run goes: the gateways' folders, the test files, the throwaway cluster. */
const root = mkdtempSync(join(tmpdir(), 'asset-gateway-bench-'));

async function databaseServer(kind: DatabaseKind): Promise<DatabaseServer | { notMeasured: string }> {
  if (kind === 'sqlite') return sqliteServer();
  log("PostgreSQL: BENCH_DATABASE_URL, or else a throwaway cluster of the bench's own...");
  return postgresForBench(root);
}

/**
 * On a gateway of its own on a fresh database: the req/s rounds on one small asset (the anchors' runs in
 * each round), and, when `withFiles`, the file and memory figures. The gateway's folder goes once it has
 * stopped (the upload's blob is 1 GiB).
 */
async function measureRequests(
  server: DatabaseServer,
  anchors: AnchorServers,
  column: DatabaseColumn,
  withFiles: boolean,
): Promise<FileFigures | undefined> {
  const label = DATABASE_LABELS[server.kind];
  const folder = join(root, `requests-${server.kind}`);
  log(`${label}: starting asset-gateway (node dist/src/main.js) on a fresh database...`);
  const database = await server.create(folder);
  const gateway = await startGateway(folder, database);
  // Something else may stop it (a crash, a kill): then every figure after this line is not the gateway's.
  const onExit = (code: number | null, signal: string | null) =>
    log(`${label}: asset-gateway EXITED during the run (code ${code}, signal ${signal})`);
  gateway.process.once('exit', onExit);
  try {
    const startRss = rssMiB(gateway.pid);
    const { token, assetId } = await seedOneAsset(gateway.url);
    const runners = {
      graphql: await graphqlRunner(gateway.url, token, assetId),
      rest: await restRunner(gateway.url, token, assetId),
      woodwingSearch: await woodwingSearchRunner(gateway.url, assetId),
    };
    const floorPath = server.kind === 'sqlite' ? database.url.slice('sqlite:'.length) : undefined;
    const restFloor = floorPath ? await startRestFloor(floorPath, token, assetId) : undefined;
    try {
      column.requests = await measureRounds(anchors, { ...runners, restFloor }, (m) => log(`${label}: ${m}`));
    } finally {
      await restFloor?.stop();
    }
    if (!withFiles) return undefined;
    log(`files and memory, on ${label} (they run once: the database does not take part in them)`);
    const files = await measureFiles(gateway, token, root, startRss);
    renditions = await measureRenditions(gateway, token, log);
    return files;
  } finally {
    gateway.process.off('exit', onExit);
    await stop(gateway.process);
    await rm(folder, { recursive: true, force: true });
  }
}

async function measureDatabase(
  kind: DatabaseKind,
  anchors: AnchorServers,
  withFiles: boolean,
): Promise<{ column: DatabaseColumn; files?: FileFigures }> {
  const label = DATABASE_LABELS[kind];
  const server = await databaseServer(kind);
  if ('notMeasured' in server) {
    log(`${label}: not measured: ${server.notMeasured}`);
    return { column: { kind, where: server.notMeasured, notMeasured: true } };
  }
  log(`${label}: ${server.description}`);
  const column: DatabaseColumn = { kind, where: server.description };
  let files: FileFigures | undefined;
  try {
    try {
      files = await measureRequests(server, anchors, column, withFiles);
    } catch (error) {
      log(`${label}: req/s FAILED: ${errorMessage(error)}`);
      column.requests = { failed: errorMessage(error) };
    }
    try {
      column.search = await measureSearch(server, root, log);
    } catch (error) {
      log(`${label}: search FAILED: ${errorMessage(error)}`);
      column.search = { failed: errorMessage(error) };
    }
  } finally {
    await server.close();
  }
  return { column, files };
}

async function main(): Promise<void> {
  const kinds = databasesToBench();
  log(
    `temp folder ${root}; databases: ${kinds.map((kind) => DATABASE_LABELS[kind]).join(', ')}; ` +
      `${ROUNDS} rounds of ${SECONDS} s req/s runs; ` +
      `upload of ${fmt(UPLOAD_BYTES / MIB)} MiB; search on ${fmt(SEARCH_ASSETS)} assets, ${SEARCH_REQUESTS} requests per query`,
  );
  const anchors = await startAnchors(log);
  const columns: DatabaseColumn[] = [];
  let files: { on: DatabaseKind; figures: FileFigures } | undefined;
  try {
    for (const kind of kinds) {
      const measured = await measureDatabase(kind, anchors, files === undefined);
      columns.push(measured.column);
      if (measured.files) files = { on: kind, figures: measured.files };
    }
  } finally {
    await anchors.stop();
  }

  process.stdout.write(`\nDatabase-dependent figures, side by side (req/s: medians of ${ROUNDS} rounds):\n\n`);
  printTable(databaseRows(columns));
  if (files) {
    process.stdout.write(`\nFiles and memory (once, on ${DATABASE_LABELS[files.on]}):\n\n`);
    printTable(fileRows(files.figures));
  } else {
    process.stdout.write('\nFiles and memory: not measured (no gateway got that far; see the log above)\n');
  }
  if (renditions) {
    process.stdout.write('\nRenditions (once, on the same gateway):\n\n');
    printTable(renditionRows(renditions));
  }
  process.stdout.write('(MB = 10^6 bytes; MiB = 2^20 bytes)\n');

  const failures = [
    ...(files ? fileFailures(files.figures) : ['no file or memory figures']),
    ...(renditions ? renditionFailures(renditions) : ['no renditions figures']),
    ...columns.flatMap((column) => columnFailures(column)),
    ...(postgresRequired() && columns.some((c) => c.kind === 'postgres' && c.notMeasured)
      ? ['PostgreSQL was asked for (BENCH_DATABASE_URL or BENCH_DATABASES) but not measured']
      : []),
  ];
  if (failures.length > 0) {
    process.stdout.write(`exit code 1: ${failures.join('; ')}\n`);
    process.exitCode = 1;
  }
}

function cleanUp(): void {
  rmSync(root, { recursive: true, force: true });
}

process.once('SIGINT', () => {
  killAllNow();
  stopThrowawayClusterNow();
  cleanUp();
  process.exit(130);
});

try {
  await main();
} catch (error) {
  process.exitCode = 1;
  process.stderr.write(`[bench] failed: ${errorMessage(error)}\n`);
} finally {
  await stopAll();
  stopThrowawayClusterNow();
  cleanUp();
}
