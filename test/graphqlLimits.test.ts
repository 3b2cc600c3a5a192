import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configProblemWith, configWith } from './support/configSettings.js';
import { startTestServer, type TestServer } from './support/testServer.js';

const DEPTH_5 = '{ asset(id: "x") { replacement { replacement { replacement { id } } } } }';
const BREADTH_12 = `{ ${Array.from({ length: 6 }, (_, index) => `v${index}: viewer { id }`).join(' ')} }`;
const COST_151 = '{ assets(first: 50) { edges { node { id } } } }';

describe('an operation over a limit set in the settings', () => {
  let api: TestServer;
  let token: string;

  beforeAll(async () => {
    api = await startTestServer({
      env: { GRAPHQL_MAX_DEPTH: '4', GRAPHQL_MAX_BREADTH: '10', GRAPHQL_MAX_COST: '100' },
    });
    token = await api.adminToken();
  });
  afterAll(() => api.close());

  it('is refused with BAD_USER_INPUT naming GRAPHQL_MAX_DEPTH and its figure when nested too deep', async () => {
    const { errors } = await api.graphql(DEPTH_5, {}, { token });
    expect(errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(errors?.[0]?.message).toBe('The operation nests 5 levels deep; at most 4 are allowed (GRAPHQL_MAX_DEPTH)');
  });

  it('is refused with BAD_USER_INPUT naming GRAPHQL_MAX_BREADTH when its fields, aliases counted, are too many', async () => {
    const { errors } = await api.graphql(BREADTH_12, {}, { token });
    expect(errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(errors?.[0]?.message).toBe(
      'The operation selects 12 fields, aliases counted; at most 10 are allowed (GRAPHQL_MAX_BREADTH)',
    );
  });

  it("is refused with BAD_USER_INPUT naming GRAPHQL_MAX_COST when a page's size times its fields costs too much", async () => {
    const { errors, data } = await api.graphql(COST_151, {}, { token });
    expect(errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(errors?.[0]?.message).toMatch(
      /^The operation's estimated cost is 151; at most 100 is allowed \(GRAPHQL_MAX_COST\)/,
    );
    // Refused by validation, once per document: nothing ran, so there is no data at all.
    expect(data).toBeUndefined();
  });

  it('is a mutation refused before it changes anything', async () => {
    const path = `/limits/${Date.now()}`;
    const aliases = Array.from({ length: 4 }, (_, index) => `c${index}: createFolder(path: "${path}") { path status }`);
    const { errors } = await api.graphql(`mutation { ${aliases.join(' ')} }`, {}, { token });
    expect(errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const after = await api.graphql('query($path: String!) { folder(path: $path) { path } }', { path }, { token });
    expect(after.data?.folder).toBeNull();
  });

  it("counts a connection's totalCount, pageInfo and facets once, not once per edge", async () => {
    const query =
      '{ assets(first: 50, facets: ["assetDomain"]) { totalCount pageInfo { endCursor } facets { field } } }';
    const { errors, data } = await api.graphql(query, {}, { token });
    expect(errors).toBeUndefined();
    expect(data?.assets.totalCount).toBe(0);
  });

  it('is answered when a smaller page brings it within the cost limit', async () => {
    const { errors, data } = await api.graphql('{ assets(first: 10) { edges { node { id } } } }', {}, { token });
    expect(errors).toBeUndefined();
    expect(data?.assets.edges).toEqual([]);
  });
});

describe('the default limits', () => {
  let api: TestServer;

  beforeAll(async () => {
    api = await startTestServer();
  });
  afterAll(() => api.close());

  it("let GraphiQL's introspection query through", async () => {
    const introspection = getIntrospectionQuery({ inputValueDeprecation: true, schemaDescription: true });
    const { errors, data } = await api.graphql(introspection);
    expect(errors).toBeUndefined();
    expect(data?.__schema.queryType.name).toBe('Query');
  });

  it('let a full page of assets with every field, their versions, history and users through', async () => {
    const user = '{ id username fullName email organisationId role createdAt }';
    const query = `{ assets(first: 50) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node {
      id name folderPath assetPath contentType size md5 sha256 state draft deleted deletedAt versionNumber metadata
      fileUrl redirectUrl parentDocumentUrl accessLimitedUserIds accessLimitedOrganisationIds authBypassIds
      createdAt modifiedAt createdBy ${user} modifiedBy ${user}
      checkout { checkedOut checkedOutBy checkedOutOnClient user ${user} }
      versions { versionNumber name contentType size sha256 createdAt createdBy ${user} }
      history { action at username versionNumber details }
    } } } }`;
    const { errors } = await api.graphql(query, {}, { token: await api.adminToken() });
    expect(errors).toBeUndefined();
  });
});

describe('the limit settings', () => {
  it('are read from GRAPHQL_MAX_DEPTH, GRAPHQL_MAX_BREADTH and GRAPHQL_MAX_COST', () => {
    const config = configWith({ GRAPHQL_MAX_DEPTH: '8', GRAPHQL_MAX_BREADTH: '150', GRAPHQL_MAX_COST: '20000' });
    expect(config.graphqlLimits).toEqual({ maxDepth: 8, maxBreadth: 150, maxCost: 20_000 });
  });

  it('stop the start with the name of a setting that is not a whole number', () => {
    expect(configProblemWith({ GRAPHQL_MAX_COST: 'lots' }).message).toBe(
      'GRAPHQL_MAX_COST: expected a whole number, got "lots"',
    );
  });

  it('stop the start when a depth would refuse every query', () => {
    expect(configProblemWith({ GRAPHQL_MAX_DEPTH: '1' }).message).toBe(
      'GRAPHQL_MAX_DEPTH: must be between 2 and 1000, got 1',
    );
  });
});
