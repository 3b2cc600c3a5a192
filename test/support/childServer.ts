import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { createTestDatabase, queryTestDatabase, type TestDatabase } from './testDatabase.js';
import { ADMIN } from './testServer.js';

/*
 * The service as a separate process (`node dist/src/main.js`, built by `npm run build`), so that a test can
 * kill it with SIGKILL mid-work and start it again on the same data folder and database.
 */

const MAIN = resolve(import.meta.dirname, '../../dist/src/main.js');
const UPLOAD = 'mutation($file: Upload!) { uploadAsset(file: $file) { id } }';

export interface ChildServer {
  url: string;
  pid: number;
  /** Every JSON log line it has written so far. */
  logLines: Record<string, unknown>[];
  /** SIGKILL, as a crash or the OOM killer would: no shutdown code runs. Resolves once it has exited. */
  kill9(): Promise<void>;
  /** Sends it a signal (SIGTERM: the graceful stop); `exited` tells how it ended. */
  signal(name: NodeJS.Signals): void;
  /** Its exit code, once it has exited. */
  exited: Promise<number | null>;
}

/** A data folder and a database that outlive the processes started on them. */
export interface ChildServerData {
  dataDir: string;
  /** Runs one statement on the database, `?` for each parameter. */
  sql(query: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  /** Starts the service on this data (env adds settings) and resolves once it listens. */
  start(env?: Record<string, string>): Promise<ChildServer>;
  /** Logs in as the first admin there and returns the bearer token. */
  adminToken(server: ChildServer): Promise<string>;
  /** Uploads a file by GraphQL as `token`'s user and returns the new asset's id. */
  upload(server: ChildServer, token: string, name: string, content: string | Buffer): Promise<string>;
  /** Kills what still runs, drops the database and removes the folder. */
  remove(): Promise<void>;
}

export async function childServerData(dataDir?: string): Promise<ChildServerData> {
  const folder = dataDir ?? (await mkdtemp(join(tmpdir(), 'asset-gateway-crash-')));
  const database: TestDatabase = await createTestDatabase();
  const running = new Set<ChildProcess>();
  return {
    dataDir: folder,
    sql: (query, params) => queryTestDatabase({ url: database.url, dataDir: folder }, query, params),
    start: (env = {}) => startChild(folder, database, env, running),
    async adminToken(server) {
      const response = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          query: 'mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }',
          variables: { u: ADMIN.username, p: ADMIN.password },
        }),
      });
      const body = (await response.json()) as { data?: { login?: { token: string } } };
      if (!body.data?.login) throw new Error(`login failed: ${JSON.stringify(body)}`);
      return body.data.login.token;
    },
    async upload(server, token, name, content) {
      const form = new FormData();
      form.set('operations', JSON.stringify({ query: UPLOAD, variables: { file: null } }));
      form.set('map', JSON.stringify({ 0: ['variables.file'] }));
      form.set('0', new Blob([typeof content === 'string' ? content : new Uint8Array(content)]), name);
      const response = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'apollo-require-preflight': 'true', authorization: `Bearer ${token}` },
        body: form,
      });
      const body = (await response.json()) as { data?: { uploadAsset?: { id: string } } };
      if (!body.data?.uploadAsset) throw new Error(`upload of ${name} failed: ${JSON.stringify(body)}`);
      return body.data.uploadAsset.id;
    },
    async remove() {
      for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await database.drop();
      await rm(folder, { recursive: true, force: true });
    },
  };
}

async function startChild(
  dataDir: string,
  database: TestDatabase,
  env: Record<string, string>,
  running: Set<ChildProcess>,
): Promise<ChildServer> {
  // Only what the service needs: no DATABASE_URL, STORAGE_URL or CLAMD_URL of the shell running the tests.
  const child = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env.PATH ?? '',
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      ADMIN_USERNAME: ADMIN.username,
      ADMIN_PASSWORD: ADMIN.password,
      ...(database.url ? { DATABASE_URL: database.url } : {}),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const logLines: Record<string, unknown>[] = [];
  const listening = new Promise<string>((resolveUrl, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.on('line', (line) => {
      const entry = JSON.parse(line) as Record<string, unknown>;
      logLines.push(entry);
      if (typeof entry.listening === 'string') resolveUrl(entry.listening);
    });
    child.once('exit', (code) => reject(new Error(`the service exited (${code}) before listening: ${stderr}`)));
  });
  const url = await listening;
  return {
    url,
    pid: child.pid as number,
    logLines,
    async kill9() {
      child.kill('SIGKILL');
      await exited;
      running.delete(child);
    },
    signal(name) {
      child.kill(name);
    },
    exited,
  };
}
