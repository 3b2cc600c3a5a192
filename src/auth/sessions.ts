import type { SqlEntityManager as EntityManager } from '@mikro-orm/sql';
import { ApiToken } from '../db/entities/ApiToken.js';
import { Session } from '../db/entities/Session.js';
import type { UserView } from '../db/entities/User.js';
import { hashSecret, issueToken, newSecret } from './secrets.js';

export interface StartedSession {
  session: Session;
  token: string;
  csrfToken: string;
}

export async function startSession(
  em: EntityManager,
  user: UserView,
  clientId: string | null,
  lifetimeMs: number,
  forApi = false,
): Promise<StartedSession> {
  const { id, token, secretHash } = issueToken('s');
  const csrfToken = newSecret();
  const session = em.create(Session, {
    id,
    secretHash,
    csrfTokenHash: hashSecret(csrfToken),
    user: user.id,
    clientId,
    forApi,
    expiresAt: new Date(Date.now() + lifetimeMs),
  });
  await em.flush();
  return { session, token, csrfToken };
}

export async function endSession(em: EntityManager, sessionId: string): Promise<void> {
  await em.nativeDelete(Session, { id: sessionId });
}

export async function createApiToken(
  em: EntityManager,
  user: UserView,
  name: string,
  expiresAt: Date | null = null,
): Promise<string> {
  const { id, token, secretHash } = issueToken('t');
  em.create(ApiToken, { id, name, secretHash, user: user.id, expiresAt });
  await em.flush();
  return token;
}
