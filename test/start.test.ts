import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { S3RVER_CREDENTIALS, type S3TestServer, startS3Server } from './support/s3Server.js';

/*
 * The service as an operator starts it: `node dist/src/main.js` (what `npm start` runs after the build), with
 * its settings in the environment. The start banner, and the one-line refusal of a setting that cannot work.
 */

const MAIN = resolve(import.meta.dirname, '../dist/src/main.js');
const ADMIN = { ADMIN_USERNAME: 'admin', ADMIN_PASSWORD: 'admin-password-for-tests' };

let dataDir: string;
const started: ChildProcess[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'asset-gateway-start-'));
});
afterEach(() => {
  for (const child of started.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});
afterAll(() => rm(dataDir, { recursive: true, force: true }));

function start(env: Record<string, string>): ChildProcess {
  // Only what the service needs: no DATABASE_URL, STORAGE_URL or AWS_* of the shell running the tests.
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, ...ADMIN, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  return child;
}

/** Everything the process writes to stderr, and its exit code, once it has exited. */
async function outcome(child: ChildProcess): Promise<{ code: number | null; stderr: string }> {
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const code = await new Promise<number | null>((done) => child.once('exit', (exitCode) => done(exitCode)));
  return { code, stderr };
}

/** The first JSON log line on stdout whose message starts with `prefix`. */
async function logLine(child: ChildProcess, prefix: string): Promise<Record<string, unknown>> {
  for await (const line of createInterface({ input: child.stdout as NodeJS.ReadableStream })) {
    const entry = JSON.parse(line) as Record<string, unknown>;
    if (typeof entry.msg === 'string' && entry.msg.startsWith(prefix)) return entry;
  }
  throw new Error(`the process ended without logging "${prefix}..."`);
}

describe('the start banner', () => {
  it('names the storage STORAGE_URL points at, in its fields and its message', async () => {
    const blobs = join(dataDir, 'elsewhere');
    const child = start({ STORAGE_URL: `file:${blobs}` });
    const banner = await logLine(child, 'asset-gateway listening');
    expect(banner.storage).toBe(`filesystem at ${blobs}`);
    expect(banner.msg).toContain(`storage filesystem at ${blobs};`);
  });

  it('names the default storage, the blobs folder in DATA_DIR', async () => {
    const child = start({});
    const banner = await logLine(child, 'asset-gateway listening');
    expect(banner.storage).toBe(`filesystem at ${join(dataDir, 'blobs')}`);
  });

  it('stops on SIGTERM with exit code 0', async () => {
    const child = start({});
    await logLine(child, 'asset-gateway listening');
    const ended = outcome(child);
    child.kill('SIGTERM');
    expect((await ended).code).toBe(0);
  });
});

describe('a setting that cannot work', () => {
  let s3: S3TestServer;
  beforeAll(async () => {
    s3 = await startS3Server();
  });
  afterAll(() => s3?.close());

  it('stops the start with exit code 1 and one line naming STORAGE_URL when the bucket does not exist', async () => {
    const child = start({
      STORAGE_URL: s3.storageUrlOf('no-such-bucket'),
      AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
    });
    const { code, stderr } = await outcome(child);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^asset-gateway cannot start: STORAGE_URL: s3:\/\/no-such-bucket .*does not exist\n$/);
  });

  it('stops the start with exit code 1 and one line naming the variable for a value it cannot read', async () => {
    const { code, stderr } = await outcome(start({ PORT: 'eighty' }));
    expect(code).toBe(1);
    expect(stderr).toBe('asset-gateway cannot start: PORT: expected a whole number, got "eighty"\n');
  });
});
