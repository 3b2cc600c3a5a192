import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configWith } from './support/configSettings.js';
import { freshFolder, untilUploaded, uploadInto } from './support/graphqlCalls.js';
import { startTestServerWithUser, type TestServer, type TestUser } from './support/testServer.js';
import { bearer, bodyOf, expectError, postServices } from './support/woodwingCalls.js';

/*
 * Lists and zips are bounded: a zip download by ZIP_MAX_FILES and ZIP_MAX_MB, a page of WoodWing's
 * asset/history by 500 entries as a search page is.
 */

let api: TestServer;
let editor: TestUser;
beforeAll(async () => {
  ({ api, user: editor } = await startTestServerWithUser('EDITOR', { env: { ZIP_MAX_FILES: '2', ZIP_MAX_MB: '1' } }));
});
afterAll(() => api.close());

async function uploaded(folder: string, name: string, content: string): Promise<string> {
  const asset = await uploadInto(api, editor.token, folder, name, content);
  await untilUploaded(api, editor.token, asset.id);
  return asset.id;
}

function zip(params: Record<string, string>): Promise<Response> {
  return fetch(`${api.url}/zip/download.zip?${new URLSearchParams(params)}`, { headers: bearer(editor.token) });
}

describe('a zip download', () => {
  it('is refused with 400 naming ZIP_MAX_FILES when it would hold more files', async () => {
    const folder = freshFolder();
    for (const name of ['a.txt', 'b.txt', 'c.txt']) await uploaded(folder, name, name);
    const body = await expectError(await zip({ folderPath: folder, downloadKind: 'original' }), 400);
    expect(body.message).toBe('A zip may hold at most 2 files (ZIP_MAX_FILES); this one would hold 3');
  });

  it('is refused with 400 naming ZIP_MAX_MB when its files add up to more', async () => {
    const folder = freshFolder();
    const half = 'x'.repeat(600 * 1024);
    const ids = [await uploaded(folder, 'a.bin', half), await uploaded(folder, 'b.bin', half)];
    const body = await expectError(await zip({ assetIds: ids.join(','), downloadKind: 'original' }), 400);
    expect(body.message).toBe('A zip may hold at most 1 MiB (ZIP_MAX_MB); this one would hold 2 MiB');
  });

  it('is sent within both limits', async () => {
    const id = await uploaded(freshFolder(), 'small.txt', 'small');
    const response = await zip({ assetIds: id, downloadKind: 'original' });
    expect(response.status).toBe(200);
    await response.arrayBuffer();
  });
});

describe("WoodWing's asset/history", () => {
  it('answers at most 500 entries however large num is', async () => {
    const id = await uploaded(freshFolder(), 'used.txt', 'used');
    for (let index = 0; index < 501; index++) {
      await postServices(
        api.url,
        'logUsage',
        { assetId: id, action: 'CUSTOM_ACTION_READ' },
        'urlencoded',
        bearer(editor.token),
      );
    }
    const response = await postServices(
      api.url,
      'asset/history',
      { id, num: 100000 },
      'urlencoded',
      bearer(editor.token),
    );
    const body = await bodyOf(response);
    expect(body.hits).toHaveLength(500);
    expect(body.totalHits).toBeGreaterThan(500);
  });
});

describe('the zip settings', () => {
  it('are read from ZIP_MAX_FILES and ZIP_MAX_MB, 1000 files and 4096 MiB unless set', () => {
    expect(configWith({ ZIP_MAX_FILES: '5', ZIP_MAX_MB: '10' }).zipLimits).toEqual({
      maxFiles: 5,
      maxBytes: 10 * 1024 * 1024,
    });
    expect(configWith({}).zipLimits).toEqual({ maxFiles: 1000, maxBytes: 4096 * 1024 * 1024 });
  });
});
