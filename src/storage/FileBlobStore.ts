import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { access, mkdir, open, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PayloadTooLarge } from '../errors.js';
import { type BlobStore, type ByteRange, EmptyBlob, type PutOptions, type StoredBlob } from './BlobStore.js';

const KEY_PATTERN = /^[0-9a-f]{64}$/;

/**
 * Blobs as files under one folder, at `<2 hex>/<2 hex>/<sha256>`. A write goes to `.tmp/` first and is
 * renamed into place once complete and synced, so a crash or an aborted upload leaves no half file.
 */
export class FileBlobStore implements BlobStore {
  private readonly tmpDir: string;

  private constructor(private readonly root: string) {
    this.tmpDir = join(root, '.tmp');
  }

  static async open(root: string): Promise<FileBlobStore> {
    const store = new FileBlobStore(root);
    // Whatever is in .tmp was being written when the process stopped: it belongs to no row.
    await rm(store.tmpDir, { recursive: true, force: true });
    await mkdir(store.tmpDir, { recursive: true });
    return store;
  }

  describe(): string {
    return `filesystem at ${this.root}`;
  }

  async put(source: Readable, { maxBytes }: PutOptions): Promise<StoredBlob> {
    const tmpPath = join(this.tmpDir, randomBytes(12).toString('hex'));
    const md5 = createHash('md5');
    const sha256 = createHash('sha256');
    let size = 0;
    try {
      await pipeline(
        source,
        async function* hashWhilePassing(chunks: AsyncIterable<Buffer>) {
          for await (const chunk of chunks) {
            size += chunk.length;
            if (size > maxBytes) throw new PayloadTooLarge(`The file is larger than the limit of ${maxBytes} bytes`);
            md5.update(chunk);
            sha256.update(chunk);
            yield chunk;
          }
        },
        createWriteStream(tmpPath, { flags: 'wx' }),
      );
      if (size === 0) throw new EmptyBlob();
      await syncFile(tmpPath);
      const key = sha256.digest('hex');
      const finalPath = this.pathOf(key);
      await mkdir(join(finalPath, '..'), { recursive: true });
      // Same bytes, same key: renaming over an existing blob replaces it with identical content.
      await rename(tmpPath, finalPath);
      return { key, size, md5: md5.digest('hex'), sha256: key };
    } catch (error) {
      await unlink(tmpPath).catch(() => {});
      throw error;
    }
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    const path = this.pathOf(key);
    await access(path);
    return range ? createReadStream(path, { start: range.start, end: range.end }) : createReadStream(path);
  }

  async checkWritable(): Promise<void> {
    const probe = join(this.tmpDir, `ready-${randomBytes(6).toString('hex')}`);
    await writeFile(probe, 'ok');
    await unlink(probe);
  }

  private pathOf(key: string): string {
    if (!KEY_PATTERN.test(key)) throw new Error(`not a blob key: ${JSON.stringify(key)}`);
    return join(this.root, key.slice(0, 2), key.slice(2, 4), key);
  }
}

async function syncFile(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
