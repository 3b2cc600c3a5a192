import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/testServer.js';

/*
 * Issue 13: a credential read once is taken from memory while the credential epoch stands. Each test
 * here makes a request with the credential first, so that the change after it meets a credential held in
 * memory, and then checks that the very next request sees the change.
 */

const VIEWER = '{ viewer { username role } }';
const CREATE_API_TOKEN = 'mutation($name: String!) { createApiToken(name: $name) { token } }';

let api: TestServer;

beforeAll(async () => {
  api = await startTestServer();
});
afterAll(() => api.close());

async function viewerOf(token: string): Promise<{ username: string; role: string } | null> {
  const result = await api.graphql<{ viewer: { username: string; role: string } | null }>(VIEWER, {}, { token });
  return result.data?.viewer ?? null;
}

async function apiTokenOf(sessionToken: string): Promise<{ token: string; id: string }> {
  const result = await api.graphql<{ createApiToken: { token: string } }>(
    CREATE_API_TOKEN,
    { name: 'cache test' },
    { token: sessionToken },
  );
  const token = result.data?.createApiToken.token ?? '';
  return { token, id: token.split('.')[1] as string };
}

/** A date as the database's driver takes it for a datetime column. */
function storedDate(ms: number): number | string {
  return api.databaseUrl?.startsWith('postgres') ? new Date(ms).toISOString() : ms;
}

describe('a credential already accepted', () => {
  it('is refused with another secret, though the same id was just accepted with the right one', async () => {
    const { token } = await api.createUser('VIEWER');
    expect(await viewerOf(token)).not.toBeNull();
    const [kind, id, secret = ''] = token.split('.');
    const altered = `${kind}.${id}.${secret.startsWith('A') ? 'B' : 'A'}${secret.slice(1)}`;
    expect(await viewerOf(altered)).toBeNull();
    expect(await viewerOf(token)).not.toBeNull();
  });

  it('is refused from the next request on once its row is revoked by another connection to the database', async () => {
    const user = await api.createUser('VIEWER');
    const { token, id } = await apiTokenOf(user.token);
    expect(await viewerOf(token)).toEqual({ username: user.username, role: 'VIEWER' });
    await api.sql('update api_tokens set revoked_at = expires_at where id = ?', [id]);
    expect(await viewerOf(token)).not.toBeNull();
    await api.sql('update api_tokens set revoked_at = created_at where id = ?', [id]);
    expect(await viewerOf(token)).toBeNull();
  });

  it("answers with the user's new role from the next request on once the role is changed in the database", async () => {
    const user = await api.createUser('VIEWER');
    expect(await viewerOf(user.token)).toEqual({ username: user.username, role: 'VIEWER' });
    await api.sql('update users set role = ? where id = ?', ['EDITOR', user.id]);
    expect(await viewerOf(user.token)).toEqual({ username: user.username, role: 'EDITOR' });
  });

  it('is refused from the next request on once its user is deleted', async () => {
    const user = await api.createUser('VIEWER');
    const { token } = await apiTokenOf(user.token);
    expect(await viewerOf(token)).not.toBeNull();
    await api.sql('delete from api_tokens where user_id = ?', [user.id]);
    await api.sql('delete from sessions where user_id = ?', [user.id]);
    await api.sql('delete from users where id = ?', [user.id]);
    expect(await viewerOf(token)).toBeNull();
    expect(await viewerOf(user.token)).toBeNull();
  });

  it('is refused once its expiry passes, with nothing written to the database in between', async () => {
    const user = await api.createUser('VIEWER');
    const { token, id } = await apiTokenOf(user.token);
    const expiresAt = Date.now() + 1500;
    await api.sql('update api_tokens set expires_at = ? where id = ?', [storedDate(expiresAt), id]);
    expect(await viewerOf(token)).not.toBeNull();
    await new Promise((resolve) => setTimeout(resolve, expiresAt - Date.now() + 100));
    expect(await viewerOf(token)).toBeNull();
  });

  it('stays in use across logins, which only add sessions and leave the credential epoch where it was', async () => {
    const user = await api.createUser('VIEWER');
    expect(await viewerOf(user.token)).not.toBeNull();
    const epochNow = async () => Number((await api.sql('select epoch from credential_epoch'))[0]?.epoch);
    const before = await epochNow();
    await api.login(user.username, user.password);
    expect(await epochNow()).toBe(before);
    expect(await viewerOf(user.token)).toEqual({ username: user.username, role: 'VIEWER' });
  });
});
