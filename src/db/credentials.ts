import type { EntityDictionary, EntityManager } from '@mikro-orm/core';
import { User } from './entities/User.js';
import { rawObjects } from './rawRows.js';

/** What a request needs of its login session: plain data, read once, never written back through the ORM. */
export interface SessionCredential {
  id: string;
  secretHash: string;
  csrfTokenHash: string;
  clientId: string | null;
  forApi: boolean;
  expiresAt: Date;
}

/** What a request needs of its API token. */
export interface ApiTokenCredential {
  id: string;
  secretHash: string;
  revoked: boolean;
}

/**
 * Every authenticated request looks up its credential with its user: one prepared statement joining the two,
 * and only the user becomes a managed entity (resolvers write it into relations); the credential stays plain
 * data, which costs a tenth of making it an entity too.
 */
async function withUser<T>(
  em: EntityManager,
  table: string,
  columns: readonly string[],
  id: string,
  credentialOf: (row: Record<string, unknown>) => T,
): Promise<{ credential: T; user: User } | null> {
  const credentialColumns = columns.map((column) => `c.${column} as ${CREDENTIAL}${column}`).join(', ');
  const [row] = await rawObjects(
    em,
    `select u.*, ${credentialColumns} from ${table} c join users u on u.id = c.user_id where c.id = ?`,
    [id],
  );
  if (!row) return null;
  const credential: Record<string, unknown> = {};
  const user: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    if (key.startsWith(CREDENTIAL)) credential[key.slice(CREDENTIAL.length)] = value;
    else user[key] = value;
  }
  return { credential: credentialOf(credential), user: em.map(User, user as EntityDictionary<User>) };
}

/** Names the credential's columns apart from the user's in the joined row. */
const CREDENTIAL = 'credential_';

/** SQLite keeps dates as epoch milliseconds (booleans as 0/1); PostgreSQL's driver hands over a Date or its text. */
function dateOf(value: unknown): Date {
  if (value instanceof Date) return value;
  return new Date(typeof value === 'number' || /^\d+$/.test(String(value)) ? Number(value) : String(value));
}

const SESSION_COLUMNS = ['id', 'secret_hash', 'csrf_token_hash', 'client_id', 'for_api', 'expires_at'];

export const sessionWithUser = (em: EntityManager, id: string) =>
  withUser<SessionCredential>(em, 'sessions', SESSION_COLUMNS, id, (row) => ({
    id: row.id as string,
    secretHash: row.secret_hash as string,
    csrfTokenHash: row.csrf_token_hash as string,
    clientId: (row.client_id as string | null) ?? null,
    forApi: Boolean(row.for_api),
    expiresAt: dateOf(row.expires_at),
  }));

const API_TOKEN_COLUMNS = ['id', 'secret_hash', 'revoked_at'];

export const apiTokenWithUser = (em: EntityManager, id: string) =>
  withUser<ApiTokenCredential>(em, 'api_tokens', API_TOKEN_COLUMNS, id, (row) => ({
    id: row.id as string,
    secretHash: row.secret_hash as string,
    revoked: row.revoked_at != null,
  }));
