import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { untilUploaded, uploadAs } from './support/graphqlCalls.js';
import { startTestServer, type TestServer } from './support/testServer.js';
import {
  bearer,
  bodyOf,
  ENCODINGS,
  type Encoding,
  expectError,
  type Params,
  postServices,
} from './support/woodwingCalls.js';

/*
 * WoodWing Assets' /services login, apilogin, logout, profile and ping, the CSRF rule, 405 for GET on
 * POST-only calls and the error shape (issue 7 items 1-4; reference sections 0, 2 and the "Auth and CSRF"
 * cases of section 8), over real HTTP.
 */

let api: TestServer;
let adminToken: string;

beforeAll(async () => {
  api = await startTestServer();
  adminToken = await api.adminToken();
});
afterAll(() => api.close());

/** POSTs `params` to /services/<path> in the given encoding, with the given headers. */
function post(
  path: string,
  params: Params = {},
  encoding: Encoding = 'urlencoded',
  headers: Record<string, string> = {},
) {
  return postServices(api.url, path, params, encoding, headers);
}

function get(pathAndQuery: string, headers: Record<string, string> = {}) {
  return fetch(`${api.url}/services/${pathAndQuery}`, { headers });
}

interface Account {
  username: string;
  password: string;
  /** A Bearer token from GraphQL login. */
  token: string;
}

const CREATE_USER = 'mutation($input: CreateUserInput!) { createUser(input: $input) { id } }';

/** A user of its own for each test, with a known password. */
async function newAccount(role: 'VIEWER' | 'CONTRIBUTOR' | 'EDITOR' | 'ADMIN' = 'EDITOR'): Promise<Account> {
  const username = `ww-${role.toLowerCase()}-${randomUUID().slice(0, 8)}`;
  const password = `password-${randomUUID()}`;
  const created = await api.graphql(
    CREATE_USER,
    { input: { username, password, role, fullName: `Full ${username}` } },
    { token: adminToken },
  );
  if (!created.data?.createUser) throw new Error(`createUser failed: ${JSON.stringify(created.errors)}`);
  return { username, password, token: await api.login(username, password) };
}

interface CookieSession {
  cookieToken: string;
  csrfToken: string;
}

function authCookieOf(response: Response): { value: string; attributes: string[] } | undefined {
  for (const header of response.headers.getSetCookie()) {
    const [pair = '', ...attributes] = header.split(';').map((part) => part.trim());
    const at = pair.indexOf('=');
    if (pair.slice(0, at) === 'authToken') {
      return { value: pair.slice(at + 1), attributes: attributes.map((attribute) => attribute.toLowerCase()) };
    }
  }
  return undefined;
}

/** A browser-style session from POST /services/login: the authToken cookie and the csrf token. */
async function cookieLogin(account: Account): Promise<CookieSession> {
  const response = await post('login', { username: account.username, password: account.password });
  const body = await bodyOf(response);
  const cookie = authCookieOf(response);
  if (!body.loginSuccess || !cookie) throw new Error(`login failed: ${JSON.stringify(body)}`);
  return { cookieToken: cookie.value, csrfToken: body.csrfToken };
}

async function apiLogin(account: Account, params: Params = {}): Promise<string> {
  const body = await bodyOf(
    await post('apilogin', { username: account.username, password: account.password, ...params }),
  );
  if (!body.loginSuccess) throw new Error(`apilogin failed: ${JSON.stringify(body)}`);
  return body.authToken;
}

const cookieOnly = (session: CookieSession) => ({ cookie: `authToken=${session.cookieToken}` });
const cookieAndCsrf = (session: CookieSession, csrf = session.csrfToken) => ({
  ...cookieOnly(session),
  'x-csrf-token': csrf,
});

const ASSET_STATE = 'query($id: ID!) { asset(id: $id) { state checkout { checkedOutBy } } }';

/** A small text file uploaded by `token`, once it is UPLOADED. */
async function uploadAsset(token: string): Promise<string> {
  const folderPath = `/wwauth/${randomUUID().replaceAll('-', '')}`;
  const { id } = await uploadAs(api, token, { name: 'auth.txt', input: { folderPath } });
  await untilUploaded(api, adminToken, id);
  return id;
}

async function assetOf(id: string): Promise<{ state: string; checkout: { checkedOutBy: string } | null }> {
  const result = await api.graphql<{ asset: { state: string; checkout: { checkedOutBy: string } | null } }>(
    ASSET_STATE,
    { id },
    { token: adminToken },
  );
  if (!result.data?.asset) throw new Error(`asset failed: ${JSON.stringify(result.errors)}`);
  return result.data.asset;
}

const checkedOutByOf = async (id: string) => (await assetOf(id)).checkout?.checkedOutBy ?? null;

describe('POST /services/login', () => {
  describe.each(ENCODINGS)('with the parameters in the %s', (encoding) => {
    it('logs in with username and password: loginSuccess, serverVersion and a csrfToken', async () => {
      const account = await newAccount();
      const response = await post('login', { username: account.username, password: account.password }, encoding);
      expect(response.status).toBe(200);
      const body = await bodyOf(response);
      expect(body.loginSuccess).toBe(true);
      expect(typeof body.serverVersion).toBe('string');
      expect(body.csrfToken).toEqual(expect.stringMatching(/.+/));
    });

    it('sets the authToken cookie, HttpOnly with Path=/', async () => {
      const account = await newAccount();
      const response = await post('login', { username: account.username, password: account.password }, encoding);
      const cookie = authCookieOf(response);
      expect(cookie?.value).toEqual(expect.stringMatching(/.+/));
      expect(cookie?.attributes).toContain('httponly');
      expect(cookie?.attributes).toContain('path=/');
    });

    it('logs in with cred, base64 of user:password', async () => {
      const account = await newAccount();
      const cred = Buffer.from(`${account.username}:${account.password}`).toString('base64');
      const response = await post('login', { cred }, encoding);
      const body = await bodyOf(response);
      expect(body.loginSuccess).toBe(true);
      expect(authCookieOf(response)?.value).toEqual(expect.stringMatching(/.+/));
    });

    it('adds userProfile when returnProfile=true', async () => {
      const account = await newAccount();
      const body = await bodyOf(
        await post('login', { username: account.username, password: account.password, returnProfile: true }, encoding),
      );
      expect(body.userProfile).toMatchObject({ username: account.username });
      expect(Array.isArray(body.userProfile.groups)).toBe(true);
      expect(Array.isArray(body.userProfile.authorities)).toBe(true);
    });
  });

  it('leaves userProfile out without returnProfile', async () => {
    const account = await newAccount();
    const body = await bodyOf(await post('login', { username: account.username, password: account.password }));
    expect(body).not.toHaveProperty('userProfile');
  });

  it('leaves userProfile out with returnProfile=false', async () => {
    const account = await newAccount();
    const body = await bodyOf(
      await post(
        'login',
        { username: account.username, password: account.password, returnProfile: 'false' },
        'multipart',
      ),
    );
    expect(body).not.toHaveProperty('userProfile');
  });

  it('answers a wrong password with 200, loginSuccess false and a loginFaultMessage, and no csrfToken', async () => {
    const account = await newAccount();
    const response = await post('login', { username: account.username, password: 'not-the-password' });
    expect(response.status).toBe(200);
    const body = await bodyOf(response);
    expect(body.loginSuccess).toBe(false);
    expect(typeof body.loginFaultMessage).toBe('string');
    expect(body).not.toHaveProperty('csrfToken');
  });

  it('sets no authToken cookie for a wrong password', async () => {
    const account = await newAccount();
    const response = await post('login', { username: account.username, password: 'not-the-password' });
    expect(authCookieOf(response)).toBeUndefined();
  });

  it('answers a cred with a wrong password with loginSuccess false', async () => {
    const account = await newAccount();
    const cred = Buffer.from(`${account.username}:wrong-password`).toString('base64');
    const body = await bodyOf(await post('login', { cred }));
    expect(body.loginSuccess).toBe(false);
  });

  it('gives a cookie that GET search accepts on its own', async () => {
    const session = await cookieLogin(await newAccount());
    const response = await get('search?q=', cookieOnly(session));
    expect(response.status).toBe(200);
  });

  it('refuses GET with 405 and {errorname, message, errorcode: 405}', async () => {
    const account = await newAccount();
    const response = await get(`login?username=${account.username}&password=${account.password}`);
    await expectError(response, 405);
  });

  it('starts no session on a GET', async () => {
    const account = await newAccount();
    const response = await get(`login?username=${account.username}&password=${account.password}`);
    expect(authCookieOf(response)).toBeUndefined();
  });
});

describe('POST /services/apilogin', () => {
  it('answers {loginSuccess: true, loginFaultMessage: null, serverVersion, authToken}', async () => {
    const account = await newAccount();
    const response = await post(
      'apilogin',
      { username: account.username, password: account.password, clientId: '' },
      'multipart',
    );
    expect(response.status).toBe(200);
    const body = await bodyOf(response);
    expect(Object.keys(body).sort()).toEqual(['authToken', 'loginFaultMessage', 'loginSuccess', 'serverVersion']);
    expect(body).toMatchObject({ loginSuccess: true, loginFaultMessage: null });
    expect(typeof body.serverVersion).toBe('string');
    expect(body.authToken).toEqual(expect.stringMatching(/.+/));
  });

  it('gives a token that works as Bearer for a POST without a csrf header', async () => {
    const account = await newAccount();
    const assetId = await uploadAsset(account.token);
    const token = await apiLogin(account);
    const response = await post(`checkout/${assetId}`, {}, 'urlencoded', bearer(token));
    expect(response.status).toBe(200);
    expect(await checkedOutByOf(assetId)).toBe(account.username);
  });

  it('answers a wrong password with loginSuccess false and a loginFaultMessage', async () => {
    const account = await newAccount();
    const body = await bodyOf(await post('apilogin', { username: account.username, password: 'nope-nope-nope' }));
    expect(body.loginSuccess).toBe(false);
    expect(typeof body.loginFaultMessage).toBe('string');
    expect(body).not.toHaveProperty('authToken');
  });

  it("names the checkout's checkedOutOnClient after its clientId", async () => {
    const account = await newAccount();
    const assetId = await uploadAsset(account.token);
    const token = await apiLogin(account, { clientId: 'my-indesign-client' });
    const body = await bodyOf(await post(`checkout/${assetId}`, {}, 'urlencoded', bearer(token)));
    expect(body.checkedOutOnClient).toBe('my-indesign-client');
  });

  it('accepts clientId= (empty) as absent: login succeeds and the checkout names the default client', async () => {
    const account = await newAccount();
    const [withEmpty, without] = [await uploadAsset(account.token), await uploadAsset(account.token)];
    const emptyToken = await apiLogin(account, { clientId: '' });
    const plainToken = await apiLogin(account);
    const empty = await bodyOf(await post(`checkout/${withEmpty}`, {}, 'urlencoded', bearer(emptyToken)));
    const plain = await bodyOf(await post(`checkout/${without}`, {}, 'urlencoded', bearer(plainToken)));
    expect(empty.checkedOutOnClient).toEqual(expect.stringMatching(/.+/));
    expect(empty.checkedOutOnClient).toBe(plain.checkedOutOnClient);
  });

  it('sends no authToken cookie', async () => {
    const account = await newAccount();
    const response = await post('apilogin', { username: account.username, password: account.password });
    expect(authCookieOf(response)).toBeUndefined();
  });

  it('refuses GET with 405', async () => {
    const account = await newAccount();
    await expectError(await get(`apilogin?username=${account.username}&password=${account.password}`), 405);
  });
});

describe('no login', () => {
  it('POST search answers 401 with the exact WoodWing body', async () => {
    const response = await post('search', { q: '' });
    expect(response.status).toBe(401);
    expect(await bodyOf(response)).toEqual({
      errorname: 'AuthenticationCredentialsNotFoundException',
      message: 'Not logged in',
      errorcode: 401,
    });
  });

  it('GET profile answers 401 "Not logged in"', async () => {
    const body = await expectError(await get('profile'), 401);
    expect(body.message).toBe('Not logged in');
  });

  it('an unknown Bearer token answers 401', async () => {
    await expectError(await get('search?q=', bearer('not-a-token')), 401);
  });

  it('GET ping answers {state: "running", version, available: true, server}', async () => {
    const response = await get('ping');
    expect(response.status).toBe(200);
    const body = await bodyOf(response);
    expect(body).toMatchObject({ state: 'running', available: true });
    expect(typeof body.version).toBe('string');
    expect(typeof body.server).toBe('string');
  });
});

describe('a cookie session from /services/login', () => {
  it('GET search?q=id:nonexisting with only the cookie answers the empty result exactly', async () => {
    const session = await cookieLogin(await newAccount());
    const response = await get('search?q=id:nonexisting', cookieOnly(session));
    expect(response.status).toBe(200);
    expect(await bodyOf(response)).toEqual({ firstResult: 0, maxResultHits: 50, totalHits: 0, hits: [], facets: {} });
  });

  it('refuses POST checkout without X-CSRF-TOKEN with 403', async () => {
    const account = await newAccount();
    const assetId = await uploadAsset(account.token);
    const session = await cookieLogin(account);
    await expectError(await post(`checkout/${assetId}`, {}, 'urlencoded', cookieOnly(session)), 403);
  });

  it('checks nothing out when POST checkout comes without X-CSRF-TOKEN', async () => {
    const account = await newAccount();
    const assetId = await uploadAsset(account.token);
    const session = await cookieLogin(account);
    await post(`checkout/${assetId}`, {}, 'urlencoded', cookieOnly(session));
    expect(await checkedOutByOf(assetId)).toBeNull();
  });

  it('refuses POST checkout with a wrong X-CSRF-TOKEN with 403 and checks nothing out', async () => {
    const account = await newAccount();
    const assetId = await uploadAsset(account.token);
    const session = await cookieLogin(account);
    const response = await post(`checkout/${assetId}`, {}, 'urlencoded', cookieAndCsrf(session, 'B'.repeat(22)));
    await expectError(response, 403);
    expect(await checkedOutByOf(assetId)).toBeNull();
  });

  it('refuses a csrf token of another session', async () => {
    const account = await newAccount();
    const assetId = await uploadAsset(account.token);
    const session = await cookieLogin(account);
    const other = await cookieLogin(account);
    const response = await post(`checkout/${assetId}`, {}, 'urlencoded', cookieAndCsrf(session, other.csrfToken));
    await expectError(response, 403);
  });

  it('checks out with the X-CSRF-TOKEN from login', async () => {
    const account = await newAccount();
    const assetId = await uploadAsset(account.token);
    const session = await cookieLogin(account);
    const response = await post(`checkout/${assetId}`, {}, 'urlencoded', cookieAndCsrf(session));
    expect(response.status).toBe(200);
    expect(await checkedOutByOf(assetId)).toBe(account.username);
  });

  it('tolerates X-CSRF-TOKEN on a GET', async () => {
    const session = await cookieLogin(await newAccount());
    const response = await get('search?q=id:nonexisting', cookieAndCsrf(session));
    expect(response.status).toBe(200);
    expect((await bodyOf(response)).totalHits).toBe(0);
  });

  it('accepts Bearer <cookie value>, the cookie twice and the csrf header together (Postman)', async () => {
    const account = await newAccount();
    const assetId = await uploadAsset(account.token);
    const session = await cookieLogin(account);
    const response = await post(`checkout/${assetId}`, {}, 'query string', {
      authorization: `Bearer ${session.cookieToken}`,
      cookie: `authToken=${session.cookieToken}; authToken=${session.cookieToken}`,
      'x-csrf-token': session.csrfToken,
    });
    expect(response.status).toBe(200);
    expect(await checkedOutByOf(assetId)).toBe(account.username);
  });

  it('refuses POST logout without X-CSRF-TOKEN with 403 and the session goes on', async () => {
    const session = await cookieLogin(await newAccount());
    await expectError(await post('logout', {}, 'urlencoded', cookieOnly(session)), 403);
    expect((await get('search?q=id:nonexisting', cookieOnly(session))).status).toBe(200);
  });
});

describe('an apilogin token', () => {
  it('as the authToken cookie needs no csrf header for logout (reference section 2.2, Postman notes)', async () => {
    const token = await apiLogin(await newAccount());
    const response = await post('logout', {}, 'urlencoded', { cookie: `authToken=${token}` });
    expect(response.status).toBe(200);
    expect(await bodyOf(response)).toEqual({ logoutSuccess: true });
  });
});

describe('POST /services/logout', () => {
  it('answers {logoutSuccess: true} to a cookie session with its csrf token', async () => {
    const session = await cookieLogin(await newAccount());
    const response = await post('logout', {}, 'urlencoded', cookieAndCsrf(session));
    expect(response.status).toBe(200);
    expect(await bodyOf(response)).toEqual({ logoutSuccess: true });
  });

  it('ends the cookie session: the same cookie then gets 401', async () => {
    const session = await cookieLogin(await newAccount());
    await post('logout', {}, 'urlencoded', cookieAndCsrf(session));
    await expectError(await get('search?q=', cookieOnly(session)), 401);
  });

  it('answers {logoutSuccess: true} to a Bearer token from apilogin', async () => {
    const token = await apiLogin(await newAccount());
    const response = await post('logout', {}, 'multipart', bearer(token));
    expect(await bodyOf(response)).toEqual({ logoutSuccess: true });
  });

  it('ends the apilogin session: the same Bearer token then gets 401', async () => {
    const token = await apiLogin(await newAccount());
    await post('logout', {}, 'multipart', bearer(token));
    await expectError(await post('search', { q: '' }, 'multipart', bearer(token)), 401);
  });

  it('answers 401 without a login', async () => {
    await expectError(await post('logout'), 401);
  });
});

describe('/services/profile', () => {
  it('answers {username, fullName, groups, authorities} to GET with a Bearer token', async () => {
    const account = await newAccount('EDITOR');
    const response = await get('profile', bearer(account.token));
    expect(response.status).toBe(200);
    const body = await bodyOf(response);
    expect(body).toMatchObject({ username: account.username, fullName: `Full ${account.username}` });
    expect(Array.isArray(body.groups)).toBe(true);
    expect(body.authorities).toEqual(expect.arrayContaining([expect.any(String)]));
  });

  it('answers POST with a Bearer token and no csrf header', async () => {
    const account = await newAccount();
    const response = await post('profile', {}, 'urlencoded', bearer(account.token));
    expect(response.status).toBe(200);
    expect((await bodyOf(response)).username).toBe(account.username);
  });

  it('answers GET with only the cookie of a login session', async () => {
    const account = await newAccount();
    const session = await cookieLogin(account);
    const body = await bodyOf(await get('profile', cookieOnly(session)));
    expect(body.username).toBe(account.username);
  });
});

describe('POST-only endpoints', () => {
  it.each([
    'login',
    'apilogin',
    'logout',
    'checkout/AAAAAAAAAAAAAAAAAAAAAA',
    'undocheckout/AAAAAAAAAAAAAAAAAAAAAA',
    'createAuthKey',
    'updateAuthKey',
    'revokeAuthKeys',
  ])('GET %s answers 405 with {errorname, message, errorcode: 405}', async (path) => {
    const account = await newAccount();
    await expectError(await get(path, bearer(account.token)), 405);
  });

  it('GET logout leaves the session alive', async () => {
    const account = await newAccount();
    const token = await apiLogin(account);
    await get('logout', bearer(token));
    expect((await get('search?q=id:nonexisting', bearer(token))).status).toBe(200);
  });
});

describe('the error shape', () => {
  it('an unknown service answers 404 with errorcode 404', async () => {
    const account = await newAccount();
    await expectError(await get('noSuchService', bearer(account.token)), 404);
  });

  it('is sent as application/json', async () => {
    const response = await post('search', { q: '' });
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  });
});
