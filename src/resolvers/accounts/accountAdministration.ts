import { hashPassword } from '../../auth/passwords.js';
import type { RequestContext } from '../../context.js';
import { ApiToken } from '../../db/entities/ApiToken.js';
import { Session } from '../../db/entities/Session.js';
import { type Role, User } from '../../db/entities/User.js';
import { Conflict, NotFound } from '../../errors.js';
import { isWellFormedId } from '../../ids.js';
import { requireRole } from '../policy/access.js';
import { checkPasswordRule } from './users.js';

/*
 * What an administrator does to other people's accounts: change a role, reset a lost password, list and revoke
 * API tokens. ADMIN only, as createUser is; the admin CLI reaches these with the operator's ADMIN rights.
 */

export async function findUserNamed(ctx: RequestContext, username: string): Promise<User> {
  const user = await ctx.em.findOne(User, { username });
  if (!user) throw new NotFound(`No user named ${JSON.stringify(username)}`);
  return user;
}

/** A role changes at once on every instance: each request reads its user anew. The last ADMIN stays one. */
export async function setUserRole(ctx: RequestContext, username: string, role: Role): Promise<User> {
  requireRole(ctx, 'ADMIN', 'change roles');
  const user = await findUserNamed(ctx, username);
  if (user.role === 'ADMIN' && role !== 'ADMIN' && (await ctx.em.count(User, { role: 'ADMIN' })) === 1) {
    throw new Conflict(`${username} is the last ADMIN; make another user ADMIN first`);
  }
  user.role = role;
  await ctx.em.flush();
  return user;
}

export interface PasswordReset {
  user: User;
  sessionsEnded: number;
  tokensRevoked: number;
}

/**
 * Sets a new password and ends every login session of the user: whoever knew the old password is logged out.
 * API tokens are separate credentials and stay, unless `revokeTokens` (when the account may be compromised).
 */
export async function resetPassword(
  ctx: RequestContext,
  username: string,
  password: string,
  { revokeTokens = false }: { revokeTokens?: boolean } = {},
): Promise<PasswordReset> {
  requireRole(ctx, 'ADMIN', 'reset passwords');
  checkPasswordRule(password);
  const user = await findUserNamed(ctx, username);
  user.passwordHash = await hashPassword(password);
  await ctx.em.flush();
  // After the new hash is written: a session still alive in between could not have changed it back.
  const sessionsEnded = await ctx.em.nativeDelete(Session, { user: user.id });
  const tokensRevoked = revokeTokens
    ? await ctx.em.nativeUpdate(ApiToken, { user: user.id, revokedAt: null }, { revokedAt: new Date() })
    : 0;
  return { user, sessionsEnded, tokensRevoked };
}

/** Every token of the user, revoked and expired ones included, newest first. */
export async function apiTokensOf(ctx: RequestContext, username: string): Promise<ApiToken[]> {
  requireRole(ctx, 'ADMIN', "list other users' tokens");
  const user = await findUserNamed(ctx, username);
  return ctx.em.find(ApiToken, { user: user.id }, { orderBy: { createdAt: 'desc', id: 'asc' } });
}

/** Revokes a token by its id (the middle part of `t.<id>.<secret>`); it stops working on the next request. */
export async function revokeApiToken(ctx: RequestContext, id: string): Promise<ApiToken> {
  requireRole(ctx, 'ADMIN', 'revoke tokens');
  const token = isWellFormedId(id) ? await ctx.em.findOne(ApiToken, { id }, { populate: ['user'] }) : null;
  if (!token) throw new NotFound(`No API token with id ${JSON.stringify(id)}`);
  if (token.revokedAt) throw new Conflict(`API token ${id} was already revoked at ${token.revokedAt.toISOString()}`);
  token.revokedAt = new Date();
  await ctx.em.flush();
  return token;
}
