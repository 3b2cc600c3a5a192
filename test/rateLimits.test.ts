import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configProblemWith, configWith } from './support/configSettings.js';
import { assetCount, authKeyFor, codeOf, uploadAs } from './support/graphqlCalls.js';
import { startTestServer, type TestServer, type TestUser } from './support/testServer.js';

/*
 * The rate limits of issue 17 on GraphQL, with limits low enough to reach: per user (or per shared link) on
 * one server, per address on another, since every test request comes from the same address.
 */

const LOGIN = 'mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }';
const CREATE_TOKEN = 'mutation($name: String!) { createApiToken(name: $name) { token } }';
const OPEN_LINK = 'query($key: String!) { sharedLink(key: $key) { assets { id } } }';
const UPLOAD = 'mutation($file: Upload!) { uploadAsset(file: $file) { id } }';

/** createUser logs the user in once, which counts as the first of these logins. */
const LOGINS_PER_USER = 3;
const TOKENS_PER_USER = 2;
const UPLOADS_PER_USER = 2;
const USES_PER_LINK = 3;

const login = (api: TestServer, user: { username: string; password: string }) =>
  api.graphql(LOGIN, { u: user.username, p: user.password });

const createToken = (api: TestServer, user: TestUser) =>
  api.graphql(CREATE_TOKEN, { name: 'nightly import' }, { token: user.token });

const openLink = (api: TestServer, key: string) => api.graphql(OPEN_LINK, { key });

const uploadFile = (api: TestServer, user: TestUser) =>
  api.upload(UPLOAD, {}, { name: 'one-too-many.txt', content: 'bytes' }, { token: user.token });

/** Makes `count` requests that must all succeed, then answers the next one. */
async function afterAllowed<T extends { errors?: unknown }>(count: number, request: () => Promise<T>): Promise<T> {
  for (let made = 0; made < count; made++) {
    const result = await request();
    if (result.errors) throw new Error(`request ${made + 1} of ${count} refused: ${JSON.stringify(result.errors)}`);
  }
  return request();
}

describe('limits per user and per shared link', () => {
  let api: TestServer;
  let editor: TestUser;
  let uploadedId: string;

  beforeAll(async () => {
    api = await startTestServer({
      env: {
        RATE_LIMIT_LOGIN_PER_USER: `${LOGINS_PER_USER}/3600`,
        RATE_LIMIT_TOKEN_CREATION_PER_USER: `${TOKENS_PER_USER}/3600`,
        RATE_LIMIT_UPLOAD_PER_USER: `${UPLOADS_PER_USER}/3600`,
        RATE_LIMIT_SHARED_LINK_PER_LINK: `${USES_PER_LINK}/3600`,
      },
    });
    editor = await api.createUser('EDITOR');
    uploadedId = (await uploadAs(api, editor.token)).id;
  });
  afterAll(() => api.close());

  it('refuses a login past the limit for its username with 429 and TOO_MANY_REQUESTS', async () => {
    const user = await api.createUser('VIEWER');
    const refused = await afterAllowed(LOGINS_PER_USER - 1, () => login(api, user));
    expect(refused.status).toBe(429);
    expect(codeOf(refused)).toBe('TOO_MANY_REQUESTS');
    expect(refused.data?.login ?? null).toBeNull();
  });

  it('says when to try again, in the Retry-After header and in extensions.retryAfterSeconds', async () => {
    const user = await api.createUser('VIEWER');
    const refused = await afterAllowed(LOGINS_PER_USER - 1, () => login(api, user));
    const seconds = Number(refused.headers.get('retry-after'));
    expect(seconds).toBeGreaterThan(0);
    expect(refused.errors?.[0]?.extensions?.retryAfterSeconds).toBe(seconds);
  });

  it('words the refusal so that a person knows what happened', async () => {
    const user = await api.createUser('VIEWER');
    const refused = await afterAllowed(LOGINS_PER_USER - 1, () => login(api, user));
    expect(refused.errors?.[0]?.message).toMatch(
      /^Too many logins for this username: at most 3 in 3600 seconds; try again in \d+ seconds$/,
    );
  });

  it('counts logins per username: another user still logs in', async () => {
    const limited = await api.createUser('VIEWER');
    await afterAllowed(LOGINS_PER_USER - 1, () => login(api, limited));
    const other = await api.createUser('VIEWER');
    const result = await login(api, other);
    expect(result.errors).toBeUndefined();
  });

  it('counts a login with a wrong password too', async () => {
    const user = await api.createUser('VIEWER');
    await login(api, { username: user.username, password: 'a-wrong-password' });
    const refused = await afterAllowed(LOGINS_PER_USER - 2, () => login(api, user));
    expect(codeOf(refused)).toBe('TOO_MANY_REQUESTS');
  });

  it('refuses API token creation past the limit for its user', async () => {
    const user = await api.createUser('VIEWER');
    const refused = await afterAllowed(TOKENS_PER_USER, () => createToken(api, user));
    expect(refused.status).toBe(429);
    expect(codeOf(refused)).toBe('TOO_MANY_REQUESTS');
  });

  it('refuses an upload past the limit for its user, and stores nothing', async () => {
    const user = await api.createUser('CONTRIBUTOR');
    const admin = await api.adminToken();
    const refused = await afterAllowed(UPLOADS_PER_USER, () => uploadFile(api, user));
    const before = await assetCount(api, admin);
    const again = await uploadFile(api, user);
    expect([refused.status, again.status]).toEqual([429, 429]);
    expect(codeOf(again)).toBe('TOO_MANY_REQUESTS');
    expect(await assetCount(api, admin)).toBe(before);
  });

  it('answers a refused upload with Retry-After, as the JSON path does', async () => {
    const user = await api.createUser('CONTRIBUTOR');
    const refused = await afterAllowed(UPLOADS_PER_USER, () => uploadFile(api, user));
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.errors?.[0]?.extensions?.retryAfterSeconds).toBeGreaterThan(0);
  });

  it('refuses a shared link past the limit for the link', async () => {
    const key = await authKeyFor(api, editor.token, 'limited', [uploadedId], {
      downloadPreview: true,
      downloadOriginal: false,
    });
    const refused = await afterAllowed(USES_PER_LINK, () => openLink(api, key));
    expect(refused.status).toBe(429);
    expect(codeOf(refused)).toBe('TOO_MANY_REQUESTS');
    expect(refused.errors?.[0]?.message).toMatch(/of this shared link/);
  });

  it('counts uses per link: another link still opens', async () => {
    const rights = { downloadPreview: true, downloadOriginal: false };
    const used = await authKeyFor(api, editor.token, 'used up', [uploadedId], rights);
    await afterAllowed(USES_PER_LINK, () => openLink(api, used));
    const fresh = await authKeyFor(api, editor.token, 'fresh', [uploadedId], rights);
    const result = await openLink(api, fresh);
    expect(result.errors).toBeUndefined();
    expect(result.data?.sharedLink.assets).toEqual([{ id: uploadedId }]);
  });

  it('leaves reads alone: a user past every limit still reads', async () => {
    const user = await api.createUser('VIEWER');
    await afterAllowed(LOGINS_PER_USER - 1, () => login(api, user));
    await afterAllowed(TOKENS_PER_USER, () => createToken(api, user));
    const result = await api.graphql(
      'query($id: ID!) { asset(id: $id) { id } }',
      { id: uploadedId },
      { token: user.token },
    );
    expect(result.status).toBe(200);
    expect(result.data?.asset).toEqual({ id: uploadedId });
  });
});

describe('limits per address', () => {
  const GUESSES_PER_ADDRESS = 4;
  let api: TestServer;

  beforeAll(async () => {
    api = await startTestServer({
      env: {
        RATE_LIMIT_SHARED_LINK_PER_ADDRESS: `${GUESSES_PER_ADDRESS}/3600`,
        RATE_LIMIT_TOKEN_CREATION_PER_USER: '0',
        RATE_LIMIT_TOKEN_CREATION_PER_ADDRESS: '0',
      },
    });
  });
  afterAll(() => api.close());

  it('refuses shared-link keys guessed from one address past its limit, unknown keys counted too', async () => {
    for (let guess = 0; guess < GUESSES_PER_ADDRESS; guess++) {
      expect(codeOf(await openLink(api, `guessed-key-${guess}`))).toBe('NOT_FOUND');
    }
    const refused = await openLink(api, 'one-guess-too-many');
    expect(refused.status).toBe(429);
    expect(codeOf(refused)).toBe('TOO_MANY_REQUESTS');
    expect(refused.errors?.[0]?.message).toMatch(/from this address/);
  });

  it('turns a limit off with 0: token creations are then not counted at all', async () => {
    const user = await api.createUser('VIEWER');
    expect((await api.graphql(CREATE_TOKEN, { name: 'uncounted' }, { token: user.token })).errors).toBeUndefined();
    const counted = await api.sql("select key from rate_limits where key like 'login.%' or key like 'tokenCreation.%'");
    expect(counted.length).toBeGreaterThan(0);
    expect(counted.filter((row) => String(row.key).startsWith('tokenCreation.'))).toEqual([]);
  });

  it('keeps neither usernames nor addresses in the table, only their hashes', async () => {
    const user = await api.createUser('VIEWER');
    const keys = (await api.sql('select key from rate_limits')).map((row) => String(row.key));
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.filter((key) => key.includes(user.username) || key.includes('127.0.0.1'))).toEqual([]);
  });
});

describe('the lock-out after failed logins, beside the rate limits', () => {
  let api: TestServer;

  beforeAll(async () => {
    api = await startTestServer();
  });
  afterAll(() => api.close());

  it('answers a locked-out login with 429 and Retry-After, keeping its FORBIDDEN code', async () => {
    const user = await api.createUser('VIEWER');
    // Ten failures lock the username out for this address; later ones are answered ever more slowly.
    for (let failure = 0; failure < 10; failure++) {
      await login(api, { username: user.username, password: 'a-wrong-password' });
    }
    const refused = await login(api, user);
    expect(refused.status).toBe(429);
    expect(codeOf(refused)).toBe('FORBIDDEN');
    expect(Number(refused.headers.get('retry-after'))).toBe(refused.errors?.[0]?.extensions?.retryAfterSeconds);
  }, 60_000);
});

describe('RATE_LIMIT_* settings', () => {
  it('take <requests>/<seconds>', () => {
    const limits = configWith({ RATE_LIMIT_UPLOAD_PER_USER: '30/60' }).rateLimits.upload;
    expect(limits.perSubject).toEqual({ points: 30, windowSeconds: 60 });
  });

  it('turn a limit off with 0', () => {
    expect(configWith({ RATE_LIMIT_LOGIN_PER_ADDRESS: '0' }).rateLimits.login.perAddress.points).toBe(0);
  });

  it('have generous defaults', () => {
    expect(configWith({}).rateLimits.login).toEqual({
      perSubject: { points: 100, windowSeconds: 60 },
      perAddress: { points: 1000, windowSeconds: 60 },
    });
  });

  it('refuse anything else, naming the setting', () => {
    const problem = configProblemWith({ RATE_LIMIT_SHARED_LINK_PER_LINK: '30 a minute' });
    expect(problem.message).toMatch(/^RATE_LIMIT_SHARED_LINK_PER_LINK: expected <requests>\/<seconds>/);
  });

  it('refuse a window of 0 seconds', () => {
    expect(configProblemWith({ RATE_LIMIT_UPLOAD_PER_ADDRESS: '5/0' }).message).toMatch(
      /^RATE_LIMIT_UPLOAD_PER_ADDRESS: the window/,
    );
  });
});
