import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A folder on a file system of its own, `bytes` large: filling it fills a disk, with ENOSPC, not a quota. */
export interface SmallDisk {
  path: string;
  /** tmpfs, or an ext4 image on a loop device where tmpfs cannot be mounted. */
  kind: 'tmpfs' | 'loop';
  remove(): Promise<void>;
}

/**
 * Mounts a small file system (root only, as in CI and on the engineers' machines): tmpfs first, else an ext4
 * image file on a loop device. Throws, saying why, when neither can be mounted: the full-disk tests need one.
 */
export async function mountSmallDisk(bytes: number): Promise<SmallDisk> {
  const base = await mkdtemp(join(tmpdir(), 'asset-gateway-disk-'));
  const path = join(base, 'mounted');
  await run('mkdir', [path]);
  const unmountAndRemove = async () => {
    await run('umount', [path]).catch(() => {});
    await rm(base, { recursive: true, force: true });
  };
  try {
    await run('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', path]);
    return { path, kind: 'tmpfs', remove: unmountAndRemove };
  } catch (tmpfsError) {
    const image = join(base, 'disk.img');
    try {
      await run('truncate', ['-s', String(bytes), image]);
      await run('mkfs.ext4', ['-q', '-F', '-m', '0', image]);
      await run('mount', ['-o', 'loop', image, path]);
      return { path, kind: 'loop', remove: unmountAndRemove };
    } catch (loopError) {
      await unmountAndRemove();
      throw new Error(
        `a small file system cannot be mounted here (run the tests as root): tmpfs: ${(tmpfsError as Error).message}; loop: ${(loopError as Error).message}`,
      );
    }
  }
}
