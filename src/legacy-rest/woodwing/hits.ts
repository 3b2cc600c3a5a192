import type { RequestContext } from '../../context.js';
import type { AssetView } from '../../db/entities/Asset.js';
import type { AssetRelation } from '../../db/entities/AssetRelation.js';
import { isRenderable } from '../../renditions/renditionSpecs.js';
import { assetPathOf } from '../../resolvers/folders/paths.js';
import { assetPolicy, folderAccess } from '../../resolvers/policy/access.js';

/** WoodWing's `{value, formatted}` for dates and sizes, formatted as it does: `2012-03-23 13:16:58 +0000`. */
function dateValue(date: Date) {
  const iso = date.toISOString();
  return { value: date.getTime(), formatted: `${iso.slice(0, 10)} ${iso.slice(11, 19)} +0000` };
}

function sizeValue(bytes: number) {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return { value: bytes, formatted: `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}` };
}

/**
 * The permission mask VPWUMERXCD (View, Preview, non-Watermarked, Use original, edit Metadata, Edit,
 * Rename, moVe, Create, Delete), a `-` for each right the viewer lacks (reference section 3).
 */
export function permissionsOf(ctx: RequestContext, asset: AssetView): string {
  return maskOf(ctx.viewer !== null && assetPolicy.canManage(ctx.viewer, asset));
}

/** The mask of a folder: whether the viewer may create, move, copy and remove folders. */
export function folderPermissionsOf(ctx: RequestContext): string {
  return maskOf(ctx.viewer !== null && folderAccess.canOrganize(ctx.viewer));
}

const maskOf = (changes: boolean) => `VPWU${changes ? 'MERXCD' : '------'}`;

async function metadataOf(ctx: RequestContext, asset: AssetView): Promise<Record<string, unknown>> {
  const username = async (user: { id: string } | null | undefined) =>
    user ? ((await ctx.loaders.userById.load(user.id))?.username ?? null) : null;
  const metadata: Record<string, unknown> = {
    ...asset.metadata,
    id: asset.id,
    filename: asset.name,
    name: asset.name,
    folderPath: asset.folderPath,
    assetPath: assetPathOf(asset.folderPath, asset.name),
    assetDomain: asset.assetDomain,
    extension: asset.extension,
    mimeType: asset.contentType.split(';')[0]?.trim(),
    fileSize: sizeValue(asset.size),
    assetCreated: dateValue(asset.createdAt),
    assetModified: dateValue(asset.modifiedAt),
    assetCreator: await username(asset.createdBy),
    assetModifier: await username(asset.modifiedBy),
    versionNumber: asset.versionNumber,
  };
  // While nobody holds a checkout, its fields are absent, not null (the Lehtinen client checks this).
  if (asset.checkedOutBy && asset.checkedOutAt) {
    metadata.checkedOut = dateValue(asset.checkedOutAt);
    metadata.checkedOutBy = await username(asset.checkedOutBy);
    metadata.checkedOutOnClient = asset.checkedOutOnClient;
  }
  return metadata;
}

/** `metadataToReturn`: only the fields named; undefined or `all` keeps every one. */
export function metadataToReturn(metadata: Record<string, unknown>, fields: string[] | undefined) {
  if (!fields || fields.includes('all')) return metadata;
  return Object.fromEntries(Object.entries(metadata).filter(([name]) => fields.includes(name)));
}

export interface HitOptions {
  /** `metadataToReturn`: the metadata fields to keep; undefined or `all` keeps every one. */
  fields?: string[] | undefined;
  relation?: AssetRelation | undefined;
}

/** A search hit as WoodWing's clients read it (reference section 3, "Hit shape"). */
export async function hitOf(ctx: RequestContext, asset: AssetView, options: HitOptions = {}) {
  const metadata = await metadataOf(ctx, asset);
  const relation = options.relation;
  const fileUrl = (kind: 'file' | 'preview' | 'thumbnail') =>
    `${ctx.config.publicUrl}/${kind}/${asset.id}/*/${encodeURIComponent(asset.name)}`;
  return {
    id: asset.id,
    permissions: permissionsOf(ctx, asset),
    metadata: metadataToReturn(metadata, options.fields),
    originalUrl: fileUrl('file'),
    // Only for files that get renditions (see isRenderable); a file sharp then cannot read answers 404.
    ...(isRenderable(asset.contentType) ? { previewUrl: fileUrl('preview'), thumbnailUrl: fileUrl('thumbnail') } : {}),
    ...(relation
      ? {
          relation: {
            relationId: relation.id,
            relationType: relation.relationType,
            target1Id: relation.target1.id,
            target2Id: relation.target2.id,
          },
        }
      : {}),
  };
}
