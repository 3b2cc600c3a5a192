import type { EntityManager } from '@mikro-orm/core';
import type { UserView } from './entities/User.js';
import { dateOf } from './plainRows.js';
import { preparedObjects } from './rawRows.js';
import { userView } from './rowsById.js';

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
  /** Null: it lasts until revoked. */
  expiresAt: Date | null;
}

/** A credential with its user, as read together with the credential epoch of the moment. */
export interface CredentialRead<T> {
  credential: T;
  user: UserView;
  /** `credential_epoch` in the same statement (so the same snapshot) as the rows. */
  epoch: number;
}

/**
 * A credential is looked up with its user in one prepared statement joining the two, which reads the
 * credential epoch too. Both stay plain data (a tenth of what making entities costs, and no EntityManager
 * fork is needed): what writes a user, or a relation to one, takes a reference by id.
 */
async function withUser<T>(
  em: EntityManager,
  table: string,
  columns: readonly string[],
  id: string,
  credentialOf: (row: Record<string, unknown>) => T,
): Promise<CredentialRead<T> | null> {
  const [row] = await preparedObjects(em, joinedStatement(table, columns), [id]);
  if (!row) return null;
  const credential: Record<string, unknown> = {};
  const user: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    if (key === EPOCH) continue;
    if (key.startsWith(CREDENTIAL)) credential[key.slice(CREDENTIAL.length)] = value;
    else user[key] = value;
  }
  return { credential: credentialOf(credential), user: userView(em, user), epoch: Number(row[EPOCH]) };
}

/** Names the credential's columns apart from the user's in the joined row. */
const CREDENTIAL = 'credential_';
const EPOCH = 'epoch_now';
const EPOCH_NOW = 'select epoch from credential_epoch where id = 1';

const joinedStatements = new Map<string, string>();

/** Made once per table: a string made anew would be hashed anew by every statement-cache look-up. */
function joinedStatement(table: string, columns: readonly string[]): string {
  let sql = joinedStatements.get(table);
  if (!sql) {
    const credentialColumns = columns.map((column) => `c.${column} as ${CREDENTIAL}${column}`).join(', ');
    sql = `select u.*, ${credentialColumns}, (${EPOCH_NOW}) as ${EPOCH} from ${table} c join users u on u.id = c.user_id where c.id = ?`;
    joinedStatements.set(table, sql);
  }
  return sql;
}

/** The credential epoch now: it moves with every change to a user, a session or an API token. */
export async function credentialEpoch(em: EntityManager): Promise<number> {
  const [row] = await preparedObjects(em, EPOCH_NOW, []);
  return Number(row?.epoch);
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

const API_TOKEN_COLUMNS = ['id', 'secret_hash', 'revoked_at', 'expires_at'];

export const apiTokenWithUser = (em: EntityManager, id: string) =>
  withUser<ApiTokenCredential>(em, 'api_tokens', API_TOKEN_COLUMNS, id, (row) => ({
    id: row.id as string,
    secretHash: row.secret_hash as string,
    revoked: row.revoked_at != null,
    expiresAt: row.expires_at == null ? null : dateOf(row.expires_at),
  }));
