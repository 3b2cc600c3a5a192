import type { SqlEntityManager as EntityManager } from '@mikro-orm/sql';
import { parseCookie } from 'cookie';
import { apiTokenWithUser, credentialEpoch, type SessionCredential, sessionWithUser } from '../db/credentials.js';
import type { UserView } from '../db/entities/User.js';
import type { CredentialCache, Recognised, StoredCredential } from './credentialCache.js';
import { parseToken, secretMatches, type TokenKind } from './secrets.js';

export const SESSION_COOKIE = 'authToken';
export const CSRF_HEADER = 'x-csrf-token';

export interface Auth {
  viewer: UserView | null;
  /** How the viewer was recognised: a cookie-authenticated change needs the csrf header too. */
  via: 'bearer' | 'cookie' | null;
  session: SessionCredential | null;
  /** The X-CSRF-TOKEN header matches the session's csrf token (checked when first read). */
  readonly csrfVerified: boolean;
  /** Why a credential that was sent was not accepted; said in the UNAUTHENTICATED message. */
  problem: string | null;
  /** Which credential the request carried, accepted or not. */
  presented: 'bearer' | 'cookie' | null;
}

export interface CredentialHeaders {
  authorization?: string | undefined;
  cookie?: string | undefined;
  csrfToken?: string | undefined;
}

const ANONYMOUS: Auth = { viewer: null, via: null, session: null, csrfVerified: false, problem: null, presented: null };

/** Finds who is asking. A Bearer token wins over the cookie, so a client sending both needs no csrf header. */
export async function authenticate(
  em: EntityManager,
  headers: CredentialHeaders,
  credentials: CredentialCache,
): Promise<Auth> {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '')?.[1];
  if (bearer !== undefined) {
    const found = await findByToken(em, bearer, credentials);
    return found
      ? {
          viewer: found.viewer,
          session: found.session,
          via: 'bearer',
          csrfVerified: false,
          problem: null,
          presented: 'bearer',
        }
      : {
          ...ANONYMOUS,
          problem: 'the bearer token is not valid, or it has expired or been revoked',
          presented: 'bearer',
        };
  }
  const cookieToken = headers.cookie ? parseCookie(headers.cookie)[SESSION_COOKIE] : undefined;
  if (cookieToken) {
    const found = await findByToken(em, cookieToken, credentials);
    if (!found?.session) return { ...ANONYMOUS, problem: 'the session has ended; log in again', presented: 'cookie' };
    const { session } = found;
    const csrf = headers.csrfToken;
    let csrfVerified: boolean | undefined;
    return {
      viewer: found.viewer,
      session,
      via: 'cookie',
      // Hashed only when a change asks: a read never needs it.
      get csrfVerified() {
        // A browser never holds an API login's token by itself, so it cannot be forged into a request.
        csrfVerified ??= session.forApi || (csrf !== undefined && secretMatches(csrf, session.csrfTokenHash));
        return csrfVerified;
      },
      problem: null,
      presented: 'cookie',
    };
  }
  return ANONYMOUS;
}

async function findByToken(
  em: EntityManager,
  token: string,
  credentials: CredentialCache,
): Promise<Recognised | undefined> {
  const parsed = parseToken(token);
  if (!parsed) return undefined;
  const key = `${parsed.kind}.${parsed.id}`;
  let stored = credentials.has(key) ? credentials.current(key, await credentialEpoch(em)) : undefined;
  if (!stored) {
    stored = await readCredential(em, parsed.kind, parsed.id);
    if (!stored) return undefined;
    credentials.keep(key, stored);
  }
  if (stored.expiresAt && stored.expiresAt.getTime() <= Date.now()) return undefined;
  return secretMatches(parsed.secret, stored.secretHash) ? stored : undefined;
}

/** The credential and its user as the database holds them now; undefined if there is none or it was revoked. */
async function readCredential(em: EntityManager, kind: TokenKind, id: string): Promise<StoredCredential | undefined> {
  if (kind === 's') {
    const found = await sessionWithUser(em, id);
    if (!found) return undefined;
    const { credential: session, user: viewer, epoch } = found;
    return { viewer, session, secretHash: session.secretHash, expiresAt: session.expiresAt, epoch };
  }
  const found = await apiTokenWithUser(em, id);
  if (!found || found.credential.revoked) return undefined;
  const { credential, user: viewer, epoch } = found;
  return { viewer, session: null, secretHash: credential.secretHash, expiresAt: credential.expiresAt, epoch };
}
