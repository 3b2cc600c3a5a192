import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLError,
  type GraphQLSchema,
  getOperationAST,
  type OperationDefinitionNode,
  parse,
  specifiedRules,
  type ValidationRule,
  validate,
  validateExecutionArgs,
} from 'graphql';
import { createSharedExecutionContext } from 'graphql/execution/createSharedExecutionContext.js';
import { ExecutorThrowingOnIncremental } from 'graphql/execution/ExecutorThrowingOnIncremental.js';
import type { RequestContext } from '../context.js';
import { readBodyText } from './bodyText.js';
import { COMPRESSIBLE_JSON_LENGTH, sendLargeJson } from './compression.js';
import { setCookieValue } from './cookies.js';
import { isUnexpected, maskError, retryAfterIn } from './graphqlErrors.js';

/** A JSON body larger than this is refused before it is read whole (uploads go as multipart, not JSON). */
export const MAX_JSON_BODY_BYTES = 4 * 1024 * 1024;
const MAX_CACHED_DOCUMENTS = 1000;
/** yoga's generic message for a masked error, so both paths answer alike. */
const UNEXPECTED_ERROR = 'Unexpected error.';

/** What a GraphQL-over-HTTP POST body holds, as yoga's request parser hands it on. */
export interface GraphqlParams {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
  extensions?: unknown;
}

/**
 * graphql's `execute`, without the AbortController it makes for each execution and aborts, with no reason,
 * once the result is built: Node then makes a DOMException and captures its stack, 5-6% of a small read's
 * CPU. No resolver here asks for an abort signal, so none is made (graphql's own executor, handed the
 * shared context `execute` would otherwise make with its controller).
 */
function executeWithoutAbortSignal(args: ExecutionArgs): ExecutionResult | Promise<ExecutionResult> {
  const validated = validateExecutionArgs(args);
  if (!('schema' in validated)) return { errors: validated };
  return new ExecutorThrowingOnIncremental(
    validated,
    createSharedExecutionContext(undefined),
  ).executeRootSelectionSet();
}

type Prepared = { document: DocumentNode; operations: Map<string | null, OperationDefinitionNode | null> };

const JSON_TOO_LARGE = `A GraphQL JSON body may be at most ${MAX_JSON_BODY_BYTES / 1024 / 1024} MiB; send files as multipart uploads`;

/** Reads a JSON body of at most MAX_JSON_BODY_BYTES as text. */
export function readJsonText(req: IncomingMessage, res: ServerResponse): Promise<string> {
  return readBodyText(req, res, MAX_JSON_BODY_BYTES, JSON_TOO_LARGE);
}

/** The media type to answer in, as yoga picks it from Accept; undefined when yoga must answer (406, SSE). */
export function jsonMediaTypeFor(accept: string | undefined): string | undefined {
  if (!accept) return 'application/json';
  for (const part of accept.split(',')) {
    const type = part.split(';', 1)[0]?.trim().toLowerCase();
    if (type === 'application/graphql-response+json') return type;
    if (type === 'application/json' || type === '*/*' || type === 'application/*') return 'application/json';
  }
  return undefined;
}

/**
 * Runs the common request, one query or mutation POSTed as JSON, straight on node:http: parsed and validated
 * documents are kept by their text, and the answer is written without yoga's fetch Request and Response, which
 * cost more than the operation itself. It answers exactly as yoga would (status 200, or 429 with Retry-After when
 * a lock-out or rate limit refused a field; the masked errors; the cookies resolvers asked for). Anything it
 * does not take on (a batch, a document that does not parse or validate, variables that do not fit, a
 * subscription, a cookie mutation without its csrf token) returns false with nothing written, for yoga.
 */
export function createJsonPostExecutor(schema: GraphQLSchema, secureCookies: boolean, limitRules: ValidationRule[]) {
  const rules = [...specifiedRules, ...limitRules];
  const documents = new Map<string, Prepared>();

  function prepared(query: string): Prepared | undefined {
    let entry = documents.get(query);
    if (entry) return entry;
    let document: DocumentNode;
    try {
      document = parse(query);
    } catch {
      return undefined;
    }
    if (validate(schema, document, rules).length > 0) return undefined;
    if (documents.size >= MAX_CACHED_DOCUMENTS) documents.clear();
    entry = { document, operations: new Map() };
    documents.set(query, entry);
    return entry;
  }

  function operationOf(entry: Prepared, name: string | null): OperationDefinitionNode | null {
    let operation = entry.operations.get(name);
    if (operation === undefined) {
      operation = getOperationAST(entry.document, name) ?? null;
      entry.operations.set(name, operation);
    }
    return operation;
  }

  return async function executeJsonPost(
    res: ServerResponse,
    ctx: RequestContext,
    params: GraphqlParams,
    mediaType: string,
  ): Promise<boolean> {
    const { query, variables, operationName } = params;
    if (typeof query !== 'string') return false;
    if (variables != null && (typeof variables !== 'object' || Array.isArray(variables))) return false;
    if (operationName != null && typeof operationName !== 'string') return false;
    const entry = prepared(query);
    if (!entry) return false;
    const operation = operationOf(entry, operationName ?? null);
    if (!operation || operation.operation === 'subscription') return false;
    if (operation.operation === 'mutation' && ctx.auth.via === 'cookie' && !ctx.auth.csrfVerified) return false;

    const result = await executeWithoutAbortSignal({
      schema,
      document: entry.document,
      operationName: operationName ?? null,
      variableValues: variables as Record<string, unknown> | null | undefined,
      contextValue: ctx,
    });
    // No data: the variables did not fit the operation, and nothing ran; yoga words that request error.
    if (result.data === undefined) return false;
    const errors = result.errors?.map((error) => {
      if (isUnexpected(error)) {
        ctx.log.error({ err: error.originalError, path: error.path }, 'unexpected error in a GraphQL resolver');
      }
      return maskError(error, UNEXPECTED_ERROR) as GraphQLError;
    });
    const text = JSON.stringify(errors ? { errors, data: result.data } : { data: result.data });
    const retryAfter = result.errors && retryAfterIn(result.errors);
    res.statusCode = retryAfter === undefined ? 200 : 429;
    if (retryAfter !== undefined) res.setHeader('retry-after', String(retryAfter));
    res.setHeader('content-type', `${mediaType}; charset=utf-8`);
    if (ctx.responseCookies.length > 0) {
      res.setHeader(
        'set-cookie',
        ctx.responseCookies.map((cookie) => setCookieValue(cookie, secureCookies)),
      );
    }
    if (text.length >= COMPRESSIBLE_JSON_LENGTH) {
      sendLargeJson(res, res.statusCode, text);
      return true;
    }
    res.setHeader('content-length', Buffer.byteLength(text));
    res.end(text);
    return true;
  };
}
