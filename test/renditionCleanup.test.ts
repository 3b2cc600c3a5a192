import { randomInt } from 'node:crypto';
import pino from 'pino';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BlobStore, MissingBlob } from '../src/storage/BlobStore.js';
import { openBlobStore } from '../src/storage/openBlobStore.js';
import { untilUploaded, uploadAs } from './support/graphqlCalls.js';
import { untilRendered } from './support/renditionCalls.js';
import { eventually, startTestServerWithUser, type TestServer } from './support/testServer.js';
import { bearer } from './support/woodwingCalls.js';

/*
 * Issue #16's cleanup of unused renditions: once no live asset holds a file (every asset with those bytes
 * deleted, or given a new file), its renditions' rows go, then each blob no row points at any more; the
 * blobs are content-addressed and shared by identical files. RENDITION_CLEANUP_GRACE_SECONDS is 1 here, so
 * that a rendition made a moment ago may go. Each picture has a colour of its own: in CI's S3 pass every test
 * server shares one bucket, and no other test's rendition may have the same bytes as one removed here.
 */

/** A JPEG of one random colour: its renditions' bytes are this test's alone. */
function pictureOf(width: number, height: number): Promise<Buffer> {
  const background = { r: randomInt(256), g: randomInt(256), b: randomInt(256) };
  return sharp({ create: { width, height, channels: 3, background } })
    .jpeg()
    .toBuffer();
}

type Picture = { id: string; name: string };

let api: TestServer;
let editor: { token: string };
let admin: string;
let blobStore: BlobStore;

beforeAll(async () => {
  ({ api, user: editor } = await startTestServerWithUser('EDITOR', {
    env: { RENDITION_CLEANUP_GRACE_SECONDS: '1' },
  }));
  admin = await api.adminToken();
  blobStore = await openBlobStore(api.server.config.storage, pino({ level: 'silent' }));
});
afterAll(async () => {
  await blobStore?.close();
  await api.close();
});

async function uploaded(name: string, content: Uint8Array): Promise<Picture> {
  const asset = await uploadAs(api, editor.token, { name, content, input: { folderPath: '/cleanup' } });
  await untilUploaded(api, editor.token, asset.id);
  await untilRendered(api, editor.token, asset.id);
  return asset;
}

async function graphql(query: string, variables: Record<string, unknown>, token = editor.token) {
  const result = await api.graphql(query, variables, { token });
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  return result.data;
}

const remove = (asset: Picture) => graphql('mutation($id: ID!) { deleteAsset(id: $id) { id } }', { id: asset.id });
const restore = (asset: Picture) => graphql('mutation($id: ID!) { restoreAsset(id: $id) { id } }', { id: asset.id });

async function shaOf(asset: Picture): Promise<string> {
  const [row] = await api.sql('select sha256 from assets where id = ?', [asset.id]);
  return String(row?.sha256);
}

async function renditionKeysOf(sha256: string): Promise<string[]> {
  const rows = await api.sql('select blob_key from renditions where source_sha256 = ? and blob_key is not null', [
    sha256,
  ]);
  return rows.map((row) => String(row.blob_key));
}

async function isStored(key: string): Promise<boolean> {
  try {
    (await blobStore.get(key)).destroy();
    return true;
  } catch (error) {
    if (error instanceof MissingBlob) return false;
    throw error;
  }
}

async function storedOf(keys: string[]): Promise<string[]> {
  const stored: string[] = [];
  for (const key of keys) if (await isStored(key)) stored.push(key);
  return stored;
}

/** Resolves once the file has no rendition rows left. */
function untilNoRenditions(sha256: string): Promise<true> {
  return eventually(async () => ((await renditionKeysOf(sha256)).length === 0 ? true : undefined), 30_000);
}

/** Resolves once none of the keys is in the store. */
function untilRemoved(keys: string[]): Promise<true> {
  return eventually(async () => ((await storedOf(keys)).length === 0 ? true : undefined), 30_000);
}

async function statusAt(path: string, token: string | null = editor.token): Promise<number> {
  const response = await fetch(`${api.url}${path}`, { headers: token ? bearer(token) : {} });
  await response.arrayBuffer();
  return response.status;
}

describe('two assets with identical files, with a preset, a box and a watermarked preview made', () => {
  let first: Picture;
  let second: Picture;
  let sha256: string;
  let keys: string[];
  let presetId: string;
  let key: string;

  const urlsOf = (asset: Picture) =>
    [
      [`/thumbnail/${asset.id}/*/twin.jpg`, editor.token],
      [`/preview/${asset.id}/*/twin.jpg?size=100`, editor.token],
      [`/preview/${asset.id}/*/twin.jpg?downloadPresetId=${presetId}`, editor.token],
      [`/preview/${asset.id}/*/twin.jpg?authKey=${key}`, null],
    ] as const;

  beforeAll(async () => {
    const bytes = await pictureOf(801, 600);
    first = await uploaded('twin.jpg', bytes);
    second = await uploaded('twin.jpg', bytes);
    sha256 = await shaOf(first);
    const preset = await graphql(
      'mutation($input: CreateDownloadPresetInput!) { createDownloadPreset(input: $input) { id } }',
      { input: { name: 'cleanup webp', width: 300, height: 300, format: 'webp' } },
      admin,
    );
    presetId = preset?.createDownloadPreset.id;
    const validUntil = new Date(Date.now() + 86_400_000).toISOString();
    const authKey = await graphql('mutation($input: CreateAuthKeyInput!) { createAuthKey(input: $input) { key } }', {
      input: {
        subject: 'marked',
        validUntil,
        assetIds: [first.id, second.id],
        downloadPreview: true,
        watermarked: true,
      },
    });
    key = authKey?.createAuthKey.key;
    for (const [path, token] of urlsOf(first)) expect(await statusAt(path, token)).toBe(200);
    keys = await renditionKeysOf(sha256);
  });

  it('share five renditions, each its own blob', () => {
    expect(new Set(keys).size).toBe(5);
  });

  it('keep them all, served, when one of the assets is deleted', async () => {
    await remove(first);
    // Another file's renditions going shows that a cleanup pass ran after the delete.
    const witness = await uploaded('witness.jpg', await pictureOf(600, 900));
    const witnessSha = await shaOf(witness);
    await remove(witness);
    await untilNoRenditions(witnessSha);
    expect((await renditionKeysOf(sha256)).sort()).toEqual([...keys].sort());
    expect((await storedOf(keys)).sort()).toEqual([...keys].sort());
    for (const [path, token] of urlsOf(second)) expect(await statusAt(path, token)).toBe(200);
  });

  it('remove every one of them, rows and blobs, once the other is deleted too', async () => {
    await remove(second);
    await untilNoRenditions(sha256);
    await untilRemoved(keys);
  });

  it('keep the original file, which a restore needs', async () => {
    expect(await isStored(sha256)).toBe(true);
  });

  it('make the renditions again when an asset is restored', async () => {
    await restore(second);
    const [thumbnail] = await untilRendered(api, editor.token, second.id);
    expect(thumbnail?.state).toBe('READY');
    expect(await statusAt(`/thumbnail/${second.id}/*/twin.jpg`)).toBe(200);
  });
});

describe('an asset given a new file', () => {
  it('loses the renditions of its previous file, which no other asset holds', async () => {
    const changing = await uploaded('changing.jpg', await pictureOf(700, 300));
    const before = await shaOf(changing);
    const keys = await renditionKeysOf(before);
    const result = await api.upload(
      'mutation($id: ID!, $file: Upload!) { replaceAssetFile(id: $id, file: $file) { id } }',
      { id: changing.id },
      { name: 'changing.jpg', content: await pictureOf(300, 700) },
      { token: editor.token },
    );
    expect(result.errors).toBeUndefined();
    await untilNoRenditions(before);
    await untilRemoved(keys);
  });
});

describe("a rendition whose bytes are another asset's original", () => {
  it('keeps that blob when the rendition goes, and the other asset downloads whole', async () => {
    const source = await uploaded('source.jpg', await pictureOf(900, 500));
    const response = await fetch(`${api.url}/thumbnail/${source.id}/*/source.jpg`, { headers: bearer(editor.token) });
    const thumbnail = Buffer.from(await response.arrayBuffer());
    const copy = await uploadAs(api, editor.token, {
      name: 'thumb-copy.jpg',
      content: thumbnail,
      input: { folderPath: '/cleanup' },
    });
    await untilUploaded(api, editor.token, copy.id);
    const sourceSha = await shaOf(source);
    const copySha = await shaOf(copy);
    const others = (await renditionKeysOf(sourceSha)).filter((blob) => blob !== copySha);
    expect(others.length).toBeGreaterThan(0);
    await remove(source);
    await untilNoRenditions(sourceSha);
    // The preview's blob going shows that a cleanup pass has looked at the file's blobs.
    await untilRemoved(others);
    expect(await isStored(copySha)).toBe(true);
    const download = await fetch(`${api.url}/file/${copy.id}/*/thumb-copy.jpg`, { headers: bearer(editor.token) });
    expect(Buffer.from(await download.arrayBuffer()).equals(thumbnail)).toBe(true);
  });
});

describe('after all of the above', () => {
  it('no row points at a blob the store does not hold', async () => {
    const rows = await api.sql(
      'select blob_key from assets union select blob_key from asset_versions union select blob_key from renditions where blob_key is not null',
    );
    const keys = rows.map((row) => String(row.blob_key));
    expect(await storedOf(keys)).toEqual(keys);
  });
});
