import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { SqlEntityManager as EntityManager } from '@mikro-orm/sql';
import type { Logger } from 'pino';
import { SESSION_COOKIE } from '../../auth/authenticate.js';
import { clearFailures, recordFailure, refuseIfLocked } from '../../auth/loginThrottle.js';
import {
  generatedPassword,
  hashPassword,
  MIN_PASSWORD_LENGTH,
  verifyAgainstNothing,
  verifyPassword,
} from '../../auth/passwords.js';
import { endSession, createApiToken as issueApiToken, startSession } from '../../auth/sessions.js';
import type { Config } from '../../config.js';
import type { RequestContext } from '../../context.js';
import { type Role, User } from '../../db/entities/User.js';
import { BadInput, Conflict, Unauthenticated } from '../../errors.js';
import { newId } from '../../ids.js';
import { requireRole, requireViewer } from '../policy/access.js';
import { isEmailAddress } from '../sharing/emailAddress.js';
import { conflictIfTaken } from '../uniqueKeys.js';

const SESSION_LIFETIME_MS = 12 * 60 * 60_000;
const MAX_CLIENT_ID_LENGTH = 256;

export interface LoginResult {
  token: string;
  csrfToken: string;
  user: User;
}

export async function login(
  ctx: RequestContext,
  username: string,
  password: string,
  clientId: string | null = null,
  { forApi = false }: { forApi?: boolean } = {},
): Promise<LoginResult> {
  if (clientId !== null && clientId.length > MAX_CLIENT_ID_LENGTH) {
    throw new BadInput(`clientId is longer than ${MAX_CLIENT_ID_LENGTH} characters`);
  }
  await ctx.rateLimits.consume('login', username.toLowerCase(), ctx.clientAddress);
  await refuseIfLocked(ctx.em, username, ctx.clientAddress);
  const user = await ctx.em.findOne(User, { username });
  const valid = user ? await verifyPassword(password, user.passwordHash) : await verifyAgainstNothing(password);
  if (!user || !valid) {
    await recordFailure(ctx.em, username, ctx.clientAddress);
    throw new Unauthenticated('Wrong username or password');
  }
  await clearFailures(ctx.em, username, ctx.clientAddress);
  const { token, csrfToken } = await startSession(ctx.em, user, clientId, SESSION_LIFETIME_MS, forApi);
  // An API login's token is for the Authorization header: it is never set as a cookie.
  if (!forApi) ctx.responseCookies.push({ name: SESSION_COOKIE, value: token, maxAge: SESSION_LIFETIME_MS / 1000 });
  return { token, csrfToken, user };
}

/** Ends the session the request came with; true if there was one. An API token is not ended by logout. */
export async function logout(ctx: RequestContext): Promise<boolean> {
  requireViewer(ctx);
  // Cleared whatever the request authenticated with: Postman sends the session as a Bearer token and as the
  // cookie, and the cookie must not outlive the session it names.
  ctx.responseCookies.push({ name: SESSION_COOKIE, value: '', maxAge: 0 });
  if (!ctx.auth.session) return false;
  await endSession(ctx.em, ctx.auth.session.id);
  return true;
}

export interface CreateUserInput {
  username: string;
  password: string;
  role: Role;
  fullName?: string | null;
  email?: string | null;
  organisationId?: string | null;
}

const USERNAME = /^[\w.@+-]{1,128}$/;

export function checkPasswordRule(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new BadInput(`password must be at least ${MIN_PASSWORD_LENGTH} characters`);
  }
}

function checkedUserInput(input: CreateUserInput): void {
  if (!USERNAME.test(input.username)) {
    throw new BadInput('username must be 1 to 128 letters, digits or . _ @ + -');
  }
  checkPasswordRule(input.password);
  if (input.email && !isEmailAddress(input.email))
    throw new BadInput(`${JSON.stringify(input.email)} is not an email address`);
}

async function insertUser(em: EntityManager, input: CreateUserInput): Promise<User> {
  const user = em.create(User, {
    id: newId(),
    username: input.username,
    passwordHash: await hashPassword(input.password),
    role: input.role,
    fullName: input.fullName ?? null,
    email: input.email ?? null,
    organisationId: input.organisationId ?? null,
  });
  await em.flush();
  return user;
}

export async function createUser(ctx: RequestContext, input: CreateUserInput): Promise<User> {
  requireRole(ctx, 'ADMIN', 'create users');
  checkedUserInput(input);
  const taken = `A user named ${JSON.stringify(input.username)} already exists`;
  if (await ctx.em.count(User, { username: input.username })) throw new Conflict(taken);
  return conflictIfTaken(() => insertUser(ctx.em, input), taken);
}

/** The first `limit` users by name. */
export function listUsers(ctx: RequestContext, limit: number): Promise<User[]> {
  requireRole(ctx, 'ADMIN', 'list users');
  return ctx.em.find(User, {}, { orderBy: { username: 'asc' }, limit });
}

/** A token acting as the viewer; `expiresAt` null: it lasts until revoked. */
export async function createApiToken(
  ctx: RequestContext,
  name: string,
  expiresAt: Date | null = null,
): Promise<{ token: string; name: string }> {
  const viewer = requireViewer(ctx);
  await ctx.rateLimits.consume('tokenCreation', viewer.id, ctx.clientAddress);
  const trimmed = name.trim();
  if (trimmed === '' || trimmed.length > 256) throw new BadInput('name must be 1 to 256 characters, not blank');
  if (expiresAt && expiresAt.getTime() <= Date.now()) throw new BadInput('the expiry must be in the future');
  return { token: await issueApiToken(ctx.em, viewer, trimmed, expiresAt), name: trimmed };
}

/** The first admin's name and the password generated for it, to be shown once to whoever started the service. */
export interface GeneratedAdmin {
  username: string;
  password: string;
}

/**
 * On the first start, with no user at all, creates the admin. Returns its generated password, if one was made:
 * the caller shows it to a person; it is kept out of the JSON log, which is shipped and kept.
 */
export async function ensureFirstAdmin(
  em: EntityManager,
  config: Config,
  log: Logger,
): Promise<GeneratedAdmin | undefined> {
  if ((await em.count(User, {})) > 0) return undefined;
  const password = config.adminPassword ?? generatedPassword();
  try {
    await insertUser(em, { username: config.adminUsername, password, role: 'ADMIN' });
  } catch (error) {
    // Another instance starting on the same empty database made the first admin a moment before.
    if (error instanceof UniqueConstraintViolationException) return undefined;
    throw error;
  }
  if (config.adminPassword) {
    log.info({ username: config.adminUsername }, 'created the first admin from ADMIN_USERNAME and ADMIN_PASSWORD');
    return undefined;
  }
  log.warn(
    { username: config.adminUsername },
    'created the first admin with a generated password, printed once on stderr (not in this log)',
  );
  return { username: config.adminUsername, password };
}
