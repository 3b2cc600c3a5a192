import { hash, randomBytes, timingSafeEqual } from 'node:crypto';
import { isWellFormedId, newId } from '../ids.js';

/**
 * Bearer tokens, session cookies and csrf tokens are `<kind>.<id>.<secret>`: the id finds the row, the
 * secret (256 random bits) is checked against its stored sha256 in constant time. A fast hash is enough
 * for secrets this long; passwords, which people choose, get scrypt instead.
 */
export type TokenKind = 's' | 't';

export interface IssuedToken {
  id: string;
  token: string;
  secretHash: string;
}

export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function hashSecret(secret: string): string {
  return hash('sha256', secret);
}

export function secretMatches(secret: string, storedHash: string): boolean {
  const actual = hash('sha256', secret, 'buffer');
  const expected = Buffer.from(storedHash, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

export function issueToken(kind: TokenKind): IssuedToken {
  const id = newId();
  const secret = newSecret();
  return { id, token: `${kind}.${id}.${secret}`, secretHash: hashSecret(secret) };
}

export function parseToken(token: string): { kind: TokenKind; id: string; secret: string } | undefined {
  const [kind, id, secret, extra] = token.split('.');
  if (extra !== undefined || (kind !== 's' && kind !== 't') || !id || !secret) return undefined;
  if (!isWellFormedId(id) || !/^[A-Za-z0-9_-]{43}$/.test(secret)) return undefined;
  return { kind, id, secret };
}
