import { GraphQLError } from 'graphql';
import { DomainError, retryAfterOf } from '../errors.js';

/** A domain error as the GraphQL error a client sees; undefined for anything unexpected. */
export function expectedError(
  error: unknown,
): { message: string; code: string; details?: Record<string, unknown> } | undefined {
  if (error instanceof DomainError) return { message: error.message, code: error.code, details: error.details };
  return undefined;
}

/** True when the error is a bug or an outage rather than something the client can correct. */
export function isUnexpected(error: GraphQLError): boolean {
  const original = error.originalError;
  return original !== undefined && !(original instanceof GraphQLError) && expectedError(original) === undefined;
}

/** Seconds to wait when a lock-out or rate limit refused any of the operation's fields; undefined if none did. */
export function retryAfterIn(errors: readonly GraphQLError[]): number | undefined {
  let longest: number | undefined;
  for (const error of errors) {
    const original = error.originalError;
    const seconds = original instanceof DomainError ? retryAfterOf(original) : undefined;
    if (seconds !== undefined && (longest === undefined || seconds > longest)) longest = seconds;
  }
  return longest;
}

/** What yoga answers a refused operation with: 429 and when to try again (yoga keeps `http` out of the body). */
function httpExtensionOf(error: GraphQLError): { http?: { status: number; headers: Record<string, string> } } {
  const seconds = retryAfterIn([error]);
  return seconds === undefined ? {} : { http: { status: 429, headers: { 'retry-after': String(seconds) } } };
}

/**
 * yoga's maskError: expected errors keep their message and get their code; GraphQL's own errors
 * (syntax, validation, input coercion) pass; anything else is masked and was logged with its request id.
 * `forYoga` adds the status and headers of a refusal as yoga reads them; the JSON path sets them itself.
 */
export function maskError(error: unknown, genericMessage: string, forYoga = false): Error {
  if (!(error instanceof GraphQLError))
    return new GraphQLError(genericMessage, { extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  const expected = expectedError(error.originalError);
  if (expected) {
    return new GraphQLError(expected.message, {
      nodes: error.nodes,
      source: error.source,
      positions: error.positions,
      path: error.path,
      // yoga answers with the status an error asks for (and leaves `http` out of the body): a file over the
      // limit is a 413 on GraphQL too, as it is on the REST routes.
      extensions: {
        ...expected.details,
        code: expected.code,
        ...(expected.code === 'PAYLOAD_TOO_LARGE' ? { http: { status: 413 } } : {}),
        ...(forYoga ? httpExtensionOf(error) : {}),
      },
    });
  }
  if (!isUnexpected(error)) return error;
  return new GraphQLError(`${genericMessage} The x-request-id response header names it in the server log.`, {
    nodes: error.nodes,
    path: error.path,
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  });
}
