import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
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

/**
 * The contract is shared/api/contract.graphql beside the checkout (CI clones next to shared/), or beside a
 * folder that holds the checkout (a git worktree under /work/wt/). Undefined when there is none: then the
 * contract test fails rather than compare the schema with anything else.
 */
function sharedContractFile(): string | undefined {
  const checkout = fileURLToPath(new URL('..', import.meta.url));
  for (let folder = dirname(checkout); ; folder = dirname(folder)) {
    const candidate = join(folder, 'shared', 'api', 'contract.graphql');
    if (existsSync(candidate)) return candidate;
    if (dirname(folder) === folder) return undefined;
  }
}

describe('the served schema', () => {
  it('is the committed schema.graphql (run npm run schema:print after changing the API)', () => {
    const committed = readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8');
    expect(`${printSchema(lexicographicSortSchema(served))}\n`).toBe(committed);
  });

  it('is a compatible superset of the whole shared contract', () => {
    const contractFile = sharedContractFile();
    if (!contractFile) expect.fail('shared/api/contract.graphql is not beside the checkout nor above it');
    const contract = buildSchema(readFileSync(contractFile, 'utf8'));
    const breaking = findBreakingChanges(contract, served).map((change) => change.description);
    expect(breaking).toEqual([]);
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
