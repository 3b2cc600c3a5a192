import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, loadEnvFile } from '../src/config.js';
import type { Env } from '../src/configValues.js';
import { type MainProcess, outcomeOf, startMain } from './support/mainProcess.js';

/*
 * Settings from a `.env` file (or the file ENV_FILE names), and `.env.example`, which lists every setting so
 * that an operator can start from it: checked against what the service actually reads, so it never drifts.
 */

const ROOT = resolve(import.meta.dirname, '..');

/** Read by the AWS SDK itself, not by config.ts, and listed in .env.example for S3. */
const READ_BY_THE_AWS_SDK = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'];

/** Every variable the service reads at start: the names loadEnvFile and loadConfig look up. */
function settingsTheServiceReads(): Set<string> {
  const names = new Set<string>();
  const env = new Proxy<Env>(
    { DATA_DIR: '/srv/asset-gateway' },
    {
      get(target, name) {
        if (typeof name === 'string') names.add(name);
        return typeof name === 'string' ? target[name] : undefined;
      },
    },
  );
  loadEnvFile(env, '/nonexistent-working-directory');
  loadConfig(env);
  return names;
}

/** The names .env.example sets, commented out (`#NAME=default`) or not. */
async function settingsOfEnvExample(): Promise<Set<string>> {
  const text = await readFile(join(ROOT, '.env.example'), 'utf8');
  return new Set([...text.matchAll(/^#?([A-Z][A-Z0-9_]*)=/gm)].map((match) => match[1] as string));
}

/** The variables in the first column of the README's settings table. */
async function settingsOfReadmeTable(): Promise<string[]> {
  const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
  const table = readme.slice(readme.indexOf('## Settings'), readme.indexOf('### Rate limits'));
  return [...table.matchAll(/^\| `([A-Z][A-Z0-9_]*)` \|/gm)].map((match) => match[1] as string);
}

describe('.env.example', () => {
  it('names every setting the service reads', async () => {
    const listed = await settingsOfEnvExample();
    const missing = [...settingsTheServiceReads()].filter((name) => !listed.has(name));
    expect(missing).toEqual([]);
  });

  it('names no setting that nothing reads', async () => {
    const read = settingsTheServiceReads();
    const unread = [...(await settingsOfEnvExample())].filter(
      (name) => !read.has(name) && !READ_BY_THE_AWS_SDK.includes(name),
    );
    expect(unread).toEqual([]);
  });

  it("names every setting of the README's settings table", async () => {
    const listed = await settingsOfEnvExample();
    const table = await settingsOfReadmeTable();
    expect(table.length).toBeGreaterThan(40);
    expect(table.filter((name) => !listed.has(name))).toEqual([]);
  });

  it('changes nothing when copied to .env as it is', async () => {
    const env: Env = {};
    const folder = await mkdtemp(join(tmpdir(), 'asset-gateway-envexample-'));
    try {
      await writeFile(join(folder, '.env'), await readFile(join(ROOT, '.env.example')));
      loadEnvFile(env, folder);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
    expect(env).toEqual({});
  });
});

describe('loadEnvFile', () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'asset-gateway-envfile-'));
  });
  afterAll(() => rm(folder, { recursive: true, force: true }));

  /** A working directory holding `files`; returns its path. */
  async function directoryWith(files: Record<string, string>): Promise<string> {
    const directory = await mkdtemp(join(folder, 'cwd-'));
    for (const [name, text] of Object.entries(files)) await writeFile(join(directory, name), text);
    return directory;
  }

  /** The ConfigError loadEnvFile throws for `env` in `cwd`; fails the test when it reads the file. */
  function problemLoading(env: Env, cwd: string): ConfigError {
    try {
      loadEnvFile(env, cwd);
    } catch (error) {
      if (error instanceof ConfigError) return error;
      throw error;
    }
    throw new Error('the file was read');
  }

  it('reads a value from .env in the working directory when the environment has none', async () => {
    const env: Env = {};
    loadEnvFile(env, await directoryWith({ '.env': '# the port\nPORT=4321\n' }));
    expect(env.PORT).toBe('4321');
  });

  it('leaves a variable the environment sets as it is', async () => {
    const env: Env = { PORT: '5000' };
    loadEnvFile(env, await directoryWith({ '.env': 'PORT=4321\n' }));
    expect(env.PORT).toBe('5000');
  });

  it('reads nothing and does not fail when the working directory has no .env', async () => {
    const env: Env = {};
    expect(loadEnvFile(env, await directoryWith({}))).toBeUndefined();
    expect(env).toEqual({});
  });

  it('reads the file ENV_FILE names instead of .env', async () => {
    const cwd = await directoryWith({ '.env': 'PORT=1111\n', 'production.env': 'PORT=2222\n' });
    const env: Env = { ENV_FILE: 'production.env' };
    loadEnvFile(env, cwd);
    expect(env.PORT).toBe('2222');
  });

  it('stops with a message naming ENV_FILE when the file it names does not exist', async () => {
    const cwd = await directoryWith({});
    const problem = problemLoading({ ENV_FILE: 'missing.env' }, cwd);
    expect(problem.message).toBe(`ENV_FILE: ${join(cwd, 'missing.env')}: no such file`);
  });

  it('stops at a line that is not NAME=value, naming the file and line but not the text', async () => {
    const cwd = await directoryWith({ '.env': 'PORT=4321\nSECRET_KEY secret-text-typed-without-equals\n' });
    const problem = problemLoading({}, cwd);
    expect(problem.message).toBe(`.env: ${join(cwd, '.env')} line 2: expected NAME=value, a # comment or a blank line`);
  });

  it('reads a quoted value that spans lines whole', async () => {
    const env: Env = {};
    loadEnvFile(env, await directoryWith({ '.env': 'WATERMARK_TEXT="first\nsecond"\nPORT=4321\n' }));
    expect(env).toEqual({ WATERMARK_TEXT: 'first\nsecond', PORT: '4321' });
  });
});

describe('the service started beside a .env', () => {
  let cwd: string;
  let started: MainProcess | undefined;
  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'asset-gateway-dotenv-'));
  });
  afterEach(() => started?.kill());
  afterAll(() => rm(cwd, { recursive: true, force: true }));

  it('uses the settings in it', async () => {
    await writeFile(join(cwd, '.env'), 'PUBLIC_URL=https://assets.example.org\nADMIN_PASSWORD=from-the-dotenv-file\n');
    started = startMain({ cwd, env: { DATA_DIR: join(cwd, 'data') } });
    expect((await started.banner).publicUrl).toBe('https://assets.example.org');
  });

  it('does not start when it is malformed, and says which line', async () => {
    await writeFile(join(cwd, '.env'), 'PORT=0\nnot a setting\n');
    started = startMain({ cwd, env: { DATA_DIR: join(cwd, 'data') } });
    const { code, stderr } = await outcomeOf(started);
    expect(code).toBe(1);
    expect(stderr).toBe(
      `asset-gateway cannot start: .env: ${join(cwd, '.env')} line 2: expected NAME=value, a # comment or a blank line\n`,
    );
  });
});
