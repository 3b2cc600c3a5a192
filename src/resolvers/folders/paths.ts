import { BadInput } from '../../errors.js';

const MAX_PATH_LENGTH = 2048;

/**
 * A folder path as stored: starts with `/`, no trailing `/` (except the root itself), no empty, `.` or `..`
 * segment and no control character. Paths never reach the filesystem, but they do reach every client.
 */
export function checkedFolderPath(raw: string): string {
  const path = raw.length > 1 ? raw.replace(/\/+$/, '') : raw;
  const problem = pathProblem(path);
  if (problem) throw new BadInput(`Invalid folderPath ${JSON.stringify(raw)}: ${problem}`);
  return path;
}

/** Why `path` is not a clean absolute path, or undefined when it is. */
export function pathProblem(path: string): string | undefined {
  if (!path.startsWith('/')) return 'it must start with "/"';
  if (path.length > MAX_PATH_LENGTH) return `it is longer than ${MAX_PATH_LENGTH} characters`;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused here
  if (/[\u0000-\u001f\u007f]/.test(path)) return 'it contains a control character';
  if (path === '/') return undefined;
  for (const segment of path.slice(1).split('/')) {
    if (segment === '') return 'it contains an empty segment ("//")';
    if (segment === '.' || segment === '..') return `it contains a "${segment}" segment`;
  }
  return undefined;
}

export function assetPathOf(folderPath: string, name: string): string {
  return folderPath === '/' ? `/${name}` : `${folderPath}/${name}`;
}

/** The path an asset's bytes are served at: its Whitehall legacy path, or /media/<id>/<name>; percent-encoded. */
export function publicPathOf(asset: { id: string; name: string; legacyUrlPath?: string | null }): string {
  return encodeURI(asset.legacyUrlPath ?? `/media/${asset.id}/${asset.name}`);
}
