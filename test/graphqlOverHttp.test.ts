import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/testServer.js';

/**
 * GraphQL over HTTP as the node:http layer answers a JSON POST itself (src/http/graphqlJsonPost.ts), and where it
 * hands the request to yoga: the same statuses, media types and bodies either way.
 */
let api: TestServer;
beforeAll(async () => {
  api = await startTestServer();
});
afterAll(() => api.close());

function post(body: string, headers: Record<string, string> = {}) {
  return fetch(`${api.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
}

describe('a JSON POST to /graphql', () => {
  it.each([
    ['no Accept', undefined, 'application/json; charset=utf-8'],
    ['Accept */*', '*/*', 'application/json; charset=utf-8'],
    [
      'Accept application/graphql-response+json',
      'application/graphql-response+json',
      'application/graphql-response+json; charset=utf-8',
    ],
    [
      'Accept application/json first',
      'application/json, application/graphql-response+json',
      'application/json; charset=utf-8',
    ],
  ])('answers with %s in the media type yoga would pick', async (_label, accept, contentType) => {
    const response = await post(JSON.stringify({ query: '{ __typename }' }), accept ? { accept } : {});
    expect({
      status: response.status,
      type: response.headers.get('content-type'),
      body: await response.json(),
    }).toEqual({
      status: 200,
      type: contentType,
      body: { data: { __typename: 'Query' } },
    });
  });

  it('refuses an Accept it cannot answer in with 406', async () => {
    const response = await post(JSON.stringify({ query: '{ __typename }' }), { accept: 'text/plain' });
    expect(response.status).toBe(406);
  });

  it('answers a resolver error with 200, the data and the error with its code', async () => {
    const response = await post(JSON.stringify({ query: '{ asset(id: "AAAAAAAAAAAAAAAAAAAAAA") { id } }' }));
    const body = await response.json();
    expect({ status: response.status, code: body.errors?.[0]?.extensions?.code, data: body.data }).toEqual({
      status: 200,
      code: 'UNAUTHENTICATED',
      data: { asset: null },
    });
  });

  it('answers the same document twice alike (the parsed document is kept by its text)', async () => {
    const body = JSON.stringify({ query: 'query Twice { __typename }', operationName: 'Twice' });
    const first = await (await post(body)).json();
    const second = await (await post(body)).json();
    expect([first, second]).toEqual([{ data: { __typename: 'Query' } }, { data: { __typename: 'Query' } }]);
  });

  it('refuses a document that does not validate with GRAPHQL_VALIDATION_FAILED, as yoga does', async () => {
    const body = await (await post(JSON.stringify({ query: '{ nope }' }))).json();
    expect(body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('refuses variables of the wrong type before anything runs', async () => {
    const query = 'query($id: ID!) { asset(id: $id) { id } }';
    const body = await (await post(JSON.stringify({ query, variables: { id: { not: 'an id' } } }))).json();
    expect({ data: body.data, message: typeof body.errors?.[0]?.message }).toEqual({
      data: undefined,
      message: 'string',
    });
  });

  it('refuses a body that is not JSON with 400 and BAD_REQUEST', async () => {
    const response = await post('{"query":');
    const body = await response.json();
    expect({ status: response.status, code: body.errors?.[0]?.extensions?.code }).toEqual({
      status: 400,
      code: 'BAD_REQUEST',
    });
  });

  it('refuses a JSON body over 4 MiB with 413 and PAYLOAD_TOO_LARGE, before reading it whole', async () => {
    const query = `{ __typename } # ${'x'.repeat(4 * 1024 * 1024)}`;
    const response = await post(JSON.stringify({ query }));
    const body = await response.json();
    expect({ status: response.status, code: body.errors?.[0]?.extensions?.code }).toEqual({
      status: 413,
      code: 'PAYLOAD_TOO_LARGE',
    });
  });
});
