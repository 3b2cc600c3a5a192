import { GraphQLError } from 'graphql';
import { DomainError } from '../errors.js';

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

/**
 * yoga's maskError: expected errors keep their message and get their code; GraphQL's own errors
 * (syntax, validation, input coercion) pass; anything else is masked and was logged with its request id.
 */
export function maskError(error: unknown, genericMessage: string): Error {
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
