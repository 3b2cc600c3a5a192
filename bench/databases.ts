// The databases the bench runs the gateway on: SQLite files in its temp folder, and PostgreSQL, either the
// server of BENCH_DATABASE_URL or a throwaway cluster of its own (scripts/start-postgres.sh). Each gateway
// of the run gets a fresh database; the PostgreSQL ones are dropped at the end.
import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './processes.js';
import { seedPostgres } from './seedPostgres.js';
import { seedSqlite } from './seedSqlite.js';
import { errorMessage } from './settings.js';

const execFileAsync = promisify(execFile);

export type DatabaseKind = 'sqlite' | 'postgres';
export const DATABASE_LABELS: Record<DatabaseKind, string> = { sqlite: 'SQLite', postgres: 'PostgreSQL' };

/** BENCH_DATABASES: `sqlite`, `postgres` or both, comma-separated; unset, both. */
export function databasesToBench(): DatabaseKind[] {
  const raw = process.env.BENCH_DATABASES;
  if (raw === undefined || raw.trim() === '') return ['sqlite', 'postgres'];
  const names = raw.split(',').map((name) => name.trim().toLowerCase());
  const kinds = names.map((name) => (name === 'postgresql' ? 'postgres' : name));
  const unknown = kinds.filter((kind) => kind !== 'sqlite' && kind !== 'postgres');
  if (unknown.length > 0 || kinds.length === 0) {
    throw new Error(`BENCH_DATABASES: expected sqlite, postgres or sqlite,postgres, got "${raw}"`);
  }
  return [...new Set(kinds as DatabaseKind[])];
}

/** One gateway's fresh database. */
export interface GatewayDatabase {
  /** DATABASE_URL for the gateway. */
  url: string;
  /** Writes `count` seeded assets into it while no gateway runs on it. */
  seed(count: number, adminUsername: string, log: (message: string) => void): Promise<void>;
}

/** Where this run's databases of one kind come from. */
export interface DatabaseServer {
  kind: DatabaseKind;
  /** For the log and the summary: where the databases are. */
  description: string;
  /** A fresh, empty database for the gateway of `folder` (see gateway.ts; SQLite keeps its file there). */
  create(folder: string): Promise<GatewayDatabase>;
  /** Drops what it created and stops what it started. */
  close(): Promise<void>;
}

export function sqliteServer(): DatabaseServer {
  return {
    kind: 'sqlite',
    description: 'a file in the temp folder',
    async create(folder) {
      const path = join(folder, 'data', 'asset-gateway.sqlite');
      return {
        url: `sqlite:${path}`,
        seed: async (count, adminUsername, log) => seedSqlite(path, count, adminUsername, log),
      };
    },
    async close() {},
  };
}

// ---------------------------------------------------------------------------------------------------------------
// PostgreSQL

/** The one admin statement run on the server's own database (create and drop database). */
async function onServer(serverUrl: string, sql: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

/** 15.18, without the distribution's words after it. */
async function serverVersion(serverUrl: string): Promise<string> {
  const { rows } = await onServer(serverUrl, 'show server_version');
  return String((rows[0] as { server_version?: unknown } | undefined)?.server_version ?? '?').split(' ')[0] ?? '?';
}

/** host:port, never the user or the password. */
function describeUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port || '5432'}`;
}

/** A running server: fresh databases on it, each with a name of its own, dropped by close. */
function postgresServer(serverUrl: string, description: string, stopServer: () => Promise<void>): DatabaseServer {
  const created: string[] = [];
  return {
    kind: 'postgres',
    description,
    async create() {
      const name = `agbench_${randomBytes(6).toString('hex')}`;
      // The C locale compares text byte by byte as SQLite does, whatever the server's default.
      await onServer(serverUrl, `create database "${name}" template template0 encoding 'UTF8' locale 'C'`);
      created.push(name);
      const url = new URL(serverUrl);
      url.pathname = `/${name}`;
      return {
        url: url.toString(),
        seed: (count, adminUsername, log) => seedPostgres(url.toString(), count, adminUsername, log),
      };
    },
    async close() {
      for (const name of created.splice(0)) {
        // force: a connection left open by a gateway that was killed must not keep the database.
        await onServer(serverUrl, `drop database if exists "${name}" with (force)`).catch(() => undefined);
      }
      await stopServer();
    },
  };
}

/** BENCH_DATABASE_URL's server, after a first connection proves it answers. */
async function givenServer(serverUrl: string): Promise<DatabaseServer | { notMeasured: string }> {
  if (!/^postgres(ql)?:\/\//.test(serverUrl)) {
    return { notMeasured: 'BENCH_DATABASE_URL is not a postgres:// URL' };
  }
  const where = describeUrl(serverUrl);
  try {
    const version = await serverVersion(serverUrl);
    return postgresServer(serverUrl, `PostgreSQL ${version}, BENCH_DATABASE_URL's server at ${where}`, async () => {});
  } catch (error) {
    return { notMeasured: `BENCH_DATABASE_URL (${where}) does not answer: ${errorMessage(error)}` };
  }
}

/** The folder of initdb and pg_ctl, as scripts/start-postgres.sh finds it: on PATH, else Debian's newest. */
function postgresBinDir(): string | undefined {
  const onPath = (process.env.PATH ?? '').split(delimiter).filter((dir) => dir !== '');
  const debian = existsSync('/usr/lib/postgresql')
    ? readdirSync('/usr/lib/postgresql')
        .sort((a, b) => Number(b) - Number(a))
        .map((version) => join('/usr/lib/postgresql', version, 'bin'))
    : [];
  return [...onPath, ...debian].find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')));
}

const START_SCRIPT = fileURLToPath(new URL('../../scripts/start-postgres.sh', import.meta.url));

/** A stop for the throwaway cluster that works from a signal handler; undefined when none runs. */
let stopClusterNow: (() => void) | undefined;

/** On SIGINT: the cluster runs detached from the bench, so it must be stopped by hand. */
export function stopThrowawayClusterNow(): void {
  stopClusterNow?.();
}

/** A cluster of the bench's own in `<root>/postgres`, on a free loopback port. */
async function throwawayCluster(root: string): Promise<DatabaseServer | { notMeasured: string }> {
  const binDir = postgresBinDir();
  if (!binDir) {
    return {
      notMeasured: 'no PostgreSQL here (no initdb on PATH or in /usr/lib/postgresql/*/bin; or set BENCH_DATABASE_URL)',
    };
  }
  const dir = join(root, 'postgres');
  mkdirSync(dir);
  // As root, the script runs the cluster as the postgres user, which must get through the temp folder.
  if (process.getuid?.() === 0) chmodSync(root, 0o711);
  const port = await freePort();
  let serverUrl: string;
  try {
    const env = { ...process.env, PATH: `${binDir}${delimiter}${process.env.PATH ?? ''}` };
    serverUrl = (await execFileAsync(START_SCRIPT, [dir, String(port)], { env })).stdout.trim();
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    return { notMeasured: `the throwaway PostgreSQL cluster did not start: ${stderr || errorMessage(error)}` };
  }
  const asOwner = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--'] : [];
  const pgCtl = (mode: string) => [
    ...asOwner,
    join(binDir, 'pg_ctl'),
    '-D',
    join(dir, 'data'),
    '-m',
    mode,
    '-w',
    'stop',
  ];
  stopClusterNow = () => {
    const [command, ...args] = pgCtl('immediate');
    spawnSync(command as string, args, { stdio: 'ignore' });
  };
  const stopCluster = async () => {
    const [command, ...args] = pgCtl('fast');
    await execFileAsync(command as string, args).catch(() => undefined);
    stopClusterNow = undefined;
  };
  try {
    // The script trades durability for speed (fsync off): worth knowing when comparing with SQLite.
    const description = `PostgreSQL ${await serverVersion(serverUrl)}, a throwaway cluster (fsync off) on 127.0.0.1:${port}`;
    return postgresServer(serverUrl, description, stopCluster);
  } catch (error) {
    await stopCluster();
    return { notMeasured: `the throwaway PostgreSQL cluster does not answer: ${errorMessage(error)}` };
  }
}

/** PostgreSQL for this run, or why there is none. */
export function postgresForBench(root: string): Promise<DatabaseServer | { notMeasured: string }> {
  const given = process.env.BENCH_DATABASE_URL;
  return given ? givenServer(given) : throwawayCluster(root);
}

/** Whether PostgreSQL was asked for by name, so that not measuring it is a failure of the run. */
export function postgresRequired(): boolean {
  return Boolean(process.env.BENCH_DATABASE_URL) || /postgres/i.test(process.env.BENCH_DATABASES ?? '');
}
