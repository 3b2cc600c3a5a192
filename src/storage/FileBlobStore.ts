import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { access, mkdir, open, readdir, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  type BlobStore,
  type ByteRange,
  checkBlobKey,
  MissingBlob,
  type PutOptions,
  type StagedBlob,
  stagedBlob,
} from './BlobStore.js';
import { openForSending, sendOpenFile } from './fileSending.js';
import { HashingCounter } from './HashingCounter.js';

/** A temporary file not written to for this long was left by a process that stopped. */
const ABANDONED_AFTER_MS = 60 * 60 * 1000;

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
    await mkdir(store.tmpDir, { recursive: true });
    // What is in .tmp was being written when a process stopped, and belongs to no row. Only old files go:
    // another instance sharing this folder may be writing the newer ones right now.
    const cutoff = Date.now() - ABANDONED_AFTER_MS;
    for (const name of await readdir(store.tmpDir)) {
      const path = join(store.tmpDir, name);
      const stats = await stat(path).catch(() => null);
      if (stats && stats.mtimeMs < cutoff) await rm(path, { recursive: true, force: true });
    }
    return store;
  }

  describe(): string {
    return `filesystem at ${this.root}`;
  }

  /** Files hold nothing open between calls. */
  async close(): Promise<void> {}

  async stage(source: Readable, { maxBytes }: PutOptions): Promise<StagedBlob> {
    const tmpPath = join(this.tmpDir, randomBytes(12).toString('hex'));
    const removeTmp = () => unlink(tmpPath).catch(() => {});
    const counter = new HashingCounter(maxBytes);
    try {
      await pipeline(source, counter, createWriteStream(tmpPath, { flags: 'wx' }));
      await syncFile(tmpPath);
    } catch (error) {
      await removeTmp();
      throw error;
    }
    const { md5, sha256 } = counter.digests();
    const blob = { key: sha256, size: counter.bytesPassed, md5, sha256 };
    const moveIntoPlace = async () => {
      const finalPath = this.pathOf(sha256);
      try {
        await mkdir(join(finalPath, '..'), { recursive: true });
        // Same bytes, same key: renaming over an existing blob replaces it with identical content.
        await rename(tmpPath, finalPath);
      } catch (error) {
        await removeTmp();
        throw error;
      }
    };
    return stagedBlob(blob, counter.head(), moveIntoPlace, removeTmp);
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    const path = this.pathOf(key);
    await access(path).catch((error: NodeJS.ErrnoException) => {
      throw error.code === 'ENOENT' ? new MissingBlob(key) : error;
    });
    return range ? createReadStream(path, { start: range.start, end: range.end }) : createReadStream(path);
  }

  async writeTo(key: string, destination: Writable, range?: ByteRange): Promise<void> {
    const fd = await openForSending(this.pathOf(key)).catch((error: NodeJS.ErrnoException) => {
      throw error.code === 'ENOENT' ? new MissingBlob(key) : error;
    });
    await sendOpenFile(fd, destination, range);
  }

  async checkWritable(): Promise<void> {
    const probe = join(this.tmpDir, `ready-${randomBytes(6).toString('hex')}`);
    await writeFile(probe, 'ok');
    await unlink(probe);
  }

  private pathOf(key: string): string {
    checkBlobKey(key);
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
