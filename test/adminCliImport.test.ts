import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type CliRun, runCli, spawnCli } from './support/adminCli.js';
import { eventually, startTestServer, type TestServer } from './support/testServer.js';

// Each command is a process of its own that loads the service's modules and opens its database: seconds
// each on a loaded machine, and a test here may run three.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 300_000 });

/*
 * Issue 18, `asset-gateway import DIR`: a folder tree uploaded through the resolvers by a child process, on
 * the data of a running server; a rerun resumes; links leading out of DIR are refused.
 */

let api: TestServer;
let scratch: string;
const cli = (args: string[]): Promise<CliRun> => runCli(api, args);
const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

async function writeTree(root: string, files: Record<string, Buffer | string>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
}

async function liveAssetsUnder(folder: string): Promise<Record<string, unknown>[]> {
  return api.sql(
    'select folder_path, name, size, sha256, state from assets where deleted_at is null and (folder_path = ? or folder_path like ?) order by folder_path, name',
    [folder, `${folder}/%`],
  );
}

beforeAll(async () => {
  api = await startTestServer();
  scratch = await mkdtemp(join(tmpdir(), 'asset-gateway-import-'));
});
afterAll(async () => {
  await api.close();
  await rm(scratch, { recursive: true, force: true });
});

describe('import of a folder tree', () => {
  const random = randomBytes(200_000);
  const files: Record<string, Buffer | string> = {
    'readme.txt': 'read me\n',
    'photos/harbour.bin': random,
    'photos/2024/dawn notes.txt': 'dawn\n',
    'photos/2024/dusk.txt': 'dusk\n',
  };
  let root: string;
  let first: CliRun;

  beforeAll(async () => {
    root = join(scratch, 'tree');
    await writeTree(root, { ...files, 'empty.txt': '' });
    await symlink('readme.txt', join(root, 'readme-link.txt'));
    first = await cli(['import', root, '--folder', '/imported', '--progress-every', '2']);
  });

  it('imports every file under --folder, with the folders of DIR kept and the same bytes', async () => {
    expect(first.code).toBe(0);
    const rows = await liveAssetsUnder('/imported');
    expect(rows.map((row) => [row.folder_path, row.name, row.sha256])).toEqual([
      ['/imported', 'readme-link.txt', sha256('read me\n')],
      ['/imported', 'readme.txt', sha256('read me\n')],
      ['/imported/photos', 'harbour.bin', sha256(random)],
      ['/imported/photos/2024', 'dawn_notes.txt', sha256('dawn\n')],
      ['/imported/photos/2024', 'dusk.txt', sha256('dusk\n')],
    ]);
  });

  it('reports imported, skipped (the empty file) and failed at the end', () => {
    expect(first.stdout).toContain('skipped empty.txt: empty (the service stores no empty files)');
    expect(first.stdout).toContain('imported 5, skipped 1, failed 0');
  });

  it('says when a name was changed to what the service keeps', () => {
    expect(first.stdout).toContain('imported photos/2024/dawn notes.txt as /imported/photos/2024/dawn_notes.txt');
  });

  it('off a terminal, writes a plain progress line every --progress-every files', () => {
    const lines = first.stderr.split('\n').filter((line) => /^import: \d+\/\d+ files/.test(line));
    expect(lines.map((line) => /^import: (\d+\/\d+) files/.exec(line)?.[1])).toEqual(['2/6', '4/6', '6/6']);
    expect(lines[2]).toMatch(/ETA \S+ \(imported 5, skipped 1, failed 0\)$/);
  });

  it('says that the server scans the new assets', () => {
    expect(first.stderr).toContain('import: the new assets are UNSCANNED until the server scans them');
  });

  it('leaves each file to be scanned like any upload: the server serves them all', async () => {
    const states = await eventually(async () => {
      const rows = await liveAssetsUnder('/imported');
      return rows.every((row) => row.state === 'UPLOADED') ? rows.map((row) => row.state) : undefined;
    }, 30_000);
    expect(states).toHaveLength(5);
  });

  it('on a rerun skips every file already imported and imports none again', async () => {
    const run = await cli(['import', root, '--folder', '/imported']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('imported 0, skipped 6, failed 0');
    expect(await liveAssetsUnder('/imported')).toHaveLength(5);
  });

  it('imports again a file whose bytes changed since, beside the earlier one', async () => {
    const changed = join(scratch, 'changed');
    await writeTree(changed, { 'note.txt': 'first' });
    await cli(['import', changed, '--folder', '/changed']);
    await writeTree(changed, { 'note.txt': 'other' });
    const run = await cli(['import', changed, '--folder', '/changed']);
    expect(run.stdout).toContain('imported 1, skipped 0, failed 0');
    const rows = await liveAssetsUnder('/changed');
    expect(rows.map((row) => row.sha256).sort()).toEqual([sha256('first'), sha256('other')].sort());
  });
});

describe('import refusals', () => {
  it('refuses a symbolic link leading out of DIR: not imported, counted failed, exit code 1', async () => {
    const outside = join(scratch, 'outside-secret.txt');
    await writeFile(outside, 'not to be imported');
    const root = join(scratch, 'leaky');
    await writeTree(root, { 'inside.txt': 'inside' });
    await symlink(outside, join(root, 'leak.txt'));
    const run = await cli(['import', root, '--folder', '/leaky']);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('failed leak.txt: refused: a symbolic link leading out of DIR');
    expect(run.stdout).toContain('imported 1, skipped 0, failed 1');
    expect((await liveAssetsUnder('/leaky')).map((row) => row.name)).toEqual(['inside.txt']);
  });

  it('refuses a DIR that does not exist with exit code 2, naming it', async () => {
    const run = await cli(['import', join(scratch, 'missing')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`import: DIR "${join(scratch, 'missing')}" does not exist`);
  });

  it('refuses a DIR that is a file with exit code 2', async () => {
    const file = join(scratch, 'plain.txt');
    await writeFile(file, 'x');
    const run = await cli(['import', file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('is not a folder');
  });

  it('refuses a missing DIR argument with exit code 2', async () => {
    const run = await cli(['import']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('import: missing DIR');
  });

  it('refuses a --folder that is not an absolute folder path with exit code 2', async () => {
    const run = await cli(['import', scratch, '--folder', 'relative/path']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--folder: Invalid folderPath "relative/path": it must start with "/"');
  });

  it('refuses an owner who does not exist with exit code 1', async () => {
    const root = join(scratch, 'owned');
    await writeTree(root, { 'a.txt': 'a' });
    const run = await cli(['import', root, '--as', 'nobody']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('No user named "nobody"');
  });

  it('answers --help with its usage, options and an example', async () => {
    const run = await cli(['import', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: asset-gateway import DIR [options]');
    expect(run.stdout).toContain('--folder /X');
    expect(run.stdout).toContain('Example:');
  });
});

describe('import stopped mid-way (SIGKILL) and run again', () => {
  const COUNT = 60;
  let root: string;
  let afterKill: number;
  let rerun: CliRun;

  beforeAll(async () => {
    root = join(scratch, 'big');
    const tree: Record<string, Buffer> = {};
    for (let n = 0; n < COUNT; n++) tree[`part-${String(n).padStart(2, '0')}.bin`] = randomBytes(64 * 1024);
    await writeTree(root, tree);
    const child = spawnCli(api, ['import', root, '--folder', '/big', '--progress-every', '5']);
    child.stdin.end();
    await new Promise<void>((resolve) => {
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk;
        if (stderr.includes(`import: 5/${COUNT} files`)) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.once('close', () => resolve());
    });
    await new Promise((resolve) => child.once('close', resolve));
    afterKill = (await liveAssetsUnder('/big')).length;
    rerun = await cli(['import', root, '--folder', '/big']);
  });

  it('was stopped part-way', () => {
    expect(afterKill).toBeGreaterThanOrEqual(5);
    expect(afterKill).toBeLessThan(COUNT);
  });

  it('the rerun skips what was imported and imports the rest', () => {
    expect(rerun.code).toBe(0);
    expect(rerun.stdout).toContain(`imported ${COUNT - afterKill}, skipped ${afterKill}, failed 0`);
  });

  it('holds every file exactly once', async () => {
    const names = (await liveAssetsUnder('/big')).map((row) => row.name);
    expect(names).toHaveLength(COUNT);
    expect(new Set(names).size).toBe(COUNT);
  });
});
