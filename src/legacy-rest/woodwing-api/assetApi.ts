import type { SignedFile } from '../../auth/urlSignatures.js';
import type { RequestContext } from '../../context.js';
import { BadInput } from '../../errors.js';
import type { RouteCall, RouteHandler } from '../../http/route.js';
import { findReadableAsset } from '../../resolvers/assets/assetLookups.js';
import { freeNameIn } from '../../resolvers/assets/assetNaming.js';
import { updateOrCheckIn } from '../../resolvers/assets/checkout.js';
import { createPlaceholder } from '../../resolvers/assets/collections.js';
import { checkedFilename } from '../../resolvers/assets/files.js';
import { checkedFolderPath } from '../../resolvers/folders/paths.js';
import { searchAssets } from '../../resolvers/search/searchAssets.js';
import { fileOfSignedUrl, signedUrlsFor } from '../../resolvers/serving/signedUrls.js';
import { readForm, readJsonBody } from '../formBody.js';
import { fileRoute, sendOriginal, sendRendition } from '../woodwing/fileRoutes.js';
import { hitOf } from '../woodwing/hits.js';
import { readWoodwingParams, WoodwingParams } from '../woodwing/params.js';
import { sendDomainError, sendWoodwingError } from '../woodwing/responses.js';
import { searchArgsOf } from '../woodwing/searchParams.js';
import { type ApiAnswer, apiRoute } from './apiRoute.js';

/** v2 search's page when the client names none (reference section 10). */
const DEFAULT_SIZE = '10';

/** A list sent as a JSON array or a comma-separated string. */
function listOf(value: unknown): string[] | undefined {
  const items = Array.isArray(value) ? value.map(String) : typeof value === 'string' ? value.split(',') : [];
  const list = items.map((item) => item.trim()).filter(Boolean);
  return list.length ? list : undefined;
}

async function bodyObject(call: RouteCall): Promise<Record<string, unknown>> {
  const body = (await readJsonBody(call.req, call.res)) ?? {};
  if (typeof body !== 'object' || Array.isArray(body) || body === null) {
    throw new BadInput('The body must be a JSON object, e.g. {"assetPath": "/Photos/sea.jpg", "metadata": {}}');
  }
  return body as Record<string, unknown>;
}

/**
 * `POST /api/asset` {assetPath, autoRename, metadata, metadataToReturn}: the asset's record, as /services/create
 * makes it without Filedata (a 0-byte file until one is uploaded), answered with its hit and its uploadUrl.
 */
async function createAsset(ctx: RequestContext, call: RouteCall): Promise<ApiAnswer> {
  const { assetPath, autoRename, metadata, metadataToReturn } = await bodyObject(call);
  if (typeof assetPath !== 'string' || !assetPath.includes('/')) {
    throw new BadInput('assetPath is required: the folder and name of the asset, e.g. /Photos/sea.jpg');
  }
  if (metadata !== undefined && (typeof metadata !== 'object' || Array.isArray(metadata))) {
    throw new BadInput('metadata must be a JSON object');
  }
  if (autoRename !== undefined && typeof autoRename !== 'boolean')
    throw new BadInput('autoRename must be true or false');
  const slash = assetPath.lastIndexOf('/');
  const folderPath = checkedFolderPath(assetPath.slice(0, slash) || '/');
  const name = await freeNameIn(ctx, folderPath, checkedFilename(assetPath.slice(slash + 1)), autoRename ?? true);
  const asset = await createPlaceholder(ctx, { folderPath, name, metadata: metadata ?? null });
  const hit = await hitOf(ctx, asset, { fields: listOf(metadataToReturn) });
  return { status: 200, body: { ...hit, uploadUrl: `${ctx.config.publicUrl}/api/asset/${asset.id}/original` } };
}

async function getAsset(ctx: RequestContext, { params, url }: RouteCall): Promise<ApiAnswer> {
  const asset = await findReadableAsset(ctx, params.id ?? '');
  return { status: 200, body: await hitOf(ctx, asset, { fields: listOf(url.searchParams.get('metadataToReturn')) }) };
}

/**
 * `PUT` or `POST /api/asset/<id>/original`, multipart with the file as `file`: the asset's new file, as
 * /services/update takes Filedata (a new version; checked in when the caller holds the checkout). Every file
 * is kept as a version here, so `createVersion` changes nothing.
 */
async function uploadOriginal(ctx: RequestContext, { req, res, params }: RouteCall): Promise<ApiAnswer> {
  const file = await readForm(ctx, req, res, 'file', () => {});
  if (!file) throw new BadInput('Send the file as the multipart part named file');
  const asset = await updateOrCheckIn(ctx, params.id ?? '', {}, file);
  return { status: 200, body: await hitOf(ctx, asset) };
}

/**
 * `GET` or `POST /api/asset/search` with q, from (0), size (10), sort, metadataToReturn, facets, in the query
 * or the body: /services/search's search, answered as v2 does, `{hits, total}`.
 */
async function searchAssetsV2(ctx: RequestContext, { req, res, url }: RouteCall): Promise<ApiAnswer> {
  const sent = await readWoodwingParams(ctx, req, res, url);
  const values = new Map<string, string[]>();
  for (const name of sent.names()) {
    const renamed = name === 'from' ? 'start' : name === 'size' ? 'num' : name;
    values.set(renamed, sent.all(name) ?? []);
  }
  if (!sent.string('size')) values.set('num', [DEFAULT_SIZE]);
  const { args, paging, fields } = searchArgsOf(new WoodwingParams(values, null, undefined));
  const page = await searchAssets(ctx, args, paging);
  const hits = await Promise.all(
    page.assets.map((asset) => hitOf(ctx, asset, { fields, relation: page.relations.get(asset.id) })),
  );
  return { status: 200, body: { hits, total: page.totalCount } };
}

/** `GET /api/asset/<ids>/signed-<file>-url?validFor=<seconds>`: `[{assetId, signedUrl}]`, one per asset. */
function signedUrlCall(file: SignedFile) {
  return async (ctx: RequestContext, { params, url }: RouteCall): Promise<ApiAnswer> => {
    const ids = listOf(params.id ?? '') ?? [];
    return { status: 200, body: await signedUrlsFor(ctx, ids, file, url.searchParams.get('validFor')) };
  };
}

/**
 * `GET /api/asset/<id>/original` (and /preview, /thumbnail): the file as /file/ and /preview/ serve it to a
 * logged-in user or a shared link's holder; with `expires` and `signature` from a signed-URL call, to anyone
 * until it expires.
 */
function downloadRoute(file: SignedFile): RouteHandler {
  const unsigned = fileRoute(file === 'original' ? 'file' : file);
  return async (call) => {
    const signature = call.url.searchParams.get('signature');
    if (signature === null) return unsigned(call);
    const { req, res, url } = call;
    const ctx = await call.context();
    try {
      const expires = url.searchParams.get('expires') ?? '';
      const signed = await fileOfSignedUrl(ctx, call.params.id ?? '', file, expires, signature);
      const disposition = url.searchParams.get('forceDownload') === 'true' ? 'attachment' : 'inline';
      if ('original' in signed) await sendOriginal(req, res, ctx, signed.original, disposition);
      else await sendRendition(req, res, ctx, signed.rendition, disposition);
    } catch (error) {
      if (!sendDomainError(res, error)) throw error;
    }
  };
}

/** Image renditions made to order are not made here (yet): said in WoodWing's error shape. */
const unsupportedRendition: RouteHandler = ({ res }) =>
  sendWoodwingError(
    res,
    501,
    'UnsupportedOperationException',
    'signed-image-rendition-url is not supported by asset-gateway: use signed-preview-url or signed-thumbnail-url',
  );

/** WoodWing's v2 asset API (reference section 10), translated onto the resolvers /services uses. */
export const assetApiRoutes = {
  create: apiRoute(createAsset),
  get: apiRoute(getAsset),
  upload: apiRoute(uploadOriginal),
  search: apiRoute(searchAssetsV2),
  original: downloadRoute('original'),
  preview: downloadRoute('preview'),
  thumbnail: downloadRoute('thumbnail'),
  signedOriginalUrl: apiRoute(signedUrlCall('original')),
  signedPreviewUrl: apiRoute(signedUrlCall('preview')),
  signedThumbnailUrl: apiRoute(signedUrlCall('thumbnail')),
  signedImageRenditionUrl: unsupportedRendition,
};
