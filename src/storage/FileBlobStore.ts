import { createHash, randomBytes } from 'node:crypto';
import { close, createReadStream, createWriteStream, fstatSync, read, type Stats } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline as pipelineStreams, type Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Logger } from 'pino';
import {
  asStorageFull,
  type BlobRef,
  type BlobStore,
  type ByteRange,
  checkBlobKey,
  DamagedBlob,
  MissingBlob,
  type PutOptions,
  type StagedBlob,
  stagedBlob,
} from './BlobStore.js';
import { openForSending, sendOpenFile } from './fileSending.js';
import { HashingCounter } from './HashingCounter.js';
import { RecentVerdicts } from './recentVerdicts.js';
import { StagingsInProgress } from './StagingsInProgress.js';
import { isLeftBehind, newStagingName } from './stagingNames.js';
import { VerifyingStream } from './verifyingStream.js';

const BLOB_FILE = /^[0-9a-f]{64}$/;

/** What changes when a file's bytes are changed in place, truncated or replaced. */
const sameFile = (a: Stats, b: Stats) =>
  a.ino === b.ino && a.dev === b.dev && a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs;

/**
 * Blobs as files under one folder, at `<2 hex>/<2 hex>/<sha256>`. A write goes to `.tmp/` first and is
 * renamed into place once complete and synced, so a crash or an aborted upload leaves no half file.
 */
export class FileBlobStore implements BlobStore {
  private readonly tmpDir: string;
  private readonly verdicts = new RecentVerdicts<Stats>(sameFile);
  private readonly stagings = new StagingsInProgress();

  private constructor(private readonly root: string) {
    this.tmpDir = join(root, '.tmp');
  }

  /** Opens the folder and removes what stopped processes left in its staging area. */
  static async open(root: string, log?: Logger): Promise<FileBlobStore> {
    const store = new FileBlobStore(root);
    await mkdir(store.tmpDir, { recursive: true });
    // What is in .tmp belongs to no row. Another instance sharing this folder may be writing some of it
    // right now: only what a stopped process left goes (see isLeftBehind).
    let leftoversRemoved = 0;
    for (const name of await readdir(store.tmpDir)) {
      const path = join(store.tmpDir, name);
      const stats = await stat(path).catch(() => null);
      if (stats && isLeftBehind(name, stats.mtimeMs)) {
        await rm(path, { recursive: true, force: true });
        leftoversRemoved++;
      }
    }
    if (leftoversRemoved > 0) log?.info({ leftoversRemoved }, 'removed the leftovers of interrupted uploads');
    return store;
  }

  describe(): string {
    return `filesystem at ${this.root}`;
  }

  /** Files hold nothing open between calls; an upload being staged is let finish (or fail and clean up). */
  async close(): Promise<void> {
    await this.stagings.settled();
  }

  stage(source: Readable, options: PutOptions): Promise<StagedBlob> {
    return this.stagings.track(this.stageFile(source, options));
  }

  private async stageFile(source: Readable, { maxBytes }: PutOptions): Promise<StagedBlob> {
    const tmpPath = join(this.tmpDir, newStagingName());
    const removeTmp = () => unlink(tmpPath).catch(() => {});
    const counter = new HashingCounter(maxBytes);
    try {
      await pipeline(source, counter, createWriteStream(tmpPath, { flags: 'wx' }));
      await syncFile(tmpPath);
    } catch (error) {
      await removeTmp();
      throw asStorageFull(error);
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
        throw asStorageFull(error);
      }
      // Its bytes were hashed as they were written: its first read (the scan, a download) need not hash them.
      const stats = await stat(finalPath).catch(() => null);
      if (stats) this.verdicts.record(sha256, stats, true);
    };
    return stagedBlob(blob, counter.head(), moveIntoPlace, removeTmp);
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    const { fd, stats, intact } = await this.openChecked(key);
    const read = (fd: number) => createReadStream('', { fd, ...range });
    if (intact) return read(fd);
    if (range) {
      await this.hashWhole(key, fd, stats);
      return read(fd);
    }
    const verdict = (good: boolean) => this.verdicts.record(key, stats, good);
    // pipeline: a reader that stops early destroys the file stream too, and the file is closed.
    return pipelineStreams(read(fd), new VerifyingStream(key, verdict), () => {});
  }

  async writeTo({ key, size }: BlobRef, destination: Writable, range?: ByteRange): Promise<void> {
    const { fd, stats, intact } = await this.openChecked(key, size);
    if (intact) return sendOpenFile(fd, destination, range);
    if (range) {
      await this.hashWhole(key, fd, stats);
      return sendOpenFile(fd, destination, range);
    }
    // Not hashed since this process started, or changed since: hashed as it goes out, the last chunk held.
    await sendOpenFile(fd, destination, undefined, {
      key,
      size,
      onVerdict: (good) => this.verdicts.record(key, stats, good),
    });
  }

  /**
   * Opens the blob's file: MissingBlob when there is none, DamagedBlob (the file closed) when its size is not
   * `size` or it hashed damaged as it is now. `intact`: it hashed intact as it is now, and needs no new hash.
   */
  private async openChecked(key: string, size?: number): Promise<{ fd: number; stats: Stats; intact: boolean }> {
    const fd = await openForSending(this.pathOf(key)).catch((error: NodeJS.ErrnoException) => {
      throw error.code === 'ENOENT' ? new MissingBlob(key) : error;
    });
    // One fstat(2): cheap next to the read, and what tells a file changed since it was hashed.
    const stats = fstatSync(fd);
    const intact = this.verdicts.intact(key, stats);
    let problem: string | undefined;
    if (size !== undefined && stats.size !== size) problem = `${stats.size} bytes on disk, ${size} stored`;
    else if (intact === false) problem = 'its bytes do not hash to its key';
    if (problem) {
      close(fd, () => {});
      throw new DamagedBlob(key, problem);
    }
    return { fd, stats, intact: intact === true };
  }

  /** Hashes the whole open file before a range of it goes out; DamagedBlob (the file closed) when it is not its key's. */
  private async hashWhole(key: string, fd: number, stats: Stats): Promise<void> {
    const intact = (await hashOpenFile(fd)) === key;
    this.verdicts.record(key, stats, intact);
    if (!intact) {
      close(fd, () => {});
      throw new DamagedBlob(key, 'its bytes do not hash to its key');
    }
  }

  /**
   * The blob is first renamed into the staging area, atomically, so that nothing can store the same bytes
   * under its key unseen between the age check and the removal: a blob stored again just before the rename
   * is the fresh file (keep renames over the old one) and goes back; one stored just after is a new file
   * the removal never touches. A crash in between leaves a staging leftover, removed at the next start.
   */
  async removeUnlessRecent(key: string, recentMs: number): Promise<boolean> {
    const path = this.pathOf(key);
    const removing = join(this.tmpDir, newStagingName());
    try {
      await rename(path, removing);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
      throw error;
    }
    const stats = await stat(removing);
    if (stats.mtimeMs > Date.now() - recentMs) {
      await rename(removing, path);
      return false;
    }
    await unlink(removing);
    return true;
  }

  async *keys(): AsyncIterable<string> {
    const twoHex = /^[0-9a-f]{2}$/;
    const namesIn = (path: string) => readdir(path).catch(() => [] as string[]);
    for (const first of await namesIn(this.root)) {
      if (!twoHex.test(first)) continue;
      for (const second of await namesIn(join(this.root, first))) {
        if (!twoHex.test(second)) continue;
        for (const name of await namesIn(join(this.root, first, second))) {
          if (name.startsWith(first + second) && BLOB_FILE.test(name)) yield name;
        }
      }
    }
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

/** The sha256 of an open file's bytes, read from its start (the fd is left open). */
async function hashOpenFile(fd: number): Promise<string> {
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(1024 * 1024);
  for (let position = 0; ; ) {
    const bytesRead = await new Promise<number>((resolve, reject) =>
      read(fd, buffer, 0, buffer.length, position, (error, count) => (error ? reject(error) : resolve(count))),
    );
    if (bytesRead === 0) return hash.digest('hex');
    hash.update(buffer.subarray(0, bytesRead));
    position += bytesRead;
  }
}
