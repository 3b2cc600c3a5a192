import type { RequestContext } from '../../context.js';
import type { AssetView } from '../../db/entities/Asset.js';
import { BadInput } from '../../errors.js';
import { requireViewer } from '../policy/access.js';
import { anyOf, fieldIs } from '../search/queryTerms.js';
import { searchAssets } from '../search/searchAssets.js';
import { childFolders, type FolderView } from './folders.js';
import { checkedFolderPath } from './paths.js';

export interface FolderListingOptions {
  folders: boolean;
  assets: boolean;
  /** Only the assets with one of these extensions (without the dot); null: every asset. */
  extensions: readonly string[] | null;
}

export interface FolderListing {
  /** The folders directly inside, by path. */
  folders: FolderView[];
  /** The assets directly inside that the viewer may see, by name. */
  assets: AssetView[];
}

/** Search's largest page. */
const PAGE = 500;

/** The assets in the folder, up to `max` of them and one more: that one tells the folder holds too many. */
async function assetsIn(ctx: RequestContext, folderPath: string, extensions: readonly string[] | null, max: number) {
  if (extensions?.length === 0 || max < 0) return [];
  const query = extensions ? anyOf(extensions.map((extension) => fieldIs('extension', extension))) : null;
  const assets: AssetView[] = [];
  for (let offset = 0, more = true; more && assets.length <= max; offset += PAGE) {
    const limit = Math.min(PAGE, max + 1 - assets.length);
    const page = await searchAssets(ctx, { query, folderPath, sort: 'name-asc' }, { offset, limit });
    assets.push(...page.assets);
    more = page.hasNextPage;
  }
  return assets;
}

/**
 * What is directly in a folder (WoodWing's browse): its child folders and its assets, as asked. Browse has
 * no paging, so a folder holding more than BROWSE_MAX_ENTRIES of what was asked for is refused rather than
 * answered in part: a client would take a part for the whole.
 */
export async function listFolder(
  ctx: RequestContext,
  rawPath: string,
  options: FolderListingOptions,
): Promise<FolderListing> {
  requireViewer(ctx);
  const path = checkedFolderPath(rawPath);
  const max = ctx.config.browseMaxEntries;
  const folders = options.folders ? await childFolders(ctx, path, { offset: 0, limit: max + 1 }) : [];
  const assets = options.assets ? await assetsIn(ctx, path, options.extensions, max - folders.length) : [];
  if (folders.length + assets.length > max) {
    throw new BadInput(
      `A browse answers at most ${max} entries (BROWSE_MAX_ENTRIES); ${path} holds more: leave out folders or assets (includeFolders, includeAssets, includeExtensions), or page with search`,
    );
  }
  return { folders, assets };
}
