import type { RequestContext } from '../../context.js';
import { BadInput, NotFound } from '../../errors.js';
import { extensionOf, type OutputFormat } from '../../renditions/renditionSpecs.js';
import { numberedName } from '../assets/assetNaming.js';
import { idsMatching, MAX_QUERY_HITS } from '../bulk/queryTargets.js';
import { findFolder } from '../folders/folders.js';
import { checkedFolderPath } from '../folders/paths.js';
import { requireViewer } from '../policy/access.js';
import { renditionOf } from '../renditions/renditionDownloads.js';
import { type RenditionRequest, resolveRendition } from '../renditions/renditionRequests.js';
import { fieldIs } from '../search/queryTerms.js';
import { checkedQuery } from '../search/searchAssets.js';
import { ANCESTOR_PATHS } from '../search/searchFields.js';
import { downloadableFile } from './downloads.js';

export interface ZipSelection {
  query?: string | null | undefined;
  ids?: readonly string[] | null | undefined;
  folderPath?: string | null | undefined;
}

/**
 * What goes into the zip of each asset: its original, or a rendition (only of assets that have one): the
 * preview, in its own format or one asked for (previewFormat), or a download preset's.
 */
export type ZipKind = { original: true } | { original: false; rendition: RenditionRequest; format?: string };

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
 * downloadable (a file not scanned yet, or a preview not made yet, is a CONFLICT, as a single download is);
 * of those a query or a folder finds, only the downloadable ones go in. A rendition made on request (a
 * preset's) is made now, one at a time.
 */
export async function zipEntries(ctx: RequestContext, selection: ZipSelection, kind: ZipKind): Promise<ZipEntry[]> {
  requireViewer(ctx);
  const byId = Boolean(selection.ids?.length);
  const { maxFiles, maxBytes } = ctx.config.zipLimits;
  const ids = await selectedIds(ctx, selection);
  if (ids.length > maxFiles) {
    throw new BadInput(`A zip may hold at most ${maxFiles} files (ZIP_MAX_FILES); this one would hold ${ids.length}`);
  }
  const spec = kind.original ? null : (await resolveRendition(ctx, kind.rendition)).spec;
  if (spec && kind.original === false && kind.format) spec.format = checkedFormat(kind.format);
  // All at once, so that the asset loader reads them in batches.
  const found = await Promise.all(
    ids.map((id) => (byId ? downloadableFile(ctx, id) : downloadableFile(ctx, id).catch(() => null))),
  );
  const taken = new Set<string>();
  const entries: ZipEntry[] = [];
  for (const asset of found) {
    if (!asset) continue;
    if (!spec) {
      entries.push({
        name: uniqueName(asset.name, taken),
        blobKey: asset.blobKey,
        size: asset.size,
        modifiedAt: asset.modifiedAt,
      });
      continue;
    }
    const rendition = await renditionOf(ctx, asset, spec).catch((error: unknown) => {
      if (error instanceof NotFound || !byId) return null;
      throw error;
    });
    if (!rendition) continue;
    const name = `${asset.name.replace(/\.[^.]*$/, '')}.${extensionOf(rendition.contentType)}`;
    entries.push({
      name: uniqueName(name, taken),
      blobKey: rendition.blobKey,
      size: rendition.size,
      modifiedAt: rendition.updatedAt,
    });
  }
  if (entries.length === 0)
    throw new NotFound(`None of the assets asked for has ${spec ? 'a rendition' : 'a file'} to zip`);
  const bytes = entries.reduce((sum, entry) => sum + entry.size, 0);
  if (bytes > maxBytes) {
    const mib = (size: number) => Math.ceil(size / 1024 / 1024);
    throw new BadInput(
      `A zip may hold at most ${mib(maxBytes)} MiB (ZIP_MAX_MB); this one would hold ${mib(bytes)} MiB`,
    );
  }
  return entries;
}

const ZIP_FORMATS: Record<string, OutputFormat> = { jpg: 'jpeg', jpeg: 'jpeg', png: 'png', webp: 'webp', avif: 'avif' };

function checkedFormat(format: string): OutputFormat {
  const checked = ZIP_FORMATS[format.toLowerCase()];
  if (!checked) throw new BadInput(`previewFormat is one of ${Object.keys(ZIP_FORMATS).join(', ')}`);
  return checked;
}
