import type { SqlEntityManager as EntityManager } from '@mikro-orm/sql';
import { parseCookie } from 'cookie';
import { apiTokenWithUser, type SessionCredential, sessionWithUser } from '../db/credentials.js';
import type { UserView } from '../db/entities/User.js';
import { parseToken, secretMatches } from './secrets.js';

export const SESSION_COOKIE = 'authToken';
export const CSRF_HEADER = 'x-csrf-token';

export interface Auth {
  viewer: UserView | null;
  /** How the viewer was recognised: a cookie-authenticated change needs the csrf header too. */
  via: 'bearer' | 'cookie' | null;
  session: SessionCredential | null;
  /** The X-CSRF-TOKEN header matches the session's csrf token. */
  csrfVerified: boolean;
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
export async function authenticate(em: EntityManager, headers: CredentialHeaders): Promise<Auth> {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '')?.[1];
  if (bearer !== undefined) {
    const found = await findByToken(em, bearer);
    return found
      ? { ...found, via: 'bearer', csrfVerified: false, problem: null, presented: 'bearer' }
      : {
          ...ANONYMOUS,
          problem: 'the bearer token is not valid, or it has expired or been revoked',
          presented: 'bearer',
        };
  }
  const cookieToken = headers.cookie ? parseCookie(headers.cookie)[SESSION_COOKIE] : undefined;
  if (cookieToken) {
    const found = await findByToken(em, cookieToken);
    if (!found?.session) return { ...ANONYMOUS, problem: 'the session has ended; log in again', presented: 'cookie' };
    const csrf = headers.csrfToken;
    return {
      ...found,
      via: 'cookie',
      // A browser never holds an API login's token by itself, so it cannot be forged into a request.
      csrfVerified: found.session.forApi || (csrf !== undefined && secretMatches(csrf, found.session.csrfTokenHash)),
      problem: null,
      presented: 'cookie',
    };
  }
  return ANONYMOUS;
}

async function findByToken(
  em: EntityManager,
  token: string,
): Promise<{ viewer: UserView; session: SessionCredential | null } | undefined> {
  const parsed = parseToken(token);
  if (!parsed) return undefined;
  if (parsed.kind === 's') {
    const found = await sessionWithUser(em, parsed.id);
    const session = found?.credential;
    if (!session || session.expiresAt.getTime() <= Date.now()) return undefined;
    if (!secretMatches(parsed.secret, session.secretHash)) return undefined;
    return { viewer: found.user, session };
  }
  const found = await apiTokenWithUser(em, parsed.id);
  if (!found) return undefined;
  const { revoked, expiresAt, secretHash } = found.credential;
  if (revoked || (expiresAt && expiresAt.getTime() <= Date.now()) || !secretMatches(parsed.secret, secretHash)) {
    return undefined;
  }
  return { viewer: found.user, session: null };
}
