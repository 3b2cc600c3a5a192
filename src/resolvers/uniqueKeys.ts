import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { Conflict } from '../errors.js';

/**
 * Writes a row whose unique key was checked free a moment before. Another request can take the key in
 * between; the unique index then refuses this write, and the client gets the same CONFLICT the check gives.
 */
export async function conflictIfTaken<T>(write: () => Promise<T>, message: string): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) throw new Conflict(message);
    throw error;
  }
}
