import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeDatabase, loadConfig } from '../src/config.js';
import { startServer } from '../src/server.js';
import { configProblemWith, configWith } from './support/configSettings.js';
import { freePort } from './support/freePort.js';
import { TEST_DATABASE_URL } from './support/testDatabase.js';

const PASSWORD = 'hunter2-never-shown';

const databaseOf = (env: Record<string, string>) => configWith(env).database;

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'asset-gateway-config-'));
});
afterAll(() => rm(dataDir, { recursive: true, force: true }));

describe('DATABASE_URL', () => {
  it('is the SQLite file in DATA_DIR when unset or empty', () => {
    const inDataDir = { kind: 'sqlite', path: '/srv/asset-gateway/asset-gateway.sqlite' };
    expect(databaseOf({})).toEqual(inDataDir);
    expect(databaseOf({ DATABASE_URL: '' })).toEqual(inDataDir);
  });

  it('is a SQLite file elsewhere with sqlite:, absolute or relative', () => {
    expect(databaseOf({ DATABASE_URL: 'sqlite:///var/lib/assets.sqlite' })).toEqual({
      kind: 'sqlite',
      path: '/var/lib/assets.sqlite',
    });
    expect(databaseOf({ DATABASE_URL: 'sqlite:./assets.sqlite' })).toEqual({
      kind: 'sqlite',
      path: resolve('assets.sqlite'),
    });
  });

  it('is PostgreSQL with postgres:// or postgresql://, the URL kept whole', () => {
    for (const url of [
      `postgres://assets:${PASSWORD}@db.example:5432/asset_gateway`,
      'postgresql://db.example/asset_gateway?sslmode=require',
    ]) {
      expect(databaseOf({ DATABASE_URL: url })).toEqual({ kind: 'postgresql', url });
    }
  });

  it.each([
    ['sqlite: without a path', 'sqlite:', /^DATABASE_URL: sqlite: needs a file path/],
    ['PostgreSQL without a host', 'postgres:///asset_gateway', /^DATABASE_URL: PostgreSQL URL needs a host/],
    [
      'PostgreSQL without a database',
      `postgres://assets:${PASSWORD}@db.example:5432`,
      /^DATABASE_URL: PostgreSQL URL needs a database name/,
    ],
    [
      'PostgreSQL with only a slash for the database',
      `postgresql://assets:${PASSWORD}@db.example:5432/`,
      /^DATABASE_URL: PostgreSQL URL needs a database name/,
    ],
    [
      'PostgreSQL with a port that is no number',
      `postgres://assets:${PASSWORD}@db.example:port/asset_gateway`,
      /^DATABASE_URL: not a valid PostgreSQL URL/,
    ],
    ['an unknown scheme', 'mysql://db.example/asset_gateway', /^DATABASE_URL: unknown database URL scheme "mysql:"/],
    ['no scheme at all', '/var/lib/assets.sqlite', /^DATABASE_URL: no URL scheme; use sqlite:<path> or postgres:\/\//],
  ])('refuses %s, naming the variable', (_, url, message) => {
    expect(configProblemWith({ DATABASE_URL: url }).message).toMatch(message);
  });

  it('never repeats the password of a URL it refuses', () => {
    for (const url of [
      `postgres://assets:${PASSWORD}@db.example:5432`,
      `postgres://assets:${PASSWORD}@db.example:port/asset_gateway`,
      `mysql://assets:${PASSWORD}@db.example/asset_gateway`,
    ]) {
      expect(configProblemWith({ DATABASE_URL: url }).message).not.toContain(PASSWORD);
    }
  });

  it('is described for the start log by host, port and database, without user or password', () => {
    const database = databaseOf({ DATABASE_URL: `postgres://assets:${PASSWORD}@db.example:6432/asset_gateway` });
    expect(describeDatabase(database)).toBe('PostgreSQL at db.example:6432/asset_gateway');
    expect(describeDatabase(databaseOf({}))).toBe('SQLite at /srv/asset-gateway/asset-gateway.sqlite');
  });
});

describe('a start on a PostgreSQL that cannot be used', () => {
  const silent = pino({ level: 'silent' });

  it('stops with DATABASE_URL named when nothing listens at its address', async () => {
    const port = await freePort();
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      DATABASE_URL: `postgres://assets:${PASSWORD}@127.0.0.1:${port}/asset_gateway`,
    });
    const start = startServer(config, silent);
    await expect(start).rejects.toThrow(
      new RegExp(`^DATABASE_URL: cannot use PostgreSQL at 127\\.0\\.0\\.1:${port}/asset_gateway: .*ECONNREFUSED`),
    );
    await expect(start).rejects.not.toThrow(PASSWORD);
  });

  // Needs a PostgreSQL server: runs in the test pass on PostgreSQL.
  it.runIf(TEST_DATABASE_URL)('stops on a database that does not exist, and does not create it', async () => {
    const missing = new URL(TEST_DATABASE_URL as string);
    missing.pathname = `/agtest_missing_${Date.now()}`;
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, DATABASE_URL: missing.toString() });
    await expect(startServer(config, silent)).rejects.toThrow(
      /^DATABASE_URL: cannot use PostgreSQL at .*does not exist/,
    );
    // Asked again: had the first start created it, this one would have started.
    await expect(startServer(config, silent)).rejects.toThrow(/does not exist/);
  });

  it('exits at once with one line that names DATABASE_URL, no stack trace, no password', async () => {
    const port = await freePort();
    const main = spawn(process.execPath, ['dist/src/main.js'], {
      env: {
        PATH: process.env.PATH,
        PORT: '0',
        DATA_DIR: dataDir,
        DATABASE_URL: `postgres://assets:${PASSWORD}@127.0.0.1:${port}/asset_gateway`,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    main.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exitCode = await new Promise((done) => main.on('exit', done));
    expect(exitCode).toBe(1);
    expect(stderr).toMatch(
      /^asset-gateway cannot start: DATABASE_URL: cannot use PostgreSQL at 127\.0\.0\.1:\d+\/asset_gateway/,
    );
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).not.toContain(PASSWORD);
  });
});
