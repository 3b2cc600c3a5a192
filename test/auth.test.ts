import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { startServer } from '../src/server.js';
import { codeOf } from './support/graphqlCalls.js';
import { createTestDatabase, type TestDatabase } from './support/testDatabase.js';
import { ADMIN, eventually, type GraphqlResponse, startTestServer, type TestServer } from './support/testServer.js';

type Role = 'VIEWER' | 'CONTRIBUTOR' | 'EDITOR' | 'ADMIN';

const LOGIN = `mutation($u: String!, $p: String!) {
  login(username: $u, password: $p) { token csrfToken user { id username role } }
}`;
const LOGOUT = 'mutation { logout }';
const VIEWER = '{ viewer { username role } }';
const USERS = '{ users { id username role } }';
const CREATE_USER = `mutation($input: CreateUserInput!) {
  createUser(input: $input) { id username role fullName email organisationId }
}`;
const CREATE_API_TOKEN = 'mutation($name: String!) { createApiToken(name: $name) { name token } }';

/** A token of the service's own shape (`s.<22-char id>.<43-char secret>`) that no row holds. */
function wellFormedUnknownToken(kind: 's' | 't'): string {
  return `${kind}.${'A'.repeat(22)}.${'B'.repeat(43)}`;
}

/** Every row of a table, as the database holds it. */
function readTable(table: string): Promise<Record<string, unknown>[]> {
  return api.sql(`select * from "${table}"`);
}

let api: TestServer;
let adminToken: string;
let userCounter = 0;

beforeAll(async () => {
  api = await startTestServer();
  adminToken = await api.adminToken();
});
afterAll(() => api.close());

/** Creates a user with a password the test knows. */
async function newUser(
  role: Role,
  password = 'correct-horse-battery',
): Promise<{ id: string; username: string; password: string }> {
  userCounter += 1;
  const username = `auth-${role.toLowerCase()}-${userCounter}`;
  const result = await api.graphql<{ createUser: { id: string } }>(
    CREATE_USER,
    { input: { username, password, role } },
    { token: adminToken },
  );
  if (!result.data?.createUser) throw new Error(`createUser failed: ${JSON.stringify(result.errors)}`);
  return { id: result.data.createUser.id, username, password };
}

async function login(username: string, password: string) {
  return api.graphql<{
    login: { token: string; csrfToken: string; user: { id: string; username: string; role: Role } };
  }>(LOGIN, { u: username, p: password });
}

async function usernames(): Promise<string[]> {
  const result = await api.graphql<{ users: { username: string }[] }>(USERS, {}, { token: adminToken });
  return (result.data?.users ?? []).map((user) => user.username);
}

describe('login', () => {
  it('returns a session token, a csrf token and the user for the right password', async () => {
    const result = await login(ADMIN.username, ADMIN.password);
    expect(result.errors).toBeUndefined();
    expect(result.data?.login.token).toMatch(/^s\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
    expect(result.data?.login.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(result.data?.login.user).toMatchObject({ username: ADMIN.username, role: 'ADMIN' });
  });

  it('refuses a wrong password with UNAUTHENTICATED and sets no cookie', async () => {
    const user = await newUser('VIEWER');
    const result = await login(user.username, 'not-the-password');
    expect(result.data?.login ?? null).toBeNull();
    expect(codeOf(result)).toBe('UNAUTHENTICATED');
    expect(result.headers.get('set-cookie')).toBeNull();
  });

  it('refuses an unknown username with UNAUTHENTICATED and sets no cookie', async () => {
    const result = await login('nobody-by-this-name', 'whatever-password');
    expect(result.data?.login ?? null).toBeNull();
    expect(codeOf(result)).toBe('UNAUTHENTICATED');
    expect(result.headers.get('set-cookie')).toBeNull();
  });

  it('says the same thing for a wrong password as for an unknown username', async () => {
    const user = await newUser('VIEWER');
    const wrongPassword = await login(user.username, 'not-the-password');
    const unknownUser = await login('nobody-by-this-name-either', 'not-the-password');
    expect(wrongPassword.errors?.[0]?.message).toBeTruthy();
    expect(wrongPassword.errors?.[0]?.message).toBe(unknownUser.errors?.[0]?.message);
  });
});

describe('who is asking', () => {
  it('treats a request with Authorization: Bearer <token> as that user', async () => {
    const user = await newUser('CONTRIBUTOR');
    const token = (await login(user.username, user.password)).data?.login.token;
    const result = await api.graphql(VIEWER, {}, { token });
    expect(result.data?.viewer).toEqual({ username: user.username, role: 'CONTRIBUTOR' });
  });

  it('answers viewer with null for an anonymous request', async () => {
    const result = await api.graphql(VIEWER);
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ viewer: null });
  });

  it.each([
    ['an unknown', wellFormedUnknownToken('s')],
    ['a garbled', 'garbled!!token'],
  ])('answers viewer with null for %s bearer token', async (_kind, token) => {
    const result = await api.graphql(VIEWER, {}, { token });
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ viewer: null });
  });

  it.each([
    ['an unknown', USERS, wellFormedUnknownToken('t')],
    ['a garbled', '{ assets { totalCount } }', 'garbled!!token'],
  ])('refuses a protected query with %s bearer token, saying the token is not valid', async (_kind, query, token) => {
    const result = await api.graphql(query, {}, { token });
    expect(codeOf(result)).toBe('UNAUTHENTICATED');
    expect(result.errors?.[0]?.message).toMatch(/token is not valid/);
  });

  it('refuses a protected query from an anonymous request with UNAUTHENTICATED', async () => {
    const result = await api.graphql(USERS);
    expect(codeOf(result)).toBe('UNAUTHENTICATED');
  });

  it('does not accept a session token whose secret part was changed', async () => {
    const token = (await login(ADMIN.username, ADMIN.password)).data?.login.token ?? '';
    const [kind, id, secret = ''] = token.split('.');
    const altered = `${kind}.${id}.${secret.startsWith('A') ? 'B' : 'A'}${secret.slice(1)}`;
    const result = await api.graphql(VIEWER, {}, { token: altered });
    expect(result.data).toEqual({ viewer: null });
  });
});

describe('logout', () => {
  it('ends the session, so the same token then gives viewer null', async () => {
    const token = (await login(ADMIN.username, ADMIN.password)).data?.login.token;
    const loggedOut = await api.graphql(LOGOUT, {}, { token });
    expect(loggedOut.data).toEqual({ logout: true });
    const after = await api.graphql(VIEWER, {}, { token });
    expect(after.data).toEqual({ viewer: null });
  });

  it('leaves an API token working after its login session has ended', async () => {
    const sessionToken = (await login(ADMIN.username, ADMIN.password)).data?.login.token;
    const created = await api.graphql<{ createApiToken: { token: string } }>(
      CREATE_API_TOKEN,
      { name: 'survives logout' },
      { token: sessionToken },
    );
    const apiToken = created.data?.createApiToken.token;
    await api.graphql(LOGOUT, {}, { token: sessionToken });
    const result = await api.graphql(VIEWER, {}, { token: apiToken });
    expect(result.data?.viewer).toEqual({ username: ADMIN.username, role: 'ADMIN' });
  });

  it('answers false for a request made with an API token, which stays valid', async () => {
    const created = await api.graphql<{ createApiToken: { token: string } }>(
      CREATE_API_TOKEN,
      { name: 'not a session' },
      { token: adminToken },
    );
    const apiToken = created.data?.createApiToken.token;
    const loggedOut = await api.graphql(LOGOUT, {}, { token: apiToken });
    expect(loggedOut.data).toEqual({ logout: false });
    const result = await api.graphql(VIEWER, {}, { token: apiToken });
    expect(result.data?.viewer).toEqual({ username: ADMIN.username, role: 'ADMIN' });
  });
});

describe('createApiToken', () => {
  it('returns a token that works as a Bearer token for the same user', async () => {
    const user = await newUser('EDITOR');
    const sessionToken = (await login(user.username, user.password)).data?.login.token;
    const created = await api.graphql<{ createApiToken: { name: string; token: string } }>(
      CREATE_API_TOKEN,
      { name: 'nightly import' },
      { token: sessionToken },
    );
    expect(created.data?.createApiToken.name).toBe('nightly import');
    expect(created.data?.createApiToken.token).toMatch(/^t\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
    const result = await api.graphql(VIEWER, {}, { token: created.data?.createApiToken.token });
    expect(result.data?.viewer).toEqual({ username: user.username, role: 'EDITOR' });
  });

  it('refuses a blank name with BAD_USER_INPUT', async () => {
    const result = await api.graphql(CREATE_API_TOKEN, { name: '   ' }, { token: adminToken });
    expect(codeOf(result)).toBe('BAD_USER_INPUT');
    expect(result.data?.createApiToken ?? null).toBeNull();
  });

  it('refuses an anonymous request with UNAUTHENTICATED', async () => {
    const result = await api.graphql(CREATE_API_TOKEN, { name: 'anonymous' });
    expect(codeOf(result)).toBe('UNAUTHENTICATED');
  });
});

describe('createUser', () => {
  it.each([
    'VIEWER',
    'CONTRIBUTOR',
    'EDITOR',
  ] as const)('refuses a %s with FORBIDDEN and creates nobody', async (role) => {
    const asker = await api.createUser(role);
    const username = `made-by-${role.toLowerCase()}`;
    const result = await api.graphql(
      CREATE_USER,
      { input: { username, password: 'long-enough-password', role: 'ADMIN' } },
      { token: asker.token },
    );
    expect(codeOf(result)).toBe('FORBIDDEN');
    expect(await usernames()).not.toContain(username);
  });

  it('refuses an anonymous request with UNAUTHENTICATED and creates nobody', async () => {
    const result = await api.graphql(CREATE_USER, {
      input: { username: 'made-by-nobody', password: 'long-enough-password', role: 'ADMIN' },
    });
    expect(codeOf(result)).toBe('UNAUTHENTICATED');
    expect(await usernames()).not.toContain('made-by-nobody');
  });

  it('refuses a username that is taken with CONFLICT', async () => {
    const existing = await newUser('VIEWER');
    const result = await api.graphql(
      CREATE_USER,
      { input: { username: existing.username, password: 'another-password', role: 'EDITOR' } },
      { token: adminToken },
    );
    expect(codeOf(result)).toBe('CONFLICT');
  });

  it('answers CONFLICT, never an internal error, to all but one of 10 simultaneous users of one name', async () => {
    const username = `raced-${Date.now()}`;
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        api.graphql(
          CREATE_USER,
          { input: { username, password: 'long-enough-password', role: 'VIEWER' } },
          { token: adminToken },
        ),
      ),
    );
    const codes = results.map((result) => (result.errors ? codeOf(result) : 'OK'));
    expect(codes.filter((code) => code === 'OK')).toHaveLength(1);
    expect(codes.filter((code) => code === 'CONFLICT')).toHaveLength(9);
  });

  it.each([
    ['a username with a space', { username: 'has space', password: 'long-enough-password' }],
    ['a password shorter than 8 characters', { username: 'short-password', password: '1234567' }],
    [
      'an email that is not an email address',
      { username: 'bad-email', password: 'long-enough-password', email: 'not-an-email' },
    ],
  ])('refuses %s with BAD_USER_INPUT and creates nobody', async (_problem, input) => {
    const result = await api.graphql(CREATE_USER, { input: { ...input, role: 'VIEWER' } }, { token: adminToken });
    expect(codeOf(result)).toBe('BAD_USER_INPUT');
    expect(await usernames()).not.toContain(input.username);
  });

  it('accepts a password of exactly 8 characters', async () => {
    const result = await api.graphql(
      CREATE_USER,
      { input: { username: 'eight-char-password', password: '12345678', role: 'VIEWER' } },
      { token: adminToken },
    );
    expect(result.errors).toBeUndefined();
    expect((await login('eight-char-password', '12345678')).data?.login.user.username).toBe('eight-char-password');
  });

  it('stores the optional fields it is given', async () => {
    const input = {
      username: 'with-details',
      password: 'long-enough-password',
      role: 'CONTRIBUTOR',
      fullName: 'Ada Lovelace',
      email: 'ada@example.org',
      organisationId: 'org-42',
    };
    const result = await api.graphql(CREATE_USER, { input }, { token: adminToken });
    expect(result.data?.createUser).toMatchObject({
      username: 'with-details',
      role: 'CONTRIBUTOR',
      fullName: 'Ada Lovelace',
      email: 'ada@example.org',
      organisationId: 'org-42',
    });
  });

  it('creates a user who can log in and has the given role', async () => {
    const user = await newUser('EDITOR', 'editor-password-1');
    const result = await login(user.username, 'editor-password-1');
    expect(result.data?.login.user).toEqual({ id: user.id, username: user.username, role: 'EDITOR' });
    const viewer = await api.graphql(VIEWER, {}, { token: result.data?.login.token });
    expect(viewer.data?.viewer).toEqual({ username: user.username, role: 'EDITOR' });
  });
});

describe('users', () => {
  it('lists every user to an ADMIN', async () => {
    const first = await newUser('VIEWER');
    const second = await newUser('EDITOR');
    const result = await api.graphql<{ users: { id: string; username: string; role: Role }[] }>(
      USERS,
      {},
      { token: adminToken },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.users).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ username: ADMIN.username, role: 'ADMIN' }),
        { id: first.id, username: first.username, role: 'VIEWER' },
        { id: second.id, username: second.username, role: 'EDITOR' },
      ]),
    );
  });

  it.each(['VIEWER', 'CONTRIBUTOR', 'EDITOR'] as const)('refuses a %s with FORBIDDEN', async (role) => {
    const asker = await api.createUser(role);
    const result = await api.graphql(USERS, {}, { token: asker.token });
    expect(codeOf(result)).toBe('FORBIDDEN');
    expect(result.data?.users ?? null).toBeNull();
  });
});

describe('node', () => {
  it('returns a User for a user id', async () => {
    const user = await newUser('CONTRIBUTOR');
    const result = await api.graphql(
      'query($id: ID!) { node(id: $id) { __typename id ... on User { username role } } }',
      { id: user.id },
      { token: adminToken },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.node).toEqual({
      __typename: 'User',
      id: user.id,
      username: user.username,
      role: 'CONTRIBUTOR',
    });
  });
});

describe('secrets at rest', () => {
  let user: { id: string; username: string; password: string };
  let issued: string[];

  beforeAll(async () => {
    user = await newUser('EDITOR', 'a-password-nobody-should-see');
    const session = (await login(user.username, user.password)).data?.login;
    const apiToken = await api.graphql<{ createApiToken: { token: string } }>(
      CREATE_API_TOKEN,
      { name: 'at rest' },
      { token: session?.token },
    );
    issued = [session?.token ?? '', session?.csrfToken ?? '', apiToken.data?.createApiToken.token ?? ''];
    expect(issued.every((value) => value.length > 0)).toBe(true);
  });

  it('stores passwords as scrypt hashes only', async () => {
    const users = await readTable('users');
    expect(users.length).toBeGreaterThan(1);
    for (const row of users) expect(String(row.password_hash)).toMatch(/^scrypt\$/);
    const row = users.find((candidate) => candidate.username === user.username);
    expect(JSON.stringify(row)).not.toContain(user.password);
  });

  it('keeps no session token, csrf token or API token, nor their secret parts, in the database', async () => {
    const rows = [...(await readTable('sessions')), ...(await readTable('api_tokens'))];
    expect(rows.length).toBeGreaterThanOrEqual(2);
    const secrets = issued.flatMap((token) => [token, token.split('.').at(-1) ?? token]);
    for (const row of rows) {
      const text = JSON.stringify(row);
      for (const secret of secrets) expect(text).not.toContain(secret);
    }
  });

  it('keeps no usernames in the login throttling table', async () => {
    await login(user.username, 'a-wrong-password');
    const rows = await readTable('login_throttles');
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(JSON.stringify(row)).not.toContain(user.username);
  });
});

describe('login throttling', () => {
  async function timedFailure(username: string): Promise<{ ms: number; result: GraphqlResponse }> {
    const started = performance.now();
    const result = await login(username, 'a-wrong-password');
    return { ms: performance.now() - started, result };
  }

  it('slows down failed logins after the third failure for one username and address', async () => {
    const user = await newUser('VIEWER');
    for (let attempt = 1; attempt <= 5; attempt++) {
      expect(codeOf((await timedFailure(user.username)).result)).toBe('UNAUTHENTICATED');
    }
    const sixth = await timedFailure(user.username);
    expect(codeOf(sixth.result)).toBe('UNAUTHENTICATED');
    // The sixth failure waits 1 s by the throttle's schedule (250 ms doubling after the third).
    expect(sixth.ms).toBeGreaterThanOrEqual(950);
  });

  describe('after ten failures', () => {
    let locked: { username: string; password: string };

    beforeAll(async () => {
      locked = await newUser('VIEWER');
      for (let attempt = 1; attempt <= 10; attempt++) {
        const result = await login(locked.username, 'a-wrong-password');
        if (codeOf(result) !== 'UNAUTHENTICATED') throw new Error(`attempt ${attempt}: ${JSON.stringify(result)}`);
      }
    }, 60_000);

    it('refuses the username from that address with FORBIDDEN even with the right password', async () => {
      const result = await login(locked.username, locked.password);
      expect(result.data?.login ?? null).toBeNull();
      expect(codeOf(result)).toBe('FORBIDDEN');
      expect(result.errors?.[0]?.message).toMatch(/too many failed logins/i);
      expect(result.headers.get('set-cookie')).toBeNull();
    });

    it('says how long to wait before trying again', async () => {
      const result = await login(locked.username, locked.password);
      expect(result.errors?.[0]?.extensions?.retryAfterSeconds).toBeGreaterThan(0);
    });

    it('still lets another username log in from the same address', async () => {
      const other = await newUser('VIEWER');
      const result = await login(other.username, other.password);
      expect(result.errors).toBeUndefined();
      expect(result.data?.login.user.username).toBe(other.username);
    });
  });
});

describe('first start without ADMIN_PASSWORD', () => {
  let dataDir: string;
  let database: TestDatabase;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'asset-gateway-first-start-'));
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** Starts the server on dataDir with no ADMIN_PASSWORD, collecting every log line. */
  async function start() {
    const lines: string[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    const env = {
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      ...(database.url && { DATABASE_URL: database.url }),
    };
    const server = await startServer(loadConfig(env), log);
    return { server, lines };
  }

  let password: string | undefined;

  // main.ts prints server.generatedAdmin on stderr (test/firstAdminNotice.test.ts); the JSON log never holds it.
  it('generates an admin password, hands it to main once and never logs it, and it logs in', async () => {
    const { server, lines } = await start();
    try {
      password = server.generatedAdmin?.password;
      expect(password).toMatch(/^\S{16,}$/);
      expect(lines.some((line) => line.includes(password as string))).toBe(false);

      const response = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: LOGIN, variables: { u: 'admin', p: password } }),
      });
      const body = (await response.json()) as { data?: { login?: { user: { role: string } } } };
      expect(body.data?.login?.user.role).toBe('ADMIN');
      // The login request is logged too, without the password.
      await eventually(async () => (lines.some((line) => line.includes('"request"')) ? true : undefined));
      expect(lines.some((line) => line.includes(password as string))).toBe(false);
    } finally {
      await server.close();
    }
  });

  it('does not hand out or log the password again on the next start with the same data', async () => {
    expect(password).toBeDefined();
    const { server, lines } = await start();
    try {
      await fetch(`${server.url}/healthcheck/live`);
      // Something was captured, so an absent password line means it was not logged.
      await eventually(async () => (lines.some((line) => line.includes('"request"')) ? true : undefined));
      expect(lines.some((line) => line.includes(password as string))).toBe(false);
      expect(server.generatedAdmin).toBeUndefined();
    } finally {
      await server.close();
    }
  });
});
