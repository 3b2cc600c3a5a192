import type { IncomingMessage, ServerResponse } from 'node:http';
import { GraphQLError, type GraphQLSchema, getOperationAST, type ValidationRule } from 'graphql';
import { createYoga, type Plugin } from 'graphql-yoga';
import type { Config } from '../config.js';
import type { RequestContext } from '../context.js';
import { stageFile } from '../resolvers/assets/files.js';
import { documentLimitRules } from '../schema/operationLimits.js';
import { setCookieValue } from './cookies.js';
import { asksForGraphiql, type GraphiqlServing } from './graphiqlServing.js';
import { expectedError, isUnexpected, maskError } from './graphqlErrors.js';
import { createJsonPostExecutor, type GraphqlParams, jsonMediaTypeFor, readJsonText } from './graphqlJsonPost.js';
import { type GraphqlBody, readGraphqlMultipart } from './graphqlMultipart.js';
import { drainRefusedBody } from './refusedBody.js';
import { plainContext, type RequestContextFactory, sendJson } from './requestContext.js';
import { declaredBodyTooLarge } from './uploadLimits.js';

/** What the node:http layer hands yoga: the request context, and the multipart body it already parsed. */
interface ServerContext {
  requestContext: RequestContext;
  /** A body read before yoga: multipart (files staged as they arrive) or JSON. */
  parsedBody?: GraphqlBody | GraphqlParams;
}

/**
 * Headers that a browser cannot send cross-site without a CORS preflight. The multipart body is parsed
 * before yoga sees it, which hides it from yoga's own CSRF check, so it is done here.
 */
const PREFLIGHT_HEADERS = ['apollo-require-preflight', 'x-graphql-yoga-csrf', 'x-csrf-token', 'authorization'];
const MAX_FILES_PER_REQUEST = 10;

function graphqlErrorBody(message: string, code: string) {
  return { errors: [{ message, extensions: { code } }] };
}

/**
 * Hands yoga a body already read. yoga sees a request without a body: its body-size limit would otherwise
 * refuse a large upload by its Content-Length, or attach a second reader to a stream already read.
 */
const hidePreparsedBody: Plugin<object, ServerContext> = {
  onRequest({ request, serverContext, setRequest, fetchAPI }) {
    if (!serverContext.parsedBody) return;
    const headers = new fetchAPI.Headers(request.headers);
    headers.delete('content-length');
    setRequest(new fetchAPI.Request(request.url, { method: request.method, headers }));
  },
  onRequestParse({ serverContext, setRequestParser }) {
    const body = serverContext.parsedBody;
    if (body) setRequestParser(() => body as GraphqlBody);
  },
};

/**
 * yoga reads a GET's (or a urlencoded POST's) `variables` and `extensions` with JSON.parse and lets its
 * SyntaxError through as an unexpected error (masked, with 200): that invalid JSON is the client's, a 400.
 */
const invalidJsonParamsRefused: Plugin<object, ServerContext> = {
  onRequestParse({ requestParser, setRequestParser }) {
    if (!requestParser) return;
    setRequestParser(async (request) => {
      try {
        return await requestParser(request);
      } catch (error) {
        if (!(error instanceof SyntaxError)) throw error;
        throw new GraphQLError('The variables or extensions parameter is not valid JSON.', {
          extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
        });
      }
    });
  },
};

const csrfForCookieMutations: Plugin<object, ServerContext> = {
  onExecute({ args, setResultAndStopExecution }) {
    const ctx = args.contextValue as unknown as RequestContext;
    if (ctx.auth.via !== 'cookie' || ctx.auth.csrfVerified) return;
    if (getOperationAST(args.document, args.operationName)?.operation !== 'mutation') return;
    setResultAndStopExecution({
      errors: [
        new GraphQLError(
          'A mutation authenticated by the authToken cookie needs the X-CSRF-TOKEN header with the csrfToken that login returned',
          { extensions: { code: 'FORBIDDEN' } },
        ),
      ],
    });
  },
};

const logUnexpectedErrors: Plugin<object, ServerContext> = {
  onExecute({ args }) {
    const ctx = args.contextValue as unknown as RequestContext;
    return {
      onExecuteDone({ result }) {
        if (!('errors' in result) || !result.errors) return;
        for (const error of result.errors) {
          if (error instanceof GraphQLError && isUnexpected(error)) {
            ctx.log.error({ err: error.originalError, path: error.path }, 'unexpected error in a GraphQL resolver');
          }
        }
      },
    };
  },
};

/** Rules yoga validates every document with besides the specified ones; its validation cache keeps the result per document. */
const useValidationRule = (rules: ValidationRule[]): Plugin<object, ServerContext> => ({
  onValidate({ addValidationRule }) {
    for (const rule of rules) addValidationRule(rule);
  },
});

const sendResponseCookies = (secure: boolean): Plugin<object, ServerContext> => ({
  onResponse({ serverContext, response }) {
    for (const cookie of serverContext?.requestContext?.responseCookies ?? []) {
      response.headers.append('set-cookie', setCookieValue(cookie, secure));
    }
  },
});

export function createGraphqlHandler(
  schema: GraphQLSchema,
  config: Config,
  createContext: RequestContextFactory,
  graphiql: GraphiqlServing | undefined,
) {
  const limitRules = documentLimitRules(config);
  const yoga = createYoga<ServerContext>({
    schema,
    graphqlEndpoint: '/graphql',
    multipart: false,
    landingPage: false,
    logging: false,
    // GraphiQL is served before yoga (graphiqlServing.ts): its files apart from its page, compressed and cached.
    graphiql: false,
    maskedErrors: { maskError: (error, message) => maskError(error, message, true) },
    context: ({ requestContext }) => plainContext(requestContext),
    batching: { limit: config.graphqlRequestLimits.maxBatchedOperations },
    plugins: [
      useValidationRule(limitRules),
      hidePreparsedBody,
      invalidJsonParamsRefused,
      csrfForCookieMutations,
      logUnexpectedErrors,
      sendResponseCookies(config.publicUrl.startsWith('https:')),
    ],
  });

  const executeJsonPost = createJsonPostExecutor(schema, config.publicUrl.startsWith('https:'), limitRules);

  return async function handleGraphql(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    if (graphiql && asksForGraphiql(req)) return graphiql.sendPage(req, res);
    const ctx = await createContext(req, requestId);
    const serverContext: ServerContext = { requestContext: ctx };
    const contentType = (req.headers['content-type'] ?? '').toLowerCase();
    const jsonMediaType = jsonMediaTypeFor(req.headers.accept);
    if (req.method === 'POST' && contentType.startsWith('application/json') && jsonMediaType) {
      let params: unknown;
      try {
        params = JSON.parse(await readJsonText(req, res));
      } catch (error) {
        const expected = expectedError(error);
        if (!expected) {
          sendJson(res, 400, graphqlErrorBody('POST body sent invalid JSON.', 'BAD_REQUEST'));
          return;
        }
        sendJson(
          res,
          expected.code === 'PAYLOAD_TOO_LARGE' ? 413 : 400,
          graphqlErrorBody(expected.message, expected.code),
        );
        return;
      }
      const single = params !== null && typeof params === 'object' && !Array.isArray(params);
      if (single && (await executeJsonPost(res, ctx, params as GraphqlParams, jsonMediaType))) return;
      serverContext.parsedBody = params as GraphqlParams;
    } else if (contentType.startsWith('multipart/form-data')) {
      if (!PREFLIGHT_HEADERS.some((name) => req.headers[name] !== undefined)) {
        const message =
          'A multipart GraphQL request must carry a header that browsers cannot send cross-site, e.g. apollo-require-preflight: true';
        sendJson(res, 403, graphqlErrorBody(message, 'FORBIDDEN'));
        return;
      }
      if (declaredBodyTooLarge(req, ctx.config)) {
        const message = `The request is larger than the upload limit of ${ctx.config.maxUploadBytes / 1024 / 1024} MiB`;
        sendJson(res, 413, graphqlErrorBody(message, 'PAYLOAD_TOO_LARGE'));
        drainRefusedBody(req, res);
        return;
      }
      try {
        serverContext.parsedBody = await readGraphqlMultipart(req, res, {
          maxFiles: MAX_FILES_PER_REQUEST,
          stage: (bytes) => stageFile(ctx, bytes),
        });
      } catch (error) {
        const expected = expectedError(error);
        if (!expected) throw error;
        sendJson(
          res,
          expected.code === 'PAYLOAD_TOO_LARGE' ? 413 : 400,
          graphqlErrorBody(expected.message, expected.code),
        );
        return;
      }
    }
    await yoga.handle(req, res, serverContext);
  };
}
