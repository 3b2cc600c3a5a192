import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configProblemWith, configWith } from './support/configSettings.js';
import { startTestServer, type TestServer } from './support/testServer.js';
import { bearer, bodyOf } from './support/woodwingCalls.js';

/*
 * What one GraphQL request may hold besides depth, breadth and cost (graphqlLimits.test.ts): aliases, batched
 * operations, and introspection when it is turned off. Introspection-only operations are limited too.
 */

const aliased = (count: number, field = 'viewer { id }') =>
  `{ ${Array.from({ length: count }, (_, index) => `a${index}: ${field}`).join(' ')} }`;

describe('the alias and batch limits', () => {
  let api: TestServer;
  let token: string;

  beforeAll(async () => {
    api = await startTestServer({
      env: { GRAPHQL_MAX_ALIASES: '3', GRAPHQL_MAX_BATCH: '2', GRAPHQL_MAX_BREADTH: '20' },
    });
    token = await api.adminToken();
  });
  afterAll(() => api.close());

  /** POSTs a JSON body to /graphql with the admin's token. */
  function post(body: unknown): Promise<Response> {
    return fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { ...bearer(token), 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  it('refuses a document with more aliases than GRAPHQL_MAX_ALIASES, naming the setting', async () => {
    const { errors, data } = await api.graphql(aliased(4), {}, { token });
    expect(errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(errors?.[0]?.message).toBe('The document has 4 aliases; at most 3 are allowed (GRAPHQL_MAX_ALIASES)');
    expect(data).toBeUndefined();
  });

  it('answers a document with as many aliases as GRAPHQL_MAX_ALIASES', async () => {
    const { errors, data } = await api.graphql(aliased(3), {}, { token });
    expect(errors).toBeUndefined();
    expect(data?.a2).toEqual({ id: expect.any(String) });
  });

  it('limits an operation that only introspects, here by its breadth', async () => {
    const fields = Array.from({ length: 21 }, () => '__typename').join(' ');
    const { errors } = await api.graphql(`{ ${fields} }`, {}, { token });
    expect(errors?.[0]?.message).toMatch(/\(GRAPHQL_MAX_BREADTH\)$/);
  });

  it('answers a batch (a JSON array) of up to GRAPHQL_MAX_BATCH operations, each on its own', async () => {
    const response = await post([{ query: '{ viewer { username } }' }, { query: '{ __typename }' }]);
    expect(response.status).toBe(200);
    expect(await bodyOf(response)).toEqual([
      { data: { viewer: { username: 'admin' } } },
      { data: { __typename: 'Query' } },
    ]);
  });

  it('refuses a batch of more than GRAPHQL_MAX_BATCH operations with 413', async () => {
    const response = await post([
      { query: '{ __typename }' },
      { query: '{ __typename }' },
      { query: '{ __typename }' },
    ]);
    expect(response.status).toBe(413);
    expect((await bodyOf(response)).errors[0].message).toBe('Batching is limited to 2 operations per request.');
  });
});

describe('GRAPHQL_INTROSPECTION=false', () => {
  let api: TestServer;

  beforeAll(async () => {
    api = await startTestServer({ env: { GRAPHQL_INTROSPECTION: 'false' } });
  });
  afterAll(() => api.close());

  it('refuses the introspection query', async () => {
    const { errors, data } = await api.graphql(getIntrospectionQuery());
    expect(errors?.[0]?.message).toMatch(/introspection/i);
    expect(data).toBeUndefined();
  });

  it('still answers __typename', async () => {
    const { data } = await api.graphql('{ __typename }');
    expect(data).toEqual({ __typename: 'Query' });
  });

  it('turns GraphiQL off with it', async () => {
    const response = await fetch(`${api.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(await response.text()).not.toContain('GraphiQL');
  });
});

describe('the GraphQL request settings', () => {
  it('are read from GRAPHQL_MAX_ALIASES, GRAPHQL_MAX_BATCH and GRAPHQL_INTROSPECTION', () => {
    const config = configWith({ GRAPHQL_MAX_ALIASES: '5', GRAPHQL_MAX_BATCH: '4', GRAPHQL_INTROSPECTION: 'false' });
    expect(config.graphqlRequestLimits).toEqual({ maxAliases: 5, maxBatchedOperations: 4 });
    expect({ introspection: config.graphqlIntrospection, graphiql: config.graphiql }).toEqual({
      introspection: false,
      graphiql: false,
    });
  });

  it('default to 30 aliases, batches of 10, introspection and GraphiQL on', () => {
    const config = configWith({});
    expect(config.graphqlRequestLimits).toEqual({ maxAliases: 30, maxBatchedOperations: 10 });
    expect({ introspection: config.graphqlIntrospection, graphiql: config.graphiql }).toEqual({
      introspection: true,
      graphiql: true,
    });
  });

  it('stop the start when GraphiQL is asked for without introspection', () => {
    expect(configProblemWith({ GRAPHQL_INTROSPECTION: 'false', GRAPHIQL: 'true' }).message).toMatch(/^GRAPHIQL: /);
  });
});
