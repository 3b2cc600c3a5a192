// GraphQL requests of the bench's own, outside the timed runs of autocannon and wrk.
import { ADMIN } from './settings.js';

/** No answer at all: the connection failed before one came (fetch rejected). */
export class NoAnswer extends Error {}

/** POSTs one operation as JSON; its data, or an error that says what came back instead. */
export async function graphql<T>(url: string, query: string, variables: object, token?: string): Promise<T> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  }).catch((error: Error) => {
    // fetch's own message is just "fetch failed": the reason is in its cause.
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    throw new NoAnswer(`${JSON.stringify(variables)}: ${error.message}${cause}`);
  });
  const body = (await response.json()) as { data?: T; errors?: unknown };
  if (!response.ok || !body.data || body.errors) {
    throw new Error(`${query} ${JSON.stringify(variables)}: HTTP ${response.status} ${JSON.stringify(body)}`);
  }
  return body.data;
}

/** The bench's admin logs in: a bearer token. */
export async function loginAsAdmin(url: string): Promise<string> {
  const { login } = await graphql<{ login: { token: string } }>(
    url,
    'mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }',
    { u: ADMIN.username, p: ADMIN.password },
  );
  return login.token;
}
