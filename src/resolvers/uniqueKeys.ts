import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { Conflict } from '../errors.js';

/**
 * Writes a row whose unique key was checked free a moment before. Another request can take the key in
 * between; the unique index then refuses this write, and the client gets `refusal()`, the error the check gives.
 */
export async function refusedIfTaken<T>(write: () => Promise<T>, refusal: () => Error): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) throw refusal();
    throw error;
  }
}

/** refusedIfTaken, refused with CONFLICT and `message`. */
export function conflictIfTaken<T>(write: () => Promise<T>, message: string): Promise<T> {
  return refusedIfTaken(write, () => new Conflict(message));
}
