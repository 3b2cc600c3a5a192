import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type CliRun, runCli } from './support/adminCli.js';
import { startTestServer, type TestServer } from './support/testServer.js';

// Each command is a process of its own that loads the service's modules and opens its database: seconds
// each on a loaded machine, and a test here may run three.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 300_000 });

/*
 * Issue 18, the admin CLI's `tokens` commands as child processes, and the tokens they make used over HTTP
 * against a server running on the same data.
 */

let api: TestServer;
const cli = (args: string[], stdin?: string): Promise<CliRun> => runCli(api, args, { stdin });

async function viewerNameOf(token: string): Promise<string | null | undefined> {
  const result = await api.graphql<{ viewer: { username: string } | null }>('{ viewer { username } }', {}, { token });
  return result.data?.viewer?.username ?? null;
}

async function createToken(args: string[]): Promise<{ token: string; id: string }> {
  const run = await cli(['tokens', 'create', 'ivy', ...args]);
  if (run.code !== 0) throw new Error(`tokens create failed: ${run.stderr}`);
  const token = run.stdout.trim();
  return { token, id: token.split('.')[1] as string };
}

beforeAll(async () => {
  api = await startTestServer();
  await cli(['users', 'add', 'ivy', '--role', 'CONTRIBUTOR', '--password-stdin'], 'ivy-password-1');
});
afterAll(() => api.close());

describe('tokens create', () => {
  it('prints the token alone on stdout, and it authenticates as the user over HTTP', async () => {
    const run = await cli(['tokens', 'create', 'ivy', '--name', 'nightly sync']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^t\.[\w-]{22}\.[\w-]{43}\n$/);
    expect(run.stderr).toContain('"nightly sync" for ivy (valid until revoked), shown only this once');
    expect(await viewerNameOf(run.stdout.trim())).toBe('ivy');
  });

  it('stores only the sha256 of the secret, as the createApiToken mutation does', async () => {
    const { token, id } = await createToken([]);
    const [row] = await api.sql('select secret_hash from api_tokens where id = ?', [id]);
    const secret = token.split('.')[2] as string;
    expect(row?.secret_hash).toBe(createHash('sha256').update(secret).digest('hex'));
  });

  it('with --expires-in 30d stores an expiry 30 days ahead', async () => {
    const before = Date.now();
    const { id } = await createToken(['--expires-in', '30d']);
    const list = JSON.parse((await cli(['tokens', 'list', 'ivy', '--json'])).stdout) as {
      id: string;
      expiresAt: string;
    }[];
    const expiresAt = Date.parse(list.find((token) => token.id === id)?.expiresAt ?? '');
    expect(expiresAt - before).toBeGreaterThanOrEqual(30 * 86_400_000);
    expect(expiresAt - before).toBeLessThan(30 * 86_400_000 + 10 * 60_000);
  });

  it('makes a token that the server refuses once its expiry has passed', async () => {
    const { token, id } = await createToken(['--expires-in', '1h']);
    expect(await viewerNameOf(token)).toBe('ivy');
    await api.sql('update api_tokens set expires_at = created_at where id = ?', [id]);
    expect(await viewerNameOf(token)).toBeNull();
  });

  it('refuses a duration without a unit with exit code 2, naming --expires-in', async () => {
    const run = await cli(['tokens', 'create', 'ivy', '--expires-in', '30']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--expires-in must be a number and a unit (m, h, d or w), e.g. 30d; not "30"');
  });

  it('refuses a missing username with exit code 2', async () => {
    const run = await cli(['tokens', 'create']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('tokens create: missing USERNAME');
  });

  it('refuses an unknown user with exit code 1', async () => {
    const run = await cli(['tokens', 'create', 'nobody']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('No user named "nobody"');
  });

  it('answers --help with its usage, options and an example', async () => {
    const run = await cli(['tokens', 'create', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: asset-gateway tokens create USERNAME [options]');
    expect(run.stdout).toContain('--expires-in TIME');
    expect(run.stdout).toContain('Example:');
  });
});

describe('tokens list', () => {
  it('lists the tokens of the user with their id, name and state, never the token itself', async () => {
    const { token, id } = await createToken(['--name', 'listed']);
    const run = await cli(['tokens', 'list', 'ivy']);
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')[0]).toMatch(/^ID\s+NAME\s+CREATED\s+EXPIRES\s+STATE$/);
    const line = run.stdout.split('\n').find((row) => row.startsWith(id));
    expect(line).toMatch(/listed .* never\s+active$/);
    expect(run.stdout).not.toContain(token.split('.')[2]);
  });

  it('refuses a missing username with exit code 2', async () => {
    const run = await cli(['tokens', 'list']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('tokens list: missing USERNAME');
  });

  it('answers --help with its usage and an example', async () => {
    const run = await cli(['tokens', 'list', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: asset-gateway tokens list USERNAME [options]');
  });
});

describe('tokens revoke', () => {
  it('revokes the token: the running server refuses it from the next request on', async () => {
    const { token, id } = await createToken([]);
    expect(await viewerNameOf(token)).toBe('ivy');
    // `--`: one id in 64 begins with a dash.
    const run = await cli(['tokens', 'revoke', '--', id]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`revoked API token ${id}`);
    expect(await viewerNameOf(token)).toBeNull();
  });

  it('says so with exit code 1 when the token was revoked already', async () => {
    const { id } = await createToken([]);
    await cli(['tokens', 'revoke', '--', id]);
    const run = await cli(['tokens', 'revoke', '--', id]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`API token ${id} was already revoked`);
  });

  it('refuses an unknown id with exit code 1', async () => {
    const run = await cli(['tokens', 'revoke', 'AAAAAAAAAAAAAAAAAAAAAA']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('No API token with id "AAAAAAAAAAAAAAAAAAAAAA"');
  });

  it('takes an id that begins with a dash after --, and says so when one is given without it', async () => {
    const { token, id } = await createToken([]);
    const dashed = `-${id.slice(1)}`;
    await api.sql('update api_tokens set id = ? where id = ?', [dashed, id]);
    const bare = await cli(['tokens', 'revoke', dashed]);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain(`${dashed} was read as options: an ID that begins with - goes after --`);
    const run = await cli(['tokens', 'revoke', '--', dashed]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`revoked API token ${dashed}`);
    expect(await viewerNameOf(`t.${dashed}.${token.split('.')[2]}`)).toBeNull();
  });

  it('refuses a missing id with exit code 2', async () => {
    const run = await cli(['tokens', 'revoke']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('tokens revoke: missing ID');
  });

  it('answers --help with its usage and an example', async () => {
    const run = await cli(['tokens', 'revoke', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: asset-gateway tokens revoke ID');
    expect(run.stdout).toContain('Example:');
  });
});
