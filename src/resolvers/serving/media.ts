import { verifyDraftToken } from '../../auth/draftTokens.js';
import type { RequestContext } from '../../context.js';
import { extensionOf } from '../../db/assetDomain.js';
import { Asset } from '../../db/entities/Asset.js';
import { AssetVersion } from '../../db/entities/AssetVersion.js';
import { Gone } from '../../errors.js';
import { isWellFormedId } from '../../ids.js';
import { publicPathOf } from '../folders/paths.js';
import { assetPolicy } from '../policy/access.js';
import { isServable } from '../policy/servability.js';
import { sharedLinkOpens } from '../policy/sharing.js';
import { hasAccessLimits } from '../policy/visibility.js';

/** A request for an asset's bytes, as the media surface saw it. */
export interface MediaRequest {
  target: { kind: 'media'; id: string; filename: string } | { kind: 'whitehall'; legacyPath: string };
  /** host[:port] the client asked (X-Forwarded-Host first). */
  host: string;
  scheme: string;
  path: string;
  /** The query string with its `?`, or ''. */
  search: string;
  /** A draft-access JWT from ?token= or the auth_bypass_token cookie. */
  draftToken: string | undefined;
  /** A shared link's key from ?authKey=. */
  authKey: string | undefined;
}

export type MediaDecision =
  | { type: 'not-found' }
  | { type: 'redirect'; status: 301 | 302; location: string; cacheControl?: string }
  | { type: 'unauthenticated' }
  | { type: 'forbidden' }
  | {
      type: 'serve';
      asset: Asset;
      cacheControl: string;
      etag: string;
      lastModified: Date;
      link: string | null;
    };

const LIVE_CACHE = 'max-age=1800, public';
const PLACEHOLDER_CACHE = 'max-age=60, public';
const MAX_REPLACEMENT_HOPS = 10;
/** GOV.UK's `image?`, which picks the Whitehall placeholder (reference section 4, "Derived values"). */
const IMAGE_EXTENSIONS = new Set(['jpg', 'jpeg', 'png', 'gif']);

function liveHostOf(ctx: RequestContext): string {
  return new URL(ctx.config.publicUrl).host;
}

async function loadTarget(ctx: RequestContext, target: MediaRequest['target']): Promise<Asset | null> {
  if (target.kind === 'media') return isWellFormedId(target.id) ? ctx.loaders.assetById.load(target.id) : null;
  // Deleted assets count too, and the one changed last wins (GOV.UK's WhitehallAsset.from_params).
  return ctx.em.findOne(Asset, { legacyUrlPath: target.legacyPath }, { orderBy: { modifiedAt: 'desc' } });
}

/**
 * The last asset of the replacement chain that this host may redirect to, or null. GOV.UK repoints a chain
 * to its latest live asset when it is saved; following the chain here gives the same answer. A draft is
 * not redirected to from the live host, but a live asset after it is.
 */
async function replacementToRedirectTo(ctx: RequestContext, asset: Asset, onDraftHost: boolean): Promise<Asset | null> {
  let current = asset;
  let target: Asset | null = null;
  for (let hop = 0; hop < MAX_REPLACEMENT_HOPS && current.replacement; hop++) {
    const next = await ctx.loaders.assetById.load(current.replacement.id);
    if (!next || next.id === asset.id) break;
    current = next;
    if (!next.draft || onDraftHost) target = next;
  }
  return target;
}

/** GOV.UK's draft-host checks (reference section 2): a token, a shared link, or a user the limits allow. */
async function accessOnDraftHost(
  ctx: RequestContext,
  request: MediaRequest,
  asset: Asset,
): Promise<'allowed' | 'unauthenticated' | 'forbidden'> {
  const grant = await verifyDraftToken(request.draftToken, ctx.config.jwtAuthSecret);
  if (grant?.sub && asset.authBypassIds.includes(grant.sub)) return 'allowed';
  if (grant?.draftAccess && !hasAccessLimits(asset)) return 'allowed';
  // A media URL serves the original.
  if (await sharedLinkOpens(ctx, request.authKey, asset, 'original')) return 'allowed';
  if (!ctx.viewer) return 'unauthenticated';
  return assetPolicy.canRead(ctx.viewer, asset) ? 'allowed' : 'forbidden';
}

async function isCurrentOrEarlierName(ctx: RequestContext, asset: Asset, filename: string): Promise<boolean> {
  if (filename === asset.name) return true;
  return (await ctx.em.count(AssetVersion, { asset: asset.id, name: filename })) > 0;
}

function absoluteOn(request: MediaRequest, url: string): string {
  return url.startsWith('/') && !url.startsWith('//') ? `${request.scheme}://${request.host}${url}` : url;
}

/**
 * What to answer a request for an asset's bytes, in GOV.UK Asset Manager's order (reference section 5):
 * unknown, deleted (thrown as Gone), replaced, draft on the live host, access, not yet servable, an earlier
 * filename, redirect_url, (Whitehall) placeholder, and only then the bytes.
 */
export async function decideMedia(ctx: RequestContext, request: MediaRequest): Promise<MediaDecision> {
  const draftHost = ctx.config.draftAssetsHost;
  const onDraftHost = draftHost !== undefined && request.host.toLowerCase() === draftHost;
  const asset = await loadTarget(ctx, request.target);
  if (!asset) return onDraftHost && !ctx.viewer ? { type: 'unauthenticated' } : { type: 'not-found' };
  if (asset.deletedAt) throw new Gone(`Asset ${asset.id} is deleted`);

  const replacement = await replacementToRedirectTo(ctx, asset, onDraftHost);
  if (replacement) {
    const host = replacement.draft && draftHost ? draftHost : liveHostOf(ctx);
    return {
      type: 'redirect',
      status: 301,
      location: `//${host}${publicPathOf(replacement)}`,
      cacheControl: LIVE_CACHE,
    };
  }
  if (asset.draft && draftHost && !onDraftHost) {
    return {
      type: 'redirect',
      status: 302,
      location: `${request.scheme}://${draftHost}${request.path}${request.search}`,
    };
  }
  // Without a draft host configured, drafts get the draft host's checks wherever they are asked for.
  const privateRequest = onDraftHost || (asset.draft && !draftHost);
  if (privateRequest) {
    const access = await accessOnDraftHost(ctx, request, asset);
    if (access !== 'allowed') return { type: access };
  }

  if (request.target.kind === 'media') {
    if (!(await isCurrentOrEarlierName(ctx, asset, request.target.filename)) || !isServable(asset)) {
      return { type: 'not-found' };
    }
    if (request.target.filename !== asset.name) {
      return { type: 'redirect', status: 302, location: publicPathOf(asset) };
    }
  } else if (asset.state === 'INFECTED') {
    return { type: 'not-found' };
  }
  if (asset.redirectUrl) return { type: 'redirect', status: 302, location: absoluteOn(request, asset.redirectUrl) };
  if (!isServable(asset)) {
    // Only a Whitehall asset gets here unscanned: it points at a placeholder until its scan passes.
    const placeholder = IMAGE_EXTENSIONS.has(extensionOf(asset.name))
      ? '/asset-manager/thumbnail-placeholder.png'
      : '/government/placeholder';
    return { type: 'redirect', status: 302, location: placeholder, cacheControl: PLACEHOLDER_CACHE };
  }

  const storedAt = asset.fileStoredAt ?? asset.modifiedAt;
  return {
    type: 'serve',
    asset,
    cacheControl: privateRequest ? 'no-cache' : LIVE_CACHE,
    // GOV.UK's form: the file's time in seconds and its size, both in hex.
    etag: asset.legacyEtag ?? `${Math.floor(storedAt.getTime() / 1000).toString(16)}-${asset.size.toString(16)}`,
    lastModified: asset.legacyLastModified ?? storedAt,
    link: asset.parentDocumentUrl ?? null,
  };
}
