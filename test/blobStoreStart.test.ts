import { mkdir, readdir, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/testServer.js';

// The blobs of these tests are files: on the filesystem store even when TEST_STORAGE_URL is set.
const ON_THE_FILESYSTEM = { STORAGE_URL: '' };
const HOUR_MS = 60 * 60 * 1000;

describe('a start on a blob folder with files left in .tmp', () => {
  let api: TestServer;
  let left: string[];

  beforeAll(async () => {
    const first = await startTestServer({ env: ON_THE_FILESYSTEM });
    await first.stop();
    const tmp = join(first.dataDir, 'blobs', '.tmp');
    await mkdir(tmp, { recursive: true });
    await writeFile(join(tmp, 'abandoned'), 'half a file');
    const twoHoursAgo = new Date(Date.now() - 2 * HOUR_MS);
    await utimes(join(tmp, 'abandoned'), twoHoursAgo, twoHoursAgo);
    await writeFile(join(tmp, 'being-written'), 'another instance is writing this');
    api = await startTestServer({ dataDir: first.dataDir, env: ON_THE_FILESYSTEM });
    left = await readdir(tmp);
  });
  afterAll(() => api.close());

  it('removes a file nobody has written to for over an hour', () => {
    expect(left).not.toContain('abandoned');
  });

  it('keeps a recent file, which another instance sharing the folder may still be writing', () => {
    expect(left).toContain('being-written');
  });
});
