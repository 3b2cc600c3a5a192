import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type CliRun, runCli } from './support/adminCli.js';
import { ADMIN, startTestServer, type TestServer } from './support/testServer.js';

// Each command is a process of its own that loads the service's modules and opens its database: seconds
// each on a loaded machine, and a test here may run three.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 300_000 });

/*
 * Issue 18, the admin CLI's `users` commands, each run as a child process on the data folder of a server that
 * keeps running: what the CLI writes, the server serves over HTTP at once.
 */

let api: TestServer;
const cli = (args: string[], stdin?: string): Promise<CliRun> => runCli(api, args, { stdin });
const VIEWER_QUERY = '{ viewer { username role } }';

async function viewerOf(token: string): Promise<{ username: string; role: string } | null | undefined> {
  const result = await api.graphql<{ viewer: { username: string; role: string } | null }>(VIEWER_QUERY, {}, { token });
  return result.data?.viewer;
}

beforeAll(async () => {
  api = await startTestServer();
});
afterAll(() => api.close());

describe('users add', () => {
  it('creates a user with the password from stdin, who then logs in over HTTP to the running server', async () => {
    const run = await cli(['users', 'add', 'carol', '--role', 'EDITOR', '--password-stdin'], 'carol-password-1\n');
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('created user carol (EDITOR)');
    const token = await api.login('carol', 'carol-password-1');
    expect(await viewerOf(token)).toEqual({ username: 'carol', role: 'EDITOR' });
  });

  it('without --password-stdin prints a generated password once on stdout, and it logs in', async () => {
    const run = await cli(['users', 'add', 'dave', '--role', 'viewer']);
    expect(run.code).toBe(0);
    const password = run.stdout.trim();
    expect(password).toMatch(/^[\w-]{24}$/);
    expect(await viewerOf(await api.login('dave', password))).toEqual({ username: 'dave', role: 'VIEWER' });
  });

  it('refuses a username that is taken: exit code 1 and the reason', async () => {
    const run = await cli(['users', 'add', ADMIN.username, '--role', 'ADMIN']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`asset-gateway users add: A user named "${ADMIN.username}" already exists`);
  });

  it('refuses a password shorter than the rule: exit code 1', async () => {
    const run = await cli(['users', 'add', 'erin', '--role', 'VIEWER', '--password-stdin'], 'short\n');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('password must be at least 8 characters');
  });

  it('refuses an unknown role with exit code 2, naming --role and the roles there are', async () => {
    const run = await cli(['users', 'add', 'erin', '--role', 'BOSS']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--role must be one of VIEWER, CONTRIBUTOR, EDITOR, ADMIN; not "BOSS"');
  });

  it('refuses a missing --role with exit code 2', async () => {
    const run = await cli(['users', 'add', 'erin']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('users add: missing --role');
  });

  it('refuses a missing username with exit code 2, in one line on stderr', async () => {
    const run = await cli(['users', 'add', '--role', 'VIEWER']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^asset-gateway users add: missing USERNAME .*\n$/);
  });

  it('answers --help with its usage, options and an example, exit code 0', async () => {
    const run = await cli(['users', 'add', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: asset-gateway users add USERNAME [options]');
    expect(run.stdout).toContain('--password-stdin');
    expect(run.stdout).toContain('Example:');
  });
});

describe('users list', () => {
  it('shows every user in a table with a header', async () => {
    const run = await cli(['users', 'list']);
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^USERNAME\s+ROLE\s+FULL NAME\s+EMAIL\s+CREATED\s+ID$/);
    expect(lines.some((line) => line.startsWith(`${ADMIN.username} `) && line.includes('ADMIN'))).toBe(true);
  });

  it('takes its settings from .env in its working directory, as the service does', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'cli-env-'));
    const settings = [`DATA_DIR=${api.dataDir}`, ...(api.databaseUrl ? [`DATABASE_URL=${api.databaseUrl}`] : [])];
    await writeFile(join(folder, '.env'), `${settings.join('\n')}\n`);
    try {
      const run = await runCli({ dataDir: '', databaseUrl: undefined }, ['users', 'list', '--json'], { cwd: folder });
      expect(run.code).toBe(0);
      expect((JSON.parse(run.stdout) as { username: string }[]).map((user) => user.username)).toContain(ADMIN.username);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('with --json gives each user as an object, without any password hash', async () => {
    const run = await cli(['users', 'list', '--json']);
    expect(run.code).toBe(0);
    const users = JSON.parse(run.stdout) as Record<string, unknown>[];
    expect(users.find((user) => user.username === ADMIN.username)).toMatchObject({ role: 'ADMIN' });
    expect(run.stdout).not.toContain('scrypt');
  });

  it('answers --help with its usage and an example', async () => {
    const run = await cli(['users', 'list', '-h']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: asset-gateway users list [options]');
    expect(run.stdout).toContain('Example:');
  });

  it('refuses an unknown option with exit code 2, naming it', async () => {
    const run = await cli(['users', 'list', '--yaml']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('users list: unknown option --yaml');
  });
});

describe('users set-role', () => {
  it('changes the role, which the server applies on the next request of a token already issued', async () => {
    await cli(['users', 'add', 'fred', '--role', 'VIEWER', '--password-stdin'], 'fred-password-1');
    const token = await api.login('fred', 'fred-password-1');
    expect(await viewerOf(token)).toEqual({ username: 'fred', role: 'VIEWER' });
    const run = await cli(['users', 'set-role', 'fred', 'CONTRIBUTOR']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('fred is now CONTRIBUTOR');
    expect(await viewerOf(token)).toEqual({ username: 'fred', role: 'CONTRIBUTOR' });
  });

  it('refuses an unknown role with exit code 2', async () => {
    const run = await cli(['users', 'set-role', 'fred', 'OWNER']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('ROLE must be one of VIEWER, CONTRIBUTOR, EDITOR, ADMIN; not "OWNER"');
  });

  it('refuses an unknown user with exit code 1', async () => {
    const run = await cli(['users', 'set-role', 'nobody', 'VIEWER']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('No user named "nobody"');
  });

  it('does not demote the last ADMIN', async () => {
    const run = await cli(['users', 'set-role', ADMIN.username, 'VIEWER']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${ADMIN.username} is the last ADMIN`);
  });

  it('refuses a missing ROLE with exit code 2', async () => {
    const run = await cli(['users', 'set-role', 'fred']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('users set-role: missing ROLE');
  });
});

describe('users reset-password', () => {
  it('sets the new password: it logs in, the old one no longer does', async () => {
    await cli(['users', 'add', 'gina', '--role', 'VIEWER', '--password-stdin'], 'gina-password-old');
    const run = await cli(['users', 'reset-password', 'gina', '--password-stdin'], 'gina-password-new\n');
    expect(run.code).toBe(0);
    expect(await viewerOf(await api.login('gina', 'gina-password-new'))).toMatchObject({ username: 'gina' });
    await expect(api.login('gina', 'gina-password-old')).rejects.toThrow(/login failed/);
  });

  it('ends the login sessions of the user: a session token from before is no longer accepted', async () => {
    await cli(['users', 'add', 'hank', '--role', 'VIEWER', '--password-stdin'], 'hank-password-old');
    const session = await api.login('hank', 'hank-password-old');
    expect(await viewerOf(session)).toMatchObject({ username: 'hank' });
    const run = await cli(['users', 'reset-password', 'hank']);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('1 login sessions ended');
    expect(await viewerOf(session)).toBeNull();
    expect(await viewerOf(await api.login('hank', run.stdout.trim()))).toMatchObject({ username: 'hank' });
  });

  it('recovers a lost admin password', async () => {
    const run = await cli(['users', 'reset-password', ADMIN.username, '--password-stdin'], 'a-new-admin-password');
    expect(run.code).toBe(0);
    expect(await viewerOf(await api.login(ADMIN.username, 'a-new-admin-password'))).toEqual({
      username: ADMIN.username,
      role: 'ADMIN',
    });
    await cli(['users', 'reset-password', ADMIN.username, '--password-stdin'], ADMIN.password);
  });

  it('refuses a missing username with exit code 2', async () => {
    const run = await cli(['users', 'reset-password']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('users reset-password: missing USERNAME');
  });

  it('refuses an unknown user with exit code 1', async () => {
    const run = await cli(['users', 'reset-password', 'nobody']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('No user named "nobody"');
  });

  it('answers --help with its usage and an example', async () => {
    const run = await cli(['users', 'reset-password', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: asset-gateway users reset-password USERNAME [options]');
    expect(run.stdout).toContain('--revoke-tokens');
  });
});

describe('the command line as a whole', () => {
  it('answers --help with every command and the exit codes', async () => {
    const run = await cli(['--help']);
    expect(run.code).toBe(0);
    for (const command of ['users add', 'users list', 'tokens create', 'import', 'verify', 'migrate']) {
      expect(run.stdout).toContain(`  ${command} `);
    }
    expect(run.stdout).toContain('Exit codes: 0 done, 1 failed, 2 wrong command line.');
  });

  it('answers "help users add" as "users add --help" (npx keeps a --help for itself)', async () => {
    const run = await cli(['help', 'users', 'add']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: asset-gateway users add USERNAME [options]');
  });

  it('lists the commands of a group when given only the group', async () => {
    const run = await cli(['users']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('users reset-password');
  });

  it('refuses an unknown command with exit code 2, naming it', async () => {
    const run = await cli(['frobnicate']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe("asset-gateway: unknown command 'frobnicate' (see asset-gateway --help)\n");
  });

  it('refuses an unknown subcommand with exit code 2, naming it', async () => {
    const run = await cli(['users', 'delete', 'carol']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("unknown command 'users delete'");
  });
});
