import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './freePort.js';

const run = promisify(execFile);
const START_SCRIPT = resolve(import.meta.dirname, '../../scripts/start-postgres.sh');

/** The folder of PostgreSQL's server programs (initdb, pg_ctl): on PATH, or Debian's /usr/lib/postgresql/<n>/bin. */
export function postgresBinDir(): string | undefined {
  const onPath = (process.env.PATH ?? '').split(delimiter).filter((dir) => existsSync(join(dir, 'initdb')));
  const debian = existsSync('/usr/lib/postgresql')
    ? readdirSync('/usr/lib/postgresql')
        .sort((a, b) => Number(b) - Number(a))
        .map((version) => join('/usr/lib/postgresql', version, 'bin'))
    : [];
  return [...onPath, ...debian].find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')));
}

export interface ThrowawayPostgres {
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  url: string;
  /** Stops the cluster and removes its files. */
  stop(): Promise<void>;
}

/** A PostgreSQL cluster of this test file's own (scripts/start-postgres.sh), on a free loopback port. */
export async function startThrowawayPostgres(binDir: string): Promise<ThrowawayPostgres> {
  const dir = await mkdtemp(join(tmpdir(), 'asset-gateway-pg-'));
  const port = await freePort();
  const env = { ...process.env, PATH: `${binDir}${delimiter}${process.env.PATH ?? ''}` };
  const { stdout } = await run(START_SCRIPT, [dir, String(port)], { env });
  const url = stdout.trim();
  // The script runs the cluster as the postgres user when it is run as root: so must pg_ctl be.
  const asOwner = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--'] : [];
  const pgCtl = [...asOwner, join(binDir, 'pg_ctl'), '-D', join(dir, 'data'), '-m', 'immediate', '-w', 'stop'];
  return {
    url,
    async stop() {
      await run(pgCtl[0] as string, pgCtl.slice(1)).catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
}
