import type { QueryNode } from './queryParser.js';

/**
 * Conditions of the query language built as its parser builds them, so that a resolver can add them to a
 * parsed query instead of writing the query out as text to be read again.
 */

/** `field:"value"`: a quoted value, which the parser takes as it is. */
export function fieldIs(field: string, value: string): QueryNode {
  return { kind: 'term', field, value, phrase: true, position: 0 };
}

/** Every one of the conditions: `(a) AND (b) ...`. */
export function allOf(...conditions: QueryNode[]): QueryNode {
  return { kind: 'and', children: conditions };
}

/** Any one of the conditions: `(a) OR (b) ...`. */
export function anyOf(conditions: QueryNode[]): QueryNode {
  return { kind: 'or', children: conditions };
}
