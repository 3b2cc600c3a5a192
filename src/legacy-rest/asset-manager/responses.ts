import type { ServerResponse } from 'node:http';
import { DomainError, retryAfterOf, ValidationFailed } from '../../errors.js';
import { sendJsonText } from '../../http/compression.js';
import type { Refusals } from '../../http/refusals.js';

/** GOV.UK Asset Manager's bodies (reference section 7's NF, GONE and FORB). */
export const NOT_FOUND = { _response_info: { status: 'not found' } };
export const GONE = { _response_info: { status: 'gone' } };
export const FORBIDDEN = {
  _response_info: { status: "Forbidden. You don't have permission to access this resource." },
};

/** Rails answers JSON with this content type (the pact tests pin it). */
export function sendRailsJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  sendJsonText(res, status, JSON.stringify(body), {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-cache',
    ...headers,
  });
}

/** Rails routes by path and method together: an unrouted method is its 404 too (with `Allow` added). */
export const assetManagerRefusals: Refusals = {
  notFound(res) {
    sendRailsJson(res, 404, NOT_FOUND);
  },
  methodNotAllowed(res) {
    sendRailsJson(res, 404, NOT_FOUND);
  },
};

/** An empty answer, as Rails' `head :payload_too_large`. */
export function sendEmpty(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-length': 0, ...headers });
  res.end();
}

/** A domain error in the shape GOV.UK Asset Manager's clients expect; false for anything unexpected. */
export function sendDomainError(res: ServerResponse, error: unknown): boolean {
  if (!(error instanceof DomainError)) return false;
  const retryAfter = retryAfterOf(error);
  if (retryAfter !== undefined) {
    // A refusal for now (a login lock-out or a rate limit), with when to try again.
    sendRailsJson(res, 429, { message: error.message }, { 'retry-after': String(retryAfter) });
    return true;
  }
  switch (error.code) {
    case 'NOT_FOUND':
      sendRailsJson(res, 404, NOT_FOUND);
      break;
    case 'GONE':
      sendRailsJson(res, 410, GONE);
      break;
    case 'FORBIDDEN':
      sendRailsJson(res, 403, FORBIDDEN);
      break;
    case 'UNAUTHENTICATED':
      sendRailsJson(
        res,
        401,
        { message: 'Bearer token does not appear to be valid' },
        {
          'www-authenticate': 'Bearer error="invalid_token"',
        },
      );
      break;
    case 'PAYLOAD_TOO_LARGE':
      sendEmpty(res, 413);
      break;
    case 'CONFLICT':
      sendRailsJson(res, 409, { _response_info: { status: error.message } });
      break;
    case 'INSUFFICIENT_STORAGE':
      sendRailsJson(res, 507, { _response_info: { status: error.message } });
      break;
    case 'BAD_USER_INPUT':
      // Rails' 422: `status` is a list of full messages here, not a string.
      sendRailsJson(res, 422, {
        _response_info: { status: error instanceof ValidationFailed ? error.messages : [error.message] },
      });
      break;
  }
  return true;
}
