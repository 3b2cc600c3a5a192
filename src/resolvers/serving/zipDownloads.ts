import type { RequestContext } from '../../context.js';
import type { Asset } from '../../db/entities/Asset.js';
import { BadInput, NotFound } from '../../errors.js';
import { numberedName } from '../assets/assetNaming.js';
import { idsMatching, MAX_QUERY_HITS } from '../bulk/queryTargets.js';
import { findFolder } from '../folders/folders.js';
import { checkedFolderPath } from '../folders/paths.js';
import { requireViewer } from '../policy/access.js';
import { fieldIs } from '../search/queryTerms.js';
import { checkedQuery } from '../search/searchAssets.js';
import { ANCESTOR_PATHS } from '../search/searchFields.js';
import { downloadableFile } from './downloads.js';
import { hasPreview } from './previews.js';

export interface ZipSelection {
  query?: string | null | undefined;
  ids?: readonly string[] | null | undefined;
  folderPath?: string | null | undefined;
}

/** What goes into the zip of each asset: its original, or its preview (only assets that have one). */
export type ZipKind = 'original' | 'preview';

export interface ZipEntry {
  /** The name in the zip: the asset's, made unique within the zip. */
  name: string;
  blobKey: string;
  size: number;
  modifiedAt: Date;
}

/** The assets a zip is asked for: by query, by ids or by folder (with the folders below it); one of them. */
async function selectedIds(ctx: RequestContext, selection: ZipSelection): Promise<string[]> {
  const { query, ids, folderPath } = selection;
  const given = [query != null, Boolean(ids?.length), Boolean(folderPath)].filter(Boolean).length;
  if (given !== 1) throw new BadInput('Say what to zip with exactly one of assetIds, q or folderPath');
  if (query != null) {
    return idsMatching(ctx, await checkedQuery(ctx, query));
  }
  if (ids?.length) {
    if (ids.length > MAX_QUERY_HITS) throw new BadInput(`A zip holds at most ${MAX_QUERY_HITS} assets`);
    return [...new Set(ids)];
  }
  const path = checkedFolderPath(folderPath as string);
  if (!(await findFolder(ctx.em, path))) throw new NotFound(`No folder ${path}`);
  return idsMatching(ctx, fieldIs(ANCESTOR_PATHS, path));
}

/** `name`, or `stem-1.ext`, `stem-2.ext` ... when the zip has that name already (names compared ignoring case). */
function uniqueName(name: string, taken: Set<string>): string {
  let candidate = name;
  for (let n = 1; taken.has(candidate.toLowerCase()); n++) candidate = numberedName(name, n);
  taken.add(candidate.toLowerCase());
  return candidate;
}

/**
 * The files of a zip download (WoodWing's /zip), decided before a byte is sent. Assets named by id must be
 * downloadable (a file not scanned yet is a CONFLICT, as a single download is); of those a query or a
 * folder finds, only the downloadable ones go in. Previews: until renditions exist, an image is its own.
 */
export async function zipEntries(ctx: RequestContext, selection: ZipSelection, kind: ZipKind): Promise<ZipEntry[]> {
  requireViewer(ctx);
  const byId = Boolean(selection.ids?.length);
  const { maxFiles, maxBytes } = ctx.config.zipLimits;
  const ids = await selectedIds(ctx, selection);
  if (ids.length > maxFiles) {
    throw new BadInput(`A zip may hold at most ${maxFiles} files (ZIP_MAX_FILES); this one would hold ${ids.length}`);
  }
  // All at once, so that the asset loader reads them in batches.
  const found = await Promise.all(
    ids.map((id) => (byId ? downloadableFile(ctx, id) : downloadableFile(ctx, id).catch(() => null))),
  );
  const assets = found.filter((asset): asset is Asset => asset !== null && (kind === 'original' || hasPreview(asset)));
  if (assets.length === 0)
    throw new NotFound(`None of the assets asked for has ${kind === 'original' ? 'a file' : 'a preview'} to zip`);
  const bytes = assets.reduce((sum, asset) => sum + asset.size, 0);
  if (bytes > maxBytes) {
    const mib = (size: number) => Math.ceil(size / 1024 / 1024);
    throw new BadInput(
      `A zip may hold at most ${mib(maxBytes)} MiB (ZIP_MAX_MB); this one would hold ${mib(bytes)} MiB`,
    );
  }
  const taken = new Set<string>();
  return assets.map((asset) => ({
    name: uniqueName(asset.name, taken),
    blobKey: asset.blobKey,
    size: asset.size,
    modifiedAt: asset.modifiedAt,
  }));
}
