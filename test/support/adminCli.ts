import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { resolve } from 'node:path';

/*
 * The admin CLI as an operator runs it: `node dist/src/cli/main.js ...` (built by `npm run build`) in a child
 * process, on the settings of a test server's data (DATA_DIR, and DATABASE_URL / STORAGE_URL in CI's
 * PostgreSQL + S3 pass).
 */

export const CLI = resolve(import.meta.dirname, '../../dist/src/cli/main.js');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliData {
  dataDir: string;
  databaseUrl: string | undefined;
}

/** The S3 store's credentials, from the test run's environment as CI sets them. */
function awsCredentials(): Record<string, string> {
  const names = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_REGION'];
  return Object.fromEntries(names.flatMap((name) => (process.env[name] ? [[name, process.env[name]]] : [])));
}

export function cliEnv(data: CliData, env: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    ...(data.dataDir ? { DATA_DIR: data.dataDir } : {}),
    ...(data.databaseUrl ? { DATABASE_URL: data.databaseUrl } : {}),
    ...(process.env.TEST_STORAGE_URL ? { STORAGE_URL: process.env.TEST_STORAGE_URL, ...awsCredentials() } : {}),
    ...env,
  };
}

/** Starts the CLI; the caller reads or kills it. */
export function spawnCli(
  data: CliData,
  args: string[],
  env?: Record<string, string>,
  cwd?: string,
): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [CLI, ...args], { env: cliEnv(data, env), stdio: 'pipe', cwd });
}

/** Runs the CLI to its end, with `stdin` piped in (or nothing), and answers its exit code and output. */
export function runCli(
  data: CliData,
  args: string[],
  options: { stdin?: string; env?: Record<string, string>; cwd?: string } = {},
): Promise<CliRun> {
  const child = spawnCli(data, args, options.env, options.cwd);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk;
  });
  child.stdin.end(options.stdin ?? '');
  return new Promise((done) => child.once('close', (code) => done({ code, stdout, stderr })));
}
