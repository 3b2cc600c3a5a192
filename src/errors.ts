/**
 * The domain errors. Resolvers throw them; each surface maps them to its own shape
 * (GraphQL extensions.code, WoodWing {errorname, errorcode}, Rails _response_info).
 */
export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'BAD_USER_INPUT'
  | 'PAYLOAD_TOO_LARGE'
  | 'GONE'
  | 'TOO_MANY_REQUESTS'
  | 'INSUFFICIENT_STORAGE';

export abstract class DomainError extends Error {
  abstract readonly code: ErrorCode;
  abstract readonly httpStatus: number;
  /** Extra machine-readable facts for the client (never internals). */
  readonly details: Record<string, unknown> | undefined;

  constructor(message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = new.target.name;
    this.details = details;
  }
}

export class Unauthenticated extends DomainError {
  readonly code = 'UNAUTHENTICATED';
  readonly httpStatus = 401;
}

export class Forbidden extends DomainError {
  readonly code = 'FORBIDDEN';
  readonly httpStatus = 403;
}

export class NotFound extends DomainError {
  readonly code = 'NOT_FOUND';
  readonly httpStatus = 404;
}

export class Conflict extends DomainError {
  readonly code = 'CONFLICT';
  readonly httpStatus = 409;
}

export class BadInput extends DomainError {
  readonly code = 'BAD_USER_INPUT';
  readonly httpStatus = 400;
}

/** Input that breaks one or more rules; `messages` lists each, for surfaces that show them one by one. */
export class ValidationFailed extends BadInput {
  constructor(readonly messages: string[]) {
    super(messages.join('; '), { messages });
  }
}

export class PayloadTooLarge extends DomainError {
  readonly code = 'PAYLOAD_TOO_LARGE';
  readonly httpStatus = 413;
}

export class Gone extends DomainError {
  readonly code = 'GONE';
  readonly httpStatus = 410;
}

/** The store has no room for the bytes (a full disk or quota): the client may try again later, unchanged. */
export class InsufficientStorage extends DomainError {
  readonly code = 'INSUFFICIENT_STORAGE';
  readonly httpStatus = 507;
}

/** Login refused for a while after repeated failures. The contract has no code of its own for it. */
export class TooManyAttempts extends DomainError {
  readonly code = 'FORBIDDEN';
  readonly httpStatus = 429;
}

/** Refused by a rate limit (RATE_LIMIT_* settings): too many requests of one kind in its window. */
export class RateLimited extends DomainError {
  readonly code = 'TOO_MANY_REQUESTS';
  readonly httpStatus = 429;

  constructor(message: string, retryAfterSeconds: number) {
    super(message, { retryAfterSeconds });
  }
}

/** Seconds a refused client should wait, for the Retry-After header; undefined for an error that is no 429. */
export function retryAfterOf(error: DomainError): number | undefined {
  const seconds = error.details?.retryAfterSeconds;
  return error.httpStatus === 429 && typeof seconds === 'number' ? seconds : undefined;
}
