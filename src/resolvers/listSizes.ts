import { BadInput } from '../errors.js';

/** Most entries one GraphQL list field answers (`first`), as a page of a connection holds at most. */
export const MAX_LIST_SIZE = 500;
/** What such a field answers when `first` is left out. */
export const DEFAULT_LIST_SIZE = 100;

/** `first` of a capped list, refused past MAX_LIST_SIZE with a message naming it. */
export function checkedFirst(first: number | null | undefined): number {
  const size = first ?? DEFAULT_LIST_SIZE;
  if (!Number.isInteger(size) || size < 0 || size > MAX_LIST_SIZE) {
    throw new BadInput(`"first" must be a whole number from 0 to ${MAX_LIST_SIZE}, got ${size}`);
  }
  return size;
}
