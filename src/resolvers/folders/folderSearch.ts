import type { RequestContext } from '../../context.js';
import { Folder } from '../../db/entities/Folder.js';
import { requireViewer } from '../policy/access.js';
import { parseQuery, type QueryNode } from '../search/queryParser.js';
import { type FolderView, folderViewOf } from './folders.js';
import { lastSegmentOf } from './folderTree.js';

/**
 * WoodWing's folder search (`/api/folder/search?q=name:postman`): the folders whose name, path or metadata
 * match a query of the search language. Folders are few beside assets and every viewer may see them all, so
 * the query is matched against the folder rows as read, not compiled to SQL.
 */
export async function searchFolders(
  ctx: RequestContext,
  query: string,
  page: { from: number; size: number },
): Promise<{ folders: FolderView[]; total: number }> {
  requireViewer(ctx);
  const condition = parseQuery(query);
  const rows = await ctx.em.find(Folder, { deletedAt: null }, { orderBy: { path: 'asc' } });
  const found = rows.map(folderViewOf).filter((folder) => matches(condition, folder));
  return { folders: found.slice(page.from, page.from + page.size), total: found.length };
}

function matches(node: QueryNode, folder: FolderView): boolean {
  switch (node.kind) {
    case 'all':
      return true;
    case 'and':
      return node.children.every((child) => matches(child, folder));
    case 'or':
      return node.children.some((child) => matches(child, folder));
    case 'not':
      return !matches(node.child, folder);
    case 'term': {
      const wanted = valueMatcher(node.value, node.phrase);
      return valuesOf(folder, node.field).some(wanted);
    }
    case 'range':
      return valuesOf(folder, node.field).some((value) => inRange(value, node));
  }
}

/** The values a field of a folder holds as text: its name, its path or a metadata field; every one for free text. */
function valuesOf(folder: FolderView, field: string | null): string[] {
  const name = lastSegmentOf(folder.path);
  switch (field) {
    case null:
      return [name, folder.path, ...Object.values(folder.metadata).flatMap(textsOf)];
    case 'id':
      return folder.id ? [folder.id] : [];
    case 'name':
    case 'filename':
      return [name];
    case 'path':
    case 'folderPath':
    case 'assetPath':
      return [folder.path];
    case 'ancestorPaths':
      return ancestorsOf(folder.path);
    default:
      return textsOf(folder.metadata[field]);
  }
}

function textsOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(textsOf);
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return [String(value)];
  return [];
}

function ancestorsOf(path: string): string[] {
  const segments = path.split('/').filter(Boolean);
  return ['/', ...segments.map((_, depth) => `/${segments.slice(0, depth + 1).join('/')}`)];
}

/**
 * As the asset search reads a value, case ignored: `*` and `?` are wildcards over the whole value or one of
 * its words; otherwise the value is the whole value or a run of its words ("postman" finds "Postman tests").
 */
function valueMatcher(raw: string, phrase: boolean): (value: string) => boolean {
  const wanted = raw.toLowerCase();
  if (!phrase && /[*?]/.test(wanted)) {
    const pattern = wanted
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replaceAll('*', '.*')
      .replaceAll('?', '.');
    const whole = new RegExp(`^${pattern}$`, 's');
    return (value) => whole.test(value.toLowerCase()) || wordsOf(value).some((word) => whole.test(word));
  }
  const wantedWords = ` ${wordsOf(wanted).join(' ')} `;
  return (value) => value.toLowerCase() === wanted || ` ${wordsOf(value).join(' ')} `.includes(wantedWords);
}

function wordsOf(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

function inRange(value: string, node: QueryNode & { kind: 'range' }): boolean {
  const compare = (bound: string) => {
    const [a, b] = [Number(value), Number(bound)];
    return Number.isNaN(a) || Number.isNaN(b) ? value.localeCompare(bound) : a - b;
  };
  if (node.from !== null && (node.includeFrom ? compare(node.from) < 0 : compare(node.from) <= 0)) return false;
  if (node.to !== null && (node.includeTo ? compare(node.to) > 0 : compare(node.to) >= 0)) return false;
  return true;
}
