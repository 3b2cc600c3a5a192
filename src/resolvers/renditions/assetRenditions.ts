import type { RequestContext } from '../../context.js';
import type { AssetView } from '../../db/entities/Asset.js';
import { Rendition, type RenditionState } from '../../db/entities/Rendition.js';
import { isRenderable, STANDARD_RENDITIONS, type StandardRendition } from '../../renditions/renditionSpecs.js';
import { isServable } from '../policy/servability.js';
import { linkAllows } from '../policy/sharing.js';

/** One standard rendition of an asset's current file as GraphQL shows it. */
export interface RenditionView {
  name: StandardRendition;
  state: RenditionState;
  url: string | null;
  contentType: string | null;
  width: number | null;
  height: number | null;
  size: number | null;
  reason: string | null;
}

/** The path of the asset's WoodWing file URL: `/file`, `/preview` or `/thumbnail`, its id, `*` and its name. */
export function woodwingFilePath(kind: 'file' | StandardRendition, asset: Pick<AssetView, 'id' | 'name'>): string {
  return `/${kind}/${asset.id}/*/${encodeURIComponent(asset.name)}`;
}

/**
 * The WoodWing URL that serves the asset's thumbnail or preview, or null for a file that gets none. A shared
 * link's holder gets the URL with the key when the link allows that rendition.
 */
export function renditionUrlOf(ctx: RequestContext, asset: AssetView, name: StandardRendition): string | null {
  if (!isRenderable(asset.contentType)) return null;
  const url = `${ctx.config.publicUrl}${woodwingFilePath(name, asset)}`;
  const shared = ctx.sharedLink;
  return !ctx.viewer && shared && linkAllows(shared.authKey, name)
    ? `${url}?authKey=${encodeURIComponent(shared.key)}`
    : url;
}

/** Where a download preset's rendition of the asset is served (rendered on first request), or null. */
export function presetUrlOf(ctx: RequestContext, asset: AssetView, presetId: string): string | null {
  const preview = renditionUrlOf(ctx, asset, 'preview');
  if (!preview) return null;
  const url = new URL(preview);
  url.searchParams.set('downloadPresetId', presetId);
  return url.toString();
}

/**
 * The thumbnail and preview of the asset's current file and where each stands: READY with its type and size,
 * PENDING while queued (a servable file without any is queued now), NONE with the reason. Empty for a file
 * of a type that gets none.
 */
export async function renditionsOf(ctx: RequestContext, asset: AssetView): Promise<RenditionView[]> {
  if (!isRenderable(asset.contentType)) return [];
  const names = Object.keys(STANDARD_RENDITIONS) as StandardRendition[];
  const rows = await ctx.em.find(
    Rendition,
    { sourceSha256: asset.sha256, variant: { $in: names } },
    { disableIdentityMap: true },
  );
  if (rows.length < names.length && isServable(asset)) await ctx.renditions.enqueue(ctx.em, asset);
  return names.map((name) => {
    const row = rows.find((candidate) => candidate.variant === name);
    const ready = row?.state === 'READY';
    return {
      name,
      state: row?.state ?? 'PENDING',
      url: ready ? renditionUrlOf(ctx, asset, name) : null,
      contentType: ready ? (row.contentType ?? null) : null,
      width: ready ? (row.width ?? null) : null,
      height: ready ? (row.height ?? null) : null,
      size: ready ? (row.size ?? null) : null,
      reason: row?.reason ?? null,
    };
  });
}
