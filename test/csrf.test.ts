import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf } from './support/graphqlCalls.js';
import { ADMIN, type GraphqlResponse, startTestServer, type TestServer } from './support/testServer.js';

const LOGIN = `mutation($u: String!, $p: String!) {
  login(username: $u, password: $p) { token csrfToken user { username } }
}`;
const LOGOUT = 'mutation { logout }';
const VIEWER = '{ viewer { username role } }';
const USERS = '{ users { username } }';
const CREATE_USER = 'mutation($input: CreateUserInput!) { createUser(input: $input) { id username role } }';
const CREATE_API_TOKEN = 'mutation($name: String!) { createApiToken(name: $name) { token } }';
const UPLOAD = 'mutation($file: Upload!) { uploadAsset(file: $file) { id name } }';

interface Login {
  token: string;
  csrfToken: string;
  setCookie: string[];
}

interface SetCookie {
  name: string;
  value: string;
  /** Attribute names in lower case; flags map to ''. */
  attributes: Map<string, string>;
}

function parseSetCookie(header: string): SetCookie {
  const [pair = '', ...attributes] = header.split(';').map((part) => part.trim());
  const at = pair.indexOf('=');
  return {
    name: pair.slice(0, at),
    value: pair.slice(at + 1),
    attributes: new Map(
      attributes.map((attribute) => {
        const eq = attribute.indexOf('=');
        return eq < 0 ? [attribute.toLowerCase(), ''] : [attribute.slice(0, eq).toLowerCase(), attribute.slice(eq + 1)];
      }),
    ),
  };
}

function authCookieOf(headers: Headers): SetCookie | undefined {
  return headers
    .getSetCookie()
    .map(parseSetCookie)
    .find((cookie) => cookie.name === 'authToken');
}

let api: TestServer;
let adminToken: string;
let counter = 0;

beforeAll(async () => {
  api = await startTestServer();
  adminToken = await api.adminToken();
});
afterAll(() => api.close());

async function login(server: TestServer = api, username = ADMIN.username, password = ADMIN.password): Promise<Login> {
  const result = await server.graphql<{ login: { token: string; csrfToken: string } }>(LOGIN, {
    u: username,
    p: password,
  });
  if (!result.data?.login) throw new Error(`login failed: ${JSON.stringify(result.errors)}`);
  return { ...result.data.login, setCookie: result.headers.getSetCookie() };
}

/** Headers of a browser that holds the cookie, with the csrf header when given. */
function cookieHeaders(token: string, csrfToken?: string): Record<string, string> {
  return { cookie: `authToken=${token}`, ...(csrfToken === undefined ? {} : { 'x-csrf-token': csrfToken }) };
}

function newUsername(): string {
  counter += 1;
  return `csrf-user-${counter}`;
}

function newUserInput(username: string) {
  return { input: { username, password: 'long-enough-password', role: 'VIEWER' } };
}

async function usernames(): Promise<string[]> {
  const result = await api.graphql<{ users: { username: string }[] }>(USERS, {}, { token: adminToken });
  return (result.data?.users ?? []).map((user) => user.username);
}

async function assetCount(): Promise<number> {
  const result = await api.graphql<{ assets: { totalCount: number } }>(
    '{ assets(includeDeleted: true) { totalCount } }',
    {},
    { token: adminToken },
  );
  if (result.data?.assets === undefined) throw new Error(`assets failed: ${JSON.stringify(result.errors)}`);
  return result.data.assets.totalCount;
}

/** A GraphQL multipart upload of one small file, sent with the given headers only. */
async function multipartUpload(headers: Record<string, string>): Promise<{ status: number; body: GraphqlResponse }> {
  const form = new FormData();
  form.set('operations', JSON.stringify({ query: UPLOAD, variables: { file: null } }));
  form.set('map', JSON.stringify({ 0: ['variables.file'] }));
  form.set('0', new Blob(['hello from a form']), 'hello.txt');
  const response = await fetch(`${api.url}/graphql`, { method: 'POST', headers, body: form });
  return { status: response.status, body: (await response.json()) as GraphqlResponse };
}

describe('the authToken cookie', () => {
  it('is set by login to the session token, HttpOnly, SameSite=Lax, Path=/', async () => {
    const { token, setCookie } = await login();
    const cookie = setCookie.map(parseSetCookie).find((candidate) => candidate.name === 'authToken');
    expect(cookie?.value).toBe(token);
    expect(cookie?.attributes.has('httponly')).toBe(true);
    expect(cookie?.attributes.get('samesite')).toBe('Lax');
    expect(cookie?.attributes.get('path')).toBe('/');
  });

  it('lives as long as the session, not just the browser session', async () => {
    const { setCookie } = await login();
    const cookie = setCookie.map(parseSetCookie).find((candidate) => candidate.name === 'authToken');
    expect(Number(cookie?.attributes.get('max-age'))).toBeGreaterThan(0);
  });

  it('is not marked Secure when PUBLIC_URL is http', async () => {
    const { setCookie } = await login();
    const cookie = setCookie.map(parseSetCookie).find((candidate) => candidate.name === 'authToken');
    expect(cookie?.attributes.has('secure')).toBe(false);
  });

  describe('with an https PUBLIC_URL', () => {
    let httpsApi: TestServer;
    beforeAll(async () => {
      httpsApi = await startTestServer({ env: { PUBLIC_URL: 'https://assets.example.test' } });
    });
    afterAll(() => httpsApi.close());

    it('is marked Secure', async () => {
      const { setCookie } = await login(httpsApi);
      const cookie = setCookie.map(parseSetCookie).find((candidate) => candidate.name === 'authToken');
      expect(cookie?.attributes.has('secure')).toBe(true);
    });
  });

  it('alone authenticates a query', async () => {
    const { token } = await login();
    const result = await api.graphql(VIEWER, {}, { headers: cookieHeaders(token) });
    expect(result.data?.viewer).toEqual({ username: ADMIN.username, role: 'ADMIN' });
  });

  it('alone authenticates a protected query that needs ADMIN', async () => {
    const { token } = await login();
    const result = await api.graphql(USERS, {}, { headers: cookieHeaders(token) });
    expect(result.errors).toBeUndefined();
    expect(result.data?.users).toEqual(expect.arrayContaining([{ username: ADMIN.username }]));
  });

  it('does not authenticate with an API token in place of a session token', async () => {
    const created = await api.graphql<{ createApiToken: { token: string } }>(
      CREATE_API_TOKEN,
      { name: 'not a cookie' },
      { token: adminToken },
    );
    const apiToken = created.data?.createApiToken.token ?? '';
    expect(apiToken).not.toBe('');
    const result = await api.graphql(VIEWER, {}, { headers: cookieHeaders(apiToken) });
    expect(result.data).toEqual({ viewer: null });
  });

  it('with an unknown session gives viewer null, and a protected query says the session has ended', async () => {
    const unknown = `s.${'A'.repeat(22)}.${'B'.repeat(43)}`;
    const viewer = await api.graphql(VIEWER, {}, { headers: cookieHeaders(unknown) });
    expect(viewer.data).toEqual({ viewer: null });
    const users = await api.graphql(USERS, {}, { headers: cookieHeaders(unknown) });
    expect(codeOf(users)).toBe('UNAUTHENTICATED');
    expect(users.errors?.[0]?.message).toMatch(/session has ended/);
  });
});

describe('csrf protection of cookie-authenticated mutations', () => {
  it.each([
    ['no X-CSRF-TOKEN', async () => undefined],
    [
      'a wrong X-CSRF-TOKEN',
      async ({ csrfToken }: Login) => `${csrfToken.startsWith('A') ? 'B' : 'A'}${csrfToken.slice(1)}`,
    ],
    ['the X-CSRF-TOKEN of another session', async () => (await login()).csrfToken],
    ['an empty X-CSRF-TOKEN', async () => ''],
  ])('refuses a cookie-authenticated mutation with %s with FORBIDDEN and creates nothing', async (_case, csrfOf) => {
    const session = await login();
    const username = newUsername();
    const headers = cookieHeaders(session.token, await csrfOf(session));
    const result = await api.graphql(CREATE_USER, newUserInput(username), { headers });
    expect(codeOf(result)).toBe('FORBIDDEN');
    expect(result.data?.createUser ?? null).toBeNull();
    expect(await usernames()).not.toContain(username);
  });

  it('accepts a cookie-authenticated mutation with the right X-CSRF-TOKEN', async () => {
    const { token, csrfToken } = await login();
    const username = newUsername();
    const result = await api.graphql(CREATE_USER, newUserInput(username), {
      headers: cookieHeaders(token, csrfToken),
    });
    expect(result.errors).toBeUndefined();
    expect(result.data?.createUser).toMatchObject({ username, role: 'VIEWER' });
    expect(await usernames()).toContain(username);
  });

  it('accepts a mutation with a Bearer token and the cookie but no X-CSRF-TOKEN (Bearer wins)', async () => {
    const { token } = await login();
    const username = newUsername();
    const result = await api.graphql(CREATE_USER, newUserInput(username), {
      token: adminToken,
      headers: cookieHeaders(token),
    });
    expect(result.errors).toBeUndefined();
    expect(await usernames()).toContain(username);
  });

  it('acts as the Bearer token user when the cookie belongs to someone else', async () => {
    const viewer = await api.createUser('VIEWER');
    const { token } = await login();
    const result = await api.graphql(VIEWER, {}, { token: viewer.token, headers: cookieHeaders(token) });
    expect(result.data?.viewer).toEqual({ username: viewer.username, role: 'VIEWER' });
  });

  it('refuses createApiToken by cookie without X-CSRF-TOKEN', async () => {
    const { token } = await login();
    const result = await api.graphql(CREATE_API_TOKEN, { name: 'forged' }, { headers: cookieHeaders(token) });
    expect(codeOf(result)).toBe('FORBIDDEN');
    expect(result.data?.createApiToken ?? null).toBeNull();
  });

  it('still answers cookie-authenticated queries without X-CSRF-TOKEN', async () => {
    const { token } = await login();
    const result = await api.graphql(USERS, {}, { headers: cookieHeaders(token) });
    expect(result.errors).toBeUndefined();
  });

  it('refuses a cookie-authenticated mutation sent as an urlencoded form, as a cross-site form would', async () => {
    const { token } = await login();
    const username = newUsername();
    const body = new URLSearchParams({ query: CREATE_USER, variables: JSON.stringify(newUserInput(username)) });
    const response = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
        ...cookieHeaders(token),
      },
      body,
    });
    const result = (await response.json()) as GraphqlResponse;
    expect(codeOf(result)).toBe('FORBIDDEN');
    expect(await usernames()).not.toContain(username);
  });

  it('refuses a mutation sent by GET, even with the cookie and the right X-CSRF-TOKEN', async () => {
    const { token, csrfToken } = await login();
    const username = newUsername();
    const params = new URLSearchParams({ query: CREATE_USER, variables: JSON.stringify(newUserInput(username)) });
    const response = await fetch(`${api.url}/graphql?${params}`, {
      headers: { accept: 'application/json', ...cookieHeaders(token, csrfToken) },
    });
    expect(response.status).toBe(405);
    expect(await usernames()).not.toContain(username);
  });
});

describe('csrf protection of multipart uploads', () => {
  it('refuses a cookie-authenticated upload with no non-simple header with 403 and stores nothing', async () => {
    const { token } = await login();
    const before = await assetCount();
    const { status, body } = await multipartUpload(cookieHeaders(token));
    expect(status).toBe(403);
    expect(codeOf(body)).toBe('FORBIDDEN');
    expect(await assetCount()).toBe(before);
  });

  it('refuses a cookie-authenticated upload that has a preflight header but no X-CSRF-TOKEN', async () => {
    const { token } = await login();
    const before = await assetCount();
    const { body } = await multipartUpload({ ...cookieHeaders(token), 'apollo-require-preflight': 'true' });
    expect(codeOf(body)).toBe('FORBIDDEN');
    expect(body.data?.uploadAsset ?? null).toBeNull();
    expect(await assetCount()).toBe(before);
  });

  it('accepts a cookie-authenticated upload with the right X-CSRF-TOKEN', async () => {
    const { token, csrfToken } = await login();
    const before = await assetCount();
    const { status, body } = await multipartUpload(cookieHeaders(token, csrfToken));
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data?.uploadAsset).toMatchObject({ name: 'hello.txt' });
    expect(await assetCount()).toBe(before + 1);
  });
});

describe('logout by cookie', () => {
  it('is refused without X-CSRF-TOKEN, and the session goes on', async () => {
    const { token } = await login();
    const result = await api.graphql(LOGOUT, {}, { headers: cookieHeaders(token) });
    expect(codeOf(result)).toBe('FORBIDDEN');
    expect(authCookieOf(result.headers)).toBeUndefined();
    const viewer = await api.graphql(VIEWER, {}, { headers: cookieHeaders(token) });
    expect(viewer.data?.viewer).toEqual({ username: ADMIN.username, role: 'ADMIN' });
  });

  it('clears the cookie with Max-Age=0', async () => {
    const { token, csrfToken } = await login();
    const result = await api.graphql(LOGOUT, {}, { headers: cookieHeaders(token, csrfToken) });
    expect(result.data).toEqual({ logout: true });
    const cookie = authCookieOf(result.headers);
    expect(cookie?.value).toBe('');
    expect(cookie?.attributes.get('max-age')).toBe('0');
    expect(cookie?.attributes.get('path')).toBe('/');
  });

  it('ends the session, so the cookie no longer authenticates', async () => {
    const { token, csrfToken } = await login();
    await api.graphql(LOGOUT, {}, { headers: cookieHeaders(token, csrfToken) });
    const viewer = await api.graphql(VIEWER, {}, { headers: cookieHeaders(token) });
    expect(viewer.data).toEqual({ viewer: null });
    const asBearer = await api.graphql(VIEWER, {}, { token });
    expect(asBearer.data).toEqual({ viewer: null });
  });

  it('leaves the other sessions of the same user alive', async () => {
    const ended = await login();
    const kept = await login();
    await api.graphql(LOGOUT, {}, { headers: cookieHeaders(ended.token, ended.csrfToken) });
    const viewer = await api.graphql(VIEWER, {}, { headers: cookieHeaders(kept.token) });
    expect(viewer.data?.viewer).toEqual({ username: ADMIN.username, role: 'ADMIN' });
  });
});
