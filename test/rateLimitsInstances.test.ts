import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf } from './support/graphqlCalls.js';
import { startTestServer, type TestServer } from './support/testServer.js';

/*
 * Rate limits are counted in the database: two instances on one database (SQLite here, PostgreSQL when
 * TEST_DATABASE_URL is set, as in CI's second pass) share one count, as behind a load balancer.
 */

const LOGIN = 'mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }';
const CREATE_TOKEN = 'mutation($name: String!) { createApiToken(name: $name) { token } }';
const ENV = { RATE_LIMIT_TOKEN_CREATION_PER_USER: '3/3600', RATE_LIMIT_LOGIN_PER_USER: '4/3600' };

let first: TestServer;
let second: TestServer;
let user: { username: string; password: string; token: string };

beforeAll(async () => {
  first = await startTestServer({ env: ENV });
  // The same data folder, and with it the same database.
  second = await startTestServer({ env: ENV, dataDir: first.dataDir });
  user = await first.createUser('VIEWER');
});
afterAll(async () => {
  await second.stop();
  await first.close();
});

describe('rate limits on two instances of one database', () => {
  it('count requests made through either instance together', async () => {
    for (const instance of [first, second, first]) {
      const made = await instance.graphql(CREATE_TOKEN, { name: 'import' }, { token: user.token });
      expect(made.errors).toBeUndefined();
    }
    const refused = await second.graphql(CREATE_TOKEN, { name: 'one too many' }, { token: user.token });
    expect(refused.status).toBe(429);
    expect(codeOf(refused)).toBe('TOO_MANY_REQUESTS');
  });

  it('refuse on one instance a username that logged in up to its limit through the other', async () => {
    // createUser's login through `first` was the first of four.
    for (let made = 1; made < 4; made++) {
      expect((await second.graphql(LOGIN, { u: user.username, p: user.password })).errors).toBeUndefined();
    }
    expect(codeOf(await first.graphql(LOGIN, { u: user.username, p: user.password }))).toBe('TOO_MANY_REQUESTS');
  });
});
