import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestContext } from '../../context.js';
import type { AssetView } from '../../db/entities/Asset.js';
import { drainRefusedBody } from '../../http/refusedBody.js';
import { requestOrigin } from '../../http/requestOrigin.js';
import type { RouteHandler } from '../../http/route.js';
import { declaredBodyTooLarge } from '../../http/uploadLimits.js';
import { isWellFormedId } from '../../ids.js';
import { findManageableAsset, getManagedAsset } from '../../resolvers/assets/assetLookups.js';
import { assertMayUpload, deleteAsset, restoreAsset, updateAsset, uploadAsset } from '../../resolvers/assets/assets.js';
import { createWhitehallAsset } from '../../resolvers/assets/whitehallAssets.js';
import { AssetKeyMissing, assetFieldsOf, legacyFieldsOf, readAssetParams } from './assetParams.js';
import { presentAsset, type ResponseStatus } from './presenter.js';
import { NOT_FOUND, sendDomainError, sendEmpty, sendRailsJson } from './responses.js';

function sendAsset(req: IncomingMessage, res: ServerResponse, ctx: RequestContext, status: number, asset: AssetView) {
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

type ManagementCall = (req: IncomingMessage, res: ServerResponse, ctx: RequestContext, id: string) => Promise<void>;

async function createAsset(req: IncomingMessage, res: ServerResponse, ctx: RequestContext): Promise<void> {
  assertMayUpload(ctx);
  const params = await readAssetParams(ctx, req, res);
  sendAsset(req, res, ctx, 201, await uploadAsset(ctx, params.file, assetFieldsOf(params)));
}

async function createWhitehallAssetFrom(req: IncomingMessage, res: ServerResponse, ctx: RequestContext) {
  assertMayUpload(ctx);
  const params = await readAssetParams(ctx, req, res);
  const asset = await createWhitehallAsset(ctx, params.file, assetFieldsOf(params), legacyFieldsOf(params));
  sendAsset(req, res, ctx, 201, asset);
}

async function readAsset(req: IncomingMessage, res: ServerResponse, ctx: RequestContext, id: string) {
  sendAsset(req, res, ctx, 200, await getManagedAsset(ctx, id));
}

async function changeAsset(req: IncomingMessage, res: ServerResponse, ctx: RequestContext, id: string) {
  // Who may change the asset is settled before its new file is read.
  await findManageableAsset(ctx, id, 'change');
  const params = await readAssetParams(ctx, req, res);
  sendAsset(req, res, ctx, 200, await updateAsset(ctx, id, assetFieldsOf(params), params.file ?? undefined));
}

async function removeAsset(req: IncomingMessage, res: ServerResponse, ctx: RequestContext, id: string) {
  sendAsset(req, res, ctx, 200, await deleteAsset(ctx, id));
}

async function restoreRemovedAsset(req: IncomingMessage, res: ServerResponse, ctx: RequestContext, id: string) {
  sendAsset(req, res, ctx, 200, await restoreAsset(ctx, id));
}

/**
 * GOV.UK Asset Manager's management API (`/assets`, `/whitehall_assets`) around each call: gds-sso's bearer
 * check, a declared body over the limit refused unread, parameters and answers in its shapes, every rule in
 * the resolvers that GraphQL uses too.
 */
function managementRoute(answer: ManagementCall): RouteHandler {
  return async (call) => {
    const { req, res } = call;
    const ctx = await call.context();
    if (refuseWithoutBearer(res, ctx)) return;
    const method = req.method ?? 'GET';
    const writes = method === 'POST' || method === 'PUT' || method === 'PATCH';
    if (writes && declaredBodyTooLarge(req, ctx.config)) {
      sendEmpty(res, 413);
      drainRefusedBody(req, res);
      return;
    }
    const id = call.params.id ?? '';
    // Rails finds no document for an id that cannot be one: 404, not a complaint about its form.
    if (call.params.id !== undefined && !isWellFormedId(id)) {
      sendRailsJson(res, 404, NOT_FOUND);
      return;
    }
    try {
      await answer(req, res, ctx, id);
    } catch (error) {
      if (error instanceof AssetKeyMissing) {
        sendRailsJson(res, 400, { status: 400, error: 'Bad Request' });
        return;
      }
      if (!sendDomainError(res, error)) throw error;
    }
  };
}

export const assetManagementRoutes = {
  create: managementRoute(createAsset),
  createWhitehall: managementRoute(createWhitehallAssetFrom),
  read: managementRoute(readAsset),
  change: managementRoute(changeAsset),
  remove: managementRoute(removeAsset),
  restore: managementRoute(restoreRemovedAsset),
};
