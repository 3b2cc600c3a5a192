import type { ServerResponse } from 'node:http';
import { sendJson } from './requestContext.js';

/** How a surface says, in its own dialect, that nothing is at a path, or not for the method asked. */
export interface Refusals {
  notFound(res: ServerResponse, path: string): void;
  methodNotAllowed(res: ServerResponse, method: string): void;
}

/** The one answer to a method a path does not take, on every surface: `Allow`, then the surface's body. */
export function refuseMethod(res: ServerResponse, method: string, allow: string, refusals: Refusals): void {
  res.setHeader('allow', allow);
  refusals.methodNotAllowed(res, method);
}

/** Paths outside every legacy dialect: health, and whatever no surface claims. */
export const plainRefusals: Refusals = {
  notFound(res, path) {
    sendJson(res, 404, { error: 'Not found', message: `Nothing is served at ${path}; GraphQL is at /graphql` });
  },
  methodNotAllowed(res, method) {
    sendJson(res, 405, { error: 'Method not allowed', message: `${method} is not answered at this path` });
  },
};

/** /graphql: a GraphQL client reads errors from `errors`, as yoga words them. */
export const graphqlRefusals: Refusals = {
  notFound: plainRefusals.notFound,
  methodNotAllowed(res) {
    const message = 'GraphQL only supports GET and POST requests.';
    sendJson(res, 405, { errors: [{ message, extensions: { code: 'BAD_REQUEST' } }] });
  },
};
