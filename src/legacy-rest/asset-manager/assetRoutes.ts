import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestContext } from '../../context.js';
import type { Asset } from '../../db/entities/Asset.js';
import { requestOrigin } from '../../http/requestOrigin.js';
import { declaredBodyTooLarge } from '../../http/uploadLimits.js';
import { isWellFormedId } from '../../ids.js';
import {
  assertMayUpload,
  deleteAsset,
  findManageableAsset,
  getManagedAsset,
  restoreAsset,
  updateAsset,
  uploadAsset,
} from '../../resolvers/assets/assets.js';
import { createWhitehallAsset } from '../../resolvers/assets/whitehallAssets.js';
import { AssetKeyMissing, assetFieldsOf, legacyFieldsOf, readAssetParams } from './assetParams.js';
import { presentAsset, type ResponseStatus } from './presenter.js';
import { NOT_FOUND, sendDomainError, sendEmpty, sendRailsJson } from './responses.js';

const ASSET_PATH = /^\/assets\/([^/]+)(\/restore)?$/;

function sendAsset(req: IncomingMessage, res: ServerResponse, ctx: RequestContext, status: number, asset: Asset) {
  const responseStatus: ResponseStatus = status === 201 ? 'created' : req.method === 'GET' ? 'ok' : 'success';
  sendRailsJson(res, status, presentAsset(asset, responseStatus, requestOrigin(req), ctx.config.publicUrl));
}

/** gds-sso's answers for a request that is not an authenticated API call (reference section 2). */
function refuseWithoutBearer(res: ServerResponse, ctx: RequestContext): boolean {
  if (ctx.auth.via === 'bearer') return false;
  if (ctx.auth.presented === 'bearer') {
    sendRailsJson(
      res,
      401,
      { message: 'Bearer token does not appear to be valid' },
      {
        'www-authenticate': 'Bearer error="invalid_token"',
      },
    );
  } else {
    sendRailsJson(
      res,
      401,
      { message: 'No bearer token was provided' },
      {
        'www-authenticate': 'Bearer error="invalid_request"',
      },
    );
  }
  return true;
}

async function route(req: IncomingMessage, res: ServerResponse, ctx: RequestContext, path: string): Promise<void> {
  const method = req.method ?? 'GET';
  const writes = method === 'POST' || method === 'PUT' || method === 'PATCH';
  if (writes && declaredBodyTooLarge(req, ctx.config)) {
    res.setHeader('connection', 'close');
    sendEmpty(res, 413);
    return;
  }
  if (path === '/assets' && method === 'POST') {
    assertMayUpload(ctx);
    const params = await readAssetParams(ctx, req, res);
    sendAsset(req, res, ctx, 201, await uploadAsset(ctx, params.file, assetFieldsOf(params)));
    return;
  }
  if (path === '/whitehall_assets' && method === 'POST') {
    assertMayUpload(ctx);
    const params = await readAssetParams(ctx, req, res);
    const asset = await createWhitehallAsset(ctx, params.file, assetFieldsOf(params), legacyFieldsOf(params));
    sendAsset(req, res, ctx, 201, asset);
    return;
  }
  const match = ASSET_PATH.exec(path);
  const id = match?.[1];
  // Rails finds no document for an id that cannot be one: 404, not a complaint about its form.
  if (!id || !isWellFormedId(id)) {
    sendRailsJson(res, 404, NOT_FOUND);
    return;
  }
  if (match[2]) {
    if (method !== 'POST') sendRailsJson(res, 404, NOT_FOUND);
    else sendAsset(req, res, ctx, 200, await restoreAsset(ctx, id));
    return;
  }
  switch (method) {
    case 'GET':
    case 'HEAD':
      sendAsset(req, res, ctx, 200, await getManagedAsset(ctx, id));
      return;
    case 'PUT':
    case 'PATCH': {
      // Who may change the asset is settled before its new file is read.
      await findManageableAsset(ctx, id, 'change');
      const params = await readAssetParams(ctx, req, res);
      sendAsset(req, res, ctx, 200, await updateAsset(ctx, id, assetFieldsOf(params), params.file ?? undefined));
      return;
    }
    case 'DELETE':
      sendAsset(req, res, ctx, 200, await deleteAsset(ctx, id));
      return;
    default:
      sendRailsJson(res, 404, NOT_FOUND);
  }
}

/**
 * GOV.UK Asset Manager's management API (`/assets`, `/whitehall_assets`): parameters and answers in its
 * shapes, every rule in the resolvers that GraphQL uses too.
 */
export async function handleAssetRoutes(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: RequestContext,
  path: string,
): Promise<void> {
  if (refuseWithoutBearer(res, ctx)) return;
  try {
    await route(req, res, ctx, path);
  } catch (error) {
    if (error instanceof AssetKeyMissing) {
      sendRailsJson(res, 400, { status: 400, error: 'Bad Request' });
      return;
    }
    if (!sendDomainError(res, error)) throw error;
  }
}
