import { BadInput } from '../errors.js';

/** Most entries one GraphQL list field answers (`first`), as a page of a connection holds at most. */
export const MAX_LIST_SIZE = 500;
/** What such a field answers when `first` is left out. */
export const DEFAULT_LIST_SIZE = 100;

/** How many entries a page or a capped list asks for: `fallback` when not said, refused past MAX_LIST_SIZE. */
export function checkedListSize(
  value: number | null | undefined,
  { what = '"first"', fallback = DEFAULT_LIST_SIZE }: { what?: string; fallback?: number } = {},
): number {
  const size = value ?? fallback;
  if (!Number.isInteger(size) || size < 0 || size > MAX_LIST_SIZE) {
    throw new BadInput(`${what} must be a whole number from 0 to ${MAX_LIST_SIZE}, got ${size}`);
  }
  return size;
}

/** `first` of a capped list. */
export function checkedFirst(first: number | null | undefined): number {
  return checkedListSize(first);
}
