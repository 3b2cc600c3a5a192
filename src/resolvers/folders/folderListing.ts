import type { RequestContext } from '../../context.js';
import type { AssetView } from '../../db/entities/Asset.js';
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
  /** The assets directly inside that the viewer may see, by name: every one of them, however many. */
  assets: AssetView[];
}

/** Search's largest page. */
const PAGE = 500;

async function assetsIn(ctx: RequestContext, folderPath: string, extensions: readonly string[] | null) {
  if (extensions?.length === 0) return [];
  const query = extensions ? anyOf(extensions.map((extension) => fieldIs('extension', extension))) : null;
  const assets: AssetView[] = [];
  for (let offset = 0, more = true; more; offset += PAGE) {
    const page = await searchAssets(ctx, { query, folderPath, sort: 'name-asc' }, { offset, limit: PAGE });
    assets.push(...page.assets);
    more = page.hasNextPage;
  }
  return assets;
}

/** What is directly in a folder (WoodWing's browse): its child folders and its assets, as asked. */
export async function listFolder(
  ctx: RequestContext,
  rawPath: string,
  options: FolderListingOptions,
): Promise<FolderListing> {
  requireViewer(ctx);
  const path = checkedFolderPath(rawPath);
  return {
    folders: options.folders ? await childFolders(ctx, path) : [],
    assets: options.assets ? await assetsIn(ctx, path, options.extensions) : [],
  };
}
