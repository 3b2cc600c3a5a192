import type { ServerResponse } from 'node:http';
import type { RequestContext } from '../../context.js';
import { DomainError, type ErrorCode, retryAfterOf } from '../../errors.js';
import { sendJsonText } from '../../http/compression.js';
import type { Refusals } from '../../http/refusals.js';
import { PathTaken } from '../../resolvers/assets/assetNaming.js';

export function sendWoodwingJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  sendJsonText(res, status, JSON.stringify(body), {
    'content-type': 'application/json;charset=utf-8',
    'cache-control': 'no-cache',
    ...headers,
  });
}

/** WoodWing's error body, `{errorname, message, errorcode}`, sent with the real status equal to errorcode. */
export function sendWoodwingError(
  res: ServerResponse,
  status: number,
  errorname: string,
  message: string,
  headers: Record<string, string> = {},
): void {
  sendWoodwingJson(res, status, { errorname, message, errorcode: status }, headers);
}

const ERROR_NAMES: Record<DomainError['code'], string> = {
  UNAUTHENTICATED: 'AuthenticationCredentialsNotFoundException',
  FORBIDDEN: 'AccessDeniedException',
  NOT_FOUND: 'NotFoundException',
  CONFLICT: 'AssetCheckedOutException',
  BAD_USER_INPUT: 'IllegalArgumentException',
  PAYLOAD_TOO_LARGE: 'MaxUploadSizeExceededException',
  GONE: 'NotFoundException',
  TOO_MANY_REQUESTS: 'TooManyRequestsException',
  INSUFFICIENT_STORAGE: 'InsufficientStorageException',
};

/** A domain error in WoodWing's shape; false for anything unexpected. */
export function sendDomainError(
  res: ServerResponse,
  error: unknown,
  statusFor: Partial<Record<ErrorCode, number>> = {},
): boolean {
  if (!(error instanceof DomainError)) return false;
  const status = statusFor[error.code] ?? error.httpStatus;
  const message = error.code === 'UNAUTHENTICATED' ? 'Not logged in' : error.message;
  const name = error instanceof PathTaken ? 'PathAlreadyExistsException' : ERROR_NAMES[error.code];
  const retryAfter = retryAfterOf(error);
  sendWoodwingError(res, status, name, message, retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) });
  return true;
}

/** How WoodWing says no to a path or a method: Spring's exceptions, in its error body. */
export const woodwingRefusals: Refusals = {
  notFound(res, path) {
    sendWoodwingError(res, 404, 'NotFoundException', `Nothing is served at ${path}`);
  },
  methodNotAllowed(res, method) {
    sendWoodwingError(
      res,
      405,
      'HttpRequestMethodNotSupportedException',
      `Request method '${method}' is not supported`,
    );
  },
};

/**
 * Answers a caller who may not go on: 401 without a login, 403 for a cookie session's change without the
 * csrf token from login (Bearer requests are exempt, reference section 2.3). True when it answered.
 */
export function refusedCaller(res: ServerResponse, ctx: RequestContext, changes: boolean): boolean {
  if (!ctx.viewer) {
    sendWoodwingError(res, 401, 'AuthenticationCredentialsNotFoundException', 'Not logged in');
    return true;
  }
  if (changes && ctx.auth.via === 'cookie' && !ctx.auth.csrfVerified) {
    sendWoodwingError(
      res,
      403,
      'InvalidCsrfTokenException',
      'Send the csrfToken from login as the X-CSRF-TOKEN header',
    );
    return true;
  }
  return false;
}
