import { createHash } from 'node:crypto';
import { constants, type ReadStream } from 'node:fs';
import { lstat, open, readdir, realpath, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';

/*
 * What `import DIR` finds under DIR. Files are read by the path they were found at, never followed out of
 * DIR: a symbolic link is resolved once and refused when its target lies outside; a link to a file inside is
 * imported under the link's own name; a link to a folder inside is not followed (that folder is imported
 * where it is, and a link back up would never end). Every open refuses a link put there since (O_NOFOLLOW).
 */

export interface TreeFile {
  /** Relative to DIR, with `/` between segments. */
  path: string;
  /** What is opened: the file itself, or the target of a link inside DIR. */
  source: string;
  size: number;
}

export interface TreeRefusal {
  path: string;
  reason: string;
  /** A refusal is a failure (a link leaving DIR); the rest are skipped (not regular files). */
  failed: boolean;
}

export interface Tree {
  files: TreeFile[];
  refused: TreeRefusal[];
}

const slashed = (path: string) => path.split(sep).join('/');

function isInside(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : `${root}${sep}`);
}

/** Every regular file under `root` (already a real path), in a stable order: names sorted at each level. */
export async function readTree(root: string): Promise<Tree> {
  const tree: Tree = { files: [], refused: [] };
  const walk = async (folder: string): Promise<void> => {
    const entries = (await readdir(folder, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const entry of entries) {
      const full = join(folder, entry.name);
      const path = slashed(relative(root, full));
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile()) tree.files.push({ path, source: full, size: (await lstat(full)).size });
      else if (entry.isSymbolicLink()) await addLink(tree, root, full, path);
      else tree.refused.push({ path, reason: 'not a regular file', failed: false });
    }
  };
  await walk(root);
  return tree;
}

async function addLink(tree: Tree, root: string, full: string, path: string): Promise<void> {
  const target = await realpath(full).catch(() => null);
  if (target === null) {
    tree.refused.push({ path, reason: 'a symbolic link to nothing', failed: false });
  } else if (!isInside(root, target)) {
    tree.refused.push({ path, reason: 'refused: a symbolic link leading out of DIR', failed: true });
  } else {
    const info = await stat(target);
    if (info.isFile()) tree.files.push({ path, source: target, size: info.size });
    else tree.refused.push({ path, reason: 'a symbolic link to a folder inside DIR (not followed)', failed: false });
  }
}

/** Opens a file of the tree for reading, refusing a symbolic link put in its place since the walk. */
export async function openTreeFile(file: TreeFile): Promise<ReadStream> {
  const handle = await open(file.source, constants.O_RDONLY | constants.O_NOFOLLOW);
  return handle.createReadStream({ highWaterMark: 256 * 1024 });
}

export async function sha256Of(file: TreeFile): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(await openTreeFile(file), hash);
  return hash.digest('hex');
}
