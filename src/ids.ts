import { randomBytes } from 'node:crypto';

/** 128 random bits, url-safe: the id of assets, users and every other record, the same on every surface. */
export function newId(): string {
  return randomBytes(16).toString('base64url');
}

const ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;

export function isWellFormedId(value: string): boolean {
  return ID_PATTERN.test(value);
}
