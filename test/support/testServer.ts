import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../src/config.js';
import { type RunningServer, startServer } from '../../src/server.js';
import { createTestDatabase, queryTestDatabase, type TestDatabase } from './testDatabase.js';

export const ADMIN = { username: 'admin', password: 'admin-password-for-tests' };

export interface GraphqlResponse<T = Record<string, any>> {
  status: number;
  headers: Headers;
  data: T | null | undefined;
  errors: { message: string; path?: string[]; extensions?: Record<string, unknown> }[] | undefined;
}

export interface RequestOptions {
  token?: string | undefined;
  headers?: Record<string, string>;
}

export interface TestServer {
  url: string;
  dataDir: string;
  /** The DATABASE_URL it runs on; undefined: the SQLite file in dataDir. */
  databaseUrl: string | undefined;
  server: RunningServer;
  /** Runs one statement on the server's database directly, `?` for each parameter; works while stopped too. */
  sql(query: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  /** Sends a JSON GraphQL request, as a client would. */
  graphql<T = Record<string, any>>(
    query: string,
    variables?: Record<string, unknown>,
    options?: RequestOptions,
  ): Promise<GraphqlResponse<T>>;
  /** Sends a GraphQL multipart request (graphql-multipart-request-spec) with one file at variables.file. */
  upload<T = Record<string, any>>(
    query: string,
    variables: Record<string, unknown>,
    file: { name: string; content: Blob | string | Uint8Array } | null,
    options?: RequestOptions,
  ): Promise<GraphqlResponse<T>>;
  /** Logs in and returns the bearer token. */
  login(username?: string, password?: string): Promise<string>;
  /** Creates a user with the admin's token and returns a bearer token for it (and its password, to log in again). */
  createUser(role: 'VIEWER' | 'CONTRIBUTOR' | 'EDITOR' | 'ADMIN', extra?: Record<string, unknown>): Promise<TestUser>;
  adminToken(): Promise<string>;
  stop(): Promise<void>;
  /** Stops and removes the data folder and the database. */
  close(): Promise<void>;
}

/** A user made by createUser: its password to log in again, and a Bearer token from GraphQL login. */
export interface TestUser {
  id: string;
  username: string;
  password: string;
  token: string;
}

let userCounter = 0;

/** The database of each data folder, so that a server started again on a data folder finds its data. */
const databaseOfDataDir = new Map<string, TestDatabase>();

/**
 * Starts the whole service in this process on an ephemeral port, on a temporary data folder (or the given one),
 * with a fresh database: SQLite in the data folder, or one of its own on TEST_DATABASE_URL's server.
 */
export async function startTestServer(
  options: { env?: Record<string, string>; dataDir?: string } = {},
): Promise<TestServer> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'asset-gateway-test-')));
  const reused = databaseOfDataDir.get(dataDir);
  const database = reused ?? (await createTestDatabase());
  databaseOfDataDir.set(dataDir, database);
  const databaseUrl = options.env?.DATABASE_URL ?? database.url;
  const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  let server: RunningServer;
  try {
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      ...(database.url ? { DATABASE_URL: database.url } : {}),
      // CI's second pass keeps every test server's blobs in one S3-compatible store.
      ...(process.env.TEST_STORAGE_URL ? { STORAGE_URL: process.env.TEST_STORAGE_URL } : {}),
      ADMIN_USERNAME: ADMIN.username,
      ADMIN_PASSWORD: ADMIN.password,
      ...options.env,
    });
    server = await startServer(config, log);
  } catch (error) {
    // A failed start leaves no database behind: the test that expected it has no server to close.
    if (!reused) {
      databaseOfDataDir.delete(dataDir);
      await database.drop();
    }
    throw error;
  }
  let cachedAdminToken: string | undefined;

  async function parse<T>(response: Response): Promise<GraphqlResponse<T>> {
    const text = await response.text();
    let body: { data?: T; errors?: GraphqlResponse<T>['errors'] } = {};
    try {
      body = JSON.parse(text);
    } catch {
      throw new Error(`not JSON (status ${response.status}): ${text.slice(0, 300)}`);
    }
    return { status: response.status, headers: response.headers, data: body.data, errors: body.errors };
  }

  function authHeaders(options: RequestOptions = {}): Record<string, string> {
    return { ...(options.token ? { authorization: `Bearer ${options.token}` } : {}), ...options.headers };
  }

  const testServer: TestServer = {
    url: server.url,
    dataDir,
    databaseUrl,
    server,
    sql(query, params) {
      return queryTestDatabase({ url: databaseUrl, dataDir }, query, params);
    },
    async graphql(query, variables, requestOptions) {
      const response = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...authHeaders(requestOptions) },
        body: JSON.stringify({ query, variables }),
      });
      return parse(response);
    },
    async upload(query, variables, file, requestOptions) {
      const form = new FormData();
      form.set('operations', JSON.stringify({ query, variables: { ...variables, file: null } }));
      form.set('map', JSON.stringify(file ? { 0: ['variables.file'] } : {}));
      if (file) {
        const blob = file.content instanceof Blob ? file.content : new Blob([file.content as BlobPart]);
        form.set('0', blob, file.name);
      }
      const response = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'apollo-require-preflight': 'true', ...authHeaders(requestOptions) },
        body: form,
      });
      return parse(response);
    },
    async login(username = ADMIN.username, password = ADMIN.password) {
      const result = await testServer.graphql<{ login: { token: string } }>(
        'mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }',
        { u: username, p: password },
      );
      if (!result.data?.login) throw new Error(`login failed: ${JSON.stringify(result.errors)}`);
      return result.data.login.token;
    },
    async adminToken() {
      cachedAdminToken ??= await testServer.login();
      return cachedAdminToken;
    },
    async createUser(role, extra = {}) {
      userCounter += 1;
      const username = `${role.toLowerCase()}-${userCounter}-${Math.random().toString(36).slice(2, 8)}`;
      const password = `password-${userCounter}-long`;
      const result = await testServer.graphql<{ createUser: { id: string } }>(
        'mutation($input: CreateUserInput!) { createUser(input: $input) { id } }',
        { input: { username, password, role, ...extra } },
        { token: await testServer.adminToken() },
      );
      if (!result.data?.createUser) throw new Error(`createUser failed: ${JSON.stringify(result.errors)}`);
      return { id: result.data.createUser.id, username, password, token: await testServer.login(username, password) };
    },
    async stop() {
      await server.close();
    },
    async close() {
      await server.close();
      databaseOfDataDir.delete(dataDir);
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return testServer;
}

/** Waits until `check` returns a value that is not undefined, polling; fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A test server for a whole test file and a user of `role` on it, for the file's beforeAll. */
export async function startTestServerWithUser(
  role: Parameters<TestServer['createUser']>[0],
  options: Parameters<typeof startTestServer>[0] = {},
): Promise<{ api: TestServer; user: TestUser }> {
  const api = await startTestServer(options);
  return { api, user: await api.createUser(role) };
}
