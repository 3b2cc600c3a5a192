import { isAbsolute, resolve } from 'node:path';
import { ConfigError, type Env, readBoolean, readInteger } from './configValues.js';
import { type RateLimitSettings, readRateLimits } from './rateLimitSettings.js';
import { type RenditionSettings, readRenditions } from './renditionSettings.js';
import { type ClamdAddress, parseClamdUrl } from './scan/ClamdScanner.js';
import { parseStorageUrl, S3_MAX_BLOB_BYTES, type StorageSettings } from './storage/storageUrl.js';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export { ConfigError } from './configValues.js';
/** ENV_FILE (or `.env`): read into the environment before loadConfig, by whoever starts the service. */
export { loadEnvFile } from './envFile.js';
export {
  RATE_LIMITED_ACTIONS,
  type RateLimit,
  type RateLimitedAction,
  type RateLimitSettings,
} from './rateLimitSettings.js';
export type { RenditionSettings } from './renditionSettings.js';

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  database: DatabaseConfig;
  publicUrl: string;
  adminUsername: string;
  /** Undefined means: generate one at the first start and print it once. */
  adminPassword: string | undefined;
  maxUploadBytes: number;
  logLevel: LogLevel;
  /** Whether GraphiQL is served at GET /graphql in a browser. */
  graphiql: boolean;
  /** Encrypts secrets kept to be shown again (shared-link keys); undefined: a key file in DATA_DIR. */
  secretKey: string | undefined;
  /** host[:port] that serves draft assets (GOV.UK's draft-assets host); undefined: every host is both. */
  draftAssetsHost: string | undefined;
  /** Signs the JWTs that open drafts on the draft host (GOV.UK's JWT_AUTH_SECRET); undefined: no tokens. */
  jwtAuthSecret: string | undefined;
  /** Where clamd listens; undefined: scanning is off. */
  clamd: ClamdAddress | undefined;
  clamdTimeoutMs: number;
  /** Where the blobs are kept: a folder (DATA_DIR/blobs unless STORAGE_URL says) or an S3 bucket. */
  storage: StorageSettings;
  /** What one GraphQL operation may ask for: nesting, fields in all, and estimated cost. */
  graphqlLimits: GraphqlLimits;
  /** How long a signed URL of WoodWing's v2 API works: when the caller names no time, and at most. */
  signedUrlSeconds: { default: number; max: number };
  /** The SMTP server notify/email sends through (smtp:// or smtps://); undefined: mails are only logged. */
  smtpUrl: string | undefined;
  /** The From address of those mails. */
  smtpFrom: string;
  /** What one GraphQL request may hold besides: aliases, and operations in a batch. */
  graphqlRequestLimits: GraphqlRequestLimits;
  /** Whether the schema may be introspected (__schema, __type); GraphiQL needs it. */
  graphqlIntrospection: boolean;
  /** How long a connection may take to send its headers, wait idle between requests, or stall mid-request. */
  connectionTimeouts: ConnectionTimeouts;
  /** On SIGTERM or SIGINT, how long requests in flight may take to finish before they are cut. */
  shutdownGraceMs: number;
  /** How much one zip download (WoodWing's /zip) may hold. */
  zipLimits: ZipLimits;
  /** Most entries (folders and assets) one WoodWing browse answers; a folder holding more is refused. */
  browseMaxEntries: number;
  /** How often each kind of request may come, per user (or shared link) and per client address. */
  rateLimits: RateLimitSettings;
  renditions: RenditionSettings;
}

export interface ZipLimits {
  /** At most 10,000: a query finds no more (MAX_QUERY_HITS). */
  maxFiles: number;
  /** The files' sizes added up, before the zip's own framing. */
  maxBytes: number;
}

export interface GraphqlRequestLimits {
  /** Aliased fields in one document. */
  maxAliases: number;
  /** Operations in one batched request (a JSON array body). */
  maxBatchedOperations: number;
}

export interface ConnectionTimeouts {
  /** From the connection's first byte of a request to the end of its headers. */
  headersMs: number;
  /** An idle kept-alive connection between two requests. */
  keepAliveMs: number;
  /** No byte read or written on a busy connection (a stalled upload body, a reader that stopped reading). */
  idleMs: number;
}

export interface GraphqlLimits {
  /** Levels of nested selections. */
  maxDepth: number;
  /** Fields selected in the whole operation, each alias counted. */
  maxBreadth: number;
  /** Cost: each field 1, times the length of the lists around it (a connection's first, 10 for other lists). */
  maxCost: number;
}

/** SQLite in one file (the default), or a PostgreSQL server that several instances may share. */
export type DatabaseConfig = { kind: 'sqlite'; path: string } | { kind: 'postgresql'; url: string };

/** GraphiQL reads the schema by introspection: it follows GRAPHQL_INTROSPECTION unless set, and cannot do without it. */
function readGraphiql(env: Env, introspection: boolean): boolean {
  const graphiql = readBoolean(env, 'GRAPHIQL', introspection);
  if (graphiql && !introspection) {
    throw new ConfigError(
      'GRAPHIQL',
      'cannot be true while GRAPHQL_INTROSPECTION is false (GraphiQL reads the schema by introspection)',
    );
  }
  return graphiql;
}

function readDatabase(env: Env, dataDir: string): DatabaseConfig {
  const url = env.DATABASE_URL;
  if (url === undefined || url === '') return { kind: 'sqlite', path: resolve(dataDir, 'asset-gateway.sqlite') };
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length).replace(/^\/\//, '');
    if (path === '')
      throw new ConfigError('DATABASE_URL', 'sqlite: needs a file path, e.g. sqlite:./data/assets.sqlite');
    return { kind: 'sqlite', path: isAbsolute(path) ? path : resolve(path) };
  }
  if (/^postgres(ql)?:/.test(url)) return { kind: 'postgresql', url: checkedPostgresUrl(url) };
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1];
  throw new ConfigError(
    'DATABASE_URL',
    `${scheme ? `unknown database URL scheme "${scheme}:"` : 'no URL scheme'}; use sqlite:<path> or postgres://user:password@host:port/database`,
  );
}

function checkedPostgresUrl(raw: string): string {
  const example = 'e.g. postgres://user:password@db.example:5432/assets';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    // The URL may hold a password: it is not repeated in the message.
    throw new ConfigError('DATABASE_URL', `not a valid PostgreSQL URL; ${example}`);
  }
  if (url.hostname === '') throw new ConfigError('DATABASE_URL', `PostgreSQL URL needs a host; ${example}`);
  if (url.pathname.replace(/^\//, '') === '') {
    throw new ConfigError('DATABASE_URL', `PostgreSQL URL needs a database name after the host; ${example}`);
  }
  return raw;
}

/** Where the database is, for the log: never the password. */
export function describeDatabase(database: DatabaseConfig): string {
  if (database.kind === 'sqlite') return `SQLite at ${database.path}`;
  const url = new URL(database.url);
  return `PostgreSQL at ${url.hostname}${url.port ? `:${url.port}` : ''}${url.pathname}`;
}

function readPublicUrl(env: Env, port: number): string {
  const raw = env.PUBLIC_URL;
  if (raw === undefined || raw === '') return `http://localhost:${port}`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('PUBLIC_URL', `not a URL: "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError('PUBLIC_URL', 'must start with http:// or https://');
  }
  return raw.replace(/\/+$/, '');
}

function readHost(env: Env, name: string): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  if (!/^[a-z0-9.-]+(:\d{1,5})?$/i.test(raw)) throw new ConfigError(name, `expected host or host:port, got "${raw}"`);
  return raw.toLowerCase();
}

function readClamd(env: Env): ClamdAddress | undefined {
  const raw = env.CLAMD_URL;
  if (raw === undefined || raw === '') return undefined;
  try {
    return parseClamdUrl(raw);
  } catch (error) {
    throw new ConfigError('CLAMD_URL', `${(error as Error).message}, got "${raw}"`);
  }
}

function readSecretKey(env: Env): string | undefined {
  const raw = env.SECRET_KEY;
  if (raw === undefined || raw === '') return undefined;
  if (raw.length < 32) throw new ConfigError('SECRET_KEY', 'must be at least 32 characters of random text');
  return raw;
}

function readStorage(env: Env, dataDir: string, maxUploadBytes: number): StorageSettings {
  let storage: StorageSettings;
  try {
    const region = env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined;
    storage = parseStorageUrl(env.STORAGE_URL, { blobDir: resolve(dataDir, 'blobs'), region });
  } catch (error) {
    throw new ConfigError('STORAGE_URL', (error as Error).message);
  }
  if (storage.kind === 's3' && maxUploadBytes > S3_MAX_BLOB_BYTES) {
    const mib = S3_MAX_BLOB_BYTES / 1024 / 1024;
    throw new ConfigError('MAX_UPLOAD_MB', `must be at most ${mib} (5 GiB) when STORAGE_URL is an s3:// bucket`);
  }
  return storage;
}

function readSmtpUrl(env: Env): string | undefined {
  const raw = env.SMTP_URL;
  if (raw === undefined || raw === '') return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    // The URL may hold a password: it is not repeated in the message.
    throw new ConfigError('SMTP_URL', 'not a valid URL; e.g. smtp://user:password@mail.example:587');
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
    throw new ConfigError('SMTP_URL', 'must start with smtp:// or smtps://');
  }
  if (url.hostname === '') throw new ConfigError('SMTP_URL', 'needs a host, e.g. smtp://mail.example:587');
  return raw;
}

function readSmtpFrom(env: Env, publicUrl: string): string {
  const raw = env.SMTP_FROM;
  if (raw === undefined || raw === '') return `asset-gateway@${new URL(publicUrl).hostname}`;
  if (!/^[^\s@<>]+@[^\s@<>]+$/.test(raw))
    throw new ConfigError('SMTP_FROM', `expected an e-mail address, got "${raw}"`);
  return raw;
}

function readSignedUrlSeconds(env: Env): { default: number; max: number } {
  const max = readInteger(env, 'SIGNED_URL_MAX_SECONDS', 86_400, 1, 31 * 86_400);
  const fallback = readInteger(env, 'SIGNED_URL_DEFAULT_SECONDS', Math.min(1800, max), 1, 31 * 86_400);
  if (fallback > max) {
    throw new ConfigError('SIGNED_URL_DEFAULT_SECONDS', `must be at most SIGNED_URL_MAX_SECONDS (${max})`);
  }
  return { default: fallback, max };
}

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Reads every setting once at start; a bad value stops the start with the variable's name. */
export function loadConfig(env: Env = process.env): Config {
  const port = readInteger(env, 'PORT', 4000, 0, 65535);
  const dataDir = resolve(env.DATA_DIR || './data');
  const logLevel = (env.LOG_LEVEL || 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError('LOG_LEVEL', `expected one of ${LOG_LEVELS.join(', ')}`);
  const adminUsername = env.ADMIN_USERNAME || 'admin';
  const adminPassword = env.ADMIN_PASSWORD || undefined;
  if (adminPassword !== undefined && adminPassword.length < 8) {
    throw new ConfigError('ADMIN_PASSWORD', 'must be at least 8 characters');
  }
  const maxUploadBytes = readInteger(env, 'MAX_UPLOAD_MB', 1024, 1, 1024 * 1024) * 1024 * 1024;
  const graphqlIntrospection = readBoolean(env, 'GRAPHQL_INTROSPECTION', true);
  return {
    port,
    host: env.HOST || '0.0.0.0',
    dataDir,
    database: readDatabase(env, dataDir),
    publicUrl: readPublicUrl(env, port),
    adminUsername,
    adminPassword,
    maxUploadBytes,
    logLevel,
    graphiql: readGraphiql(env, graphqlIntrospection),
    secretKey: readSecretKey(env),
    draftAssetsHost: readHost(env, 'DRAFT_ASSETS_HOST'),
    jwtAuthSecret: env.JWT_AUTH_SECRET || undefined,
    clamd: readClamd(env),
    clamdTimeoutMs: readInteger(env, 'CLAMD_TIMEOUT_SECONDS', 300, 1, 86_400) * 1000,
    storage: readStorage(env, dataDir, maxUploadBytes),
    graphqlLimits: {
      maxDepth: readInteger(env, 'GRAPHQL_MAX_DEPTH', 12, 2, 1000),
      maxBreadth: readInteger(env, 'GRAPHQL_MAX_BREADTH', 300, 10, 1_000_000),
      maxCost: readInteger(env, 'GRAPHQL_MAX_COST', 100_000, 10, 100_000_000),
    },
    signedUrlSeconds: readSignedUrlSeconds(env),
    smtpUrl: readSmtpUrl(env),
    smtpFrom: readSmtpFrom(env, readPublicUrl(env, port)),
    graphqlRequestLimits: {
      maxAliases: readInteger(env, 'GRAPHQL_MAX_ALIASES', 30, 0, 100_000),
      maxBatchedOperations: readInteger(env, 'GRAPHQL_MAX_BATCH', 10, 1, 1000),
    },
    graphqlIntrospection,
    connectionTimeouts: {
      headersMs: readInteger(env, 'HEADERS_TIMEOUT_SECONDS', 20, 1, 3600) * 1000,
      keepAliveMs: readInteger(env, 'KEEP_ALIVE_TIMEOUT_SECONDS', 5, 1, 3600) * 1000,
      idleMs: readInteger(env, 'IDLE_TIMEOUT_SECONDS', 60, 1, 86_400) * 1000,
    },
    shutdownGraceMs: readInteger(env, 'SHUTDOWN_GRACE_SECONDS', 30, 0, 3600) * 1000,
    zipLimits: {
      maxFiles: readInteger(env, 'ZIP_MAX_FILES', 1000, 1, 10_000),
      maxBytes: readInteger(env, 'ZIP_MAX_MB', 4096, 1, 1024 * 1024) * 1024 * 1024,
    },
    browseMaxEntries: readInteger(env, 'BROWSE_MAX_ENTRIES', 10_000, 1, 100_000),
    rateLimits: readRateLimits(env),
    renditions: readRenditions(env),
  };
}
