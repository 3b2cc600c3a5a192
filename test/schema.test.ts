import { existsSync, readFileSync } from 'node:fs';
import {
  buildClientSchema,
  buildSchema,
  findBreakingChanges,
  getIntrospectionQuery,
  lexicographicSortSchema,
  printSchema,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/testServer.js';

let api: TestServer;
let served: ReturnType<typeof buildClientSchema>;

beforeAll(async () => {
  api = await startTestServer();
  const result = await api.graphql(getIntrospectionQuery());
  served = buildClientSchema(result.data as never);
});
afterAll(() => api.close());

// The contract lives in ../shared; the copy in contract/ lets a clone without shared/ run the same check.
const sharedContract = new URL('../../shared/api/contract.graphql', import.meta.url);
const contractCopy = new URL('../contract/contract.graphql', import.meta.url);
const contractText = readFileSync(existsSync(sharedContract) ? sharedContract : contractCopy, 'utf8');

describe('the served schema', () => {
  it('is the committed schema.graphql (run npm run schema:print after changing the API)', () => {
    const committed = readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8');
    expect(`${printSchema(lexicographicSortSchema(served))}\n`).toBe(committed);
  });

  it('is a compatible superset of the whole contract', () => {
    const breaking = findBreakingChanges(buildSchema(contractText), served).map((change) => change.description);
    expect(breaking).toEqual([]);
  });

  it('keeps the contract copy in contract/ equal to the shared contract when shared/ is beside the checkout', () => {
    const copy = readFileSync(contractCopy, 'utf8');
    expect(existsSync(sharedContract) ? readFileSync(sharedContract, 'utf8') : copy).toBe(copy);
  });
});

describe('GraphiQL', () => {
  it('is served to a browser at /graphql without loading anything from a CDN', async () => {
    const response = await fetch(`${api.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('asset-gateway');
    expect(html).not.toMatch(/<script[^>]+src="https?:\/\//);
    expect(html).not.toMatch(/<link[^>]+href="https?:\/\//);
    expect(html).not.toContain('unpkg.com');
  });
});
