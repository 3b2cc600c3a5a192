import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Orm } from './db/orm.js';
import { GRAPHIQL_FILES_PATH } from './http/graphiqlBundle.js';
import { type GraphiqlServing, noGraphiqlFiles } from './http/graphiqlServing.js';
import { sendLive, sendReady } from './http/health.js';
import { graphqlRefusals, plainRefusals } from './http/refusals.js';
import type { RequestContextFactory } from './http/requestContext.js';
import { buildRouter, type Dispatch, type Surface } from './http/router.js';
import { assetManagementRoutes as assets } from './legacy-rest/asset-manager/assetRoutes.js';
import { mediaRoutes as media } from './legacy-rest/asset-manager/mediaRoutes.js';
import { assetManagerRefusals } from './legacy-rest/asset-manager/responses.js';
import { folderApiRoutes as folders } from './legacy-rest/woodwing/apiFolder.js';
import { assetEndpoints as asset } from './legacy-rest/woodwing/assetEndpoints.js';
import { bulkEndpoints as bulk } from './legacy-rest/woodwing/bulkEndpoints.js';
import { coreEndpoints as core } from './legacy-rest/woodwing/coreEndpoints.js';
import { serviceRoute as service } from './legacy-rest/woodwing/endpoint.js';
import { fileRoute } from './legacy-rest/woodwing/fileRoutes.js';
import { messagesEndpoint } from './legacy-rest/woodwing/messages.js';
import { organizingEndpoints as organizing } from './legacy-rest/woodwing/organizing.js';
import { renditionPresetEndpoints as presets } from './legacy-rest/woodwing/renditionPresets.js';
import { reportEndpoints as reports } from './legacy-rest/woodwing/reports.js';
import { woodwingRefusals } from './legacy-rest/woodwing/responses.js';
import { zipRoute } from './legacy-rest/woodwing/zipRoute.js';
import { assetApiRoutes as assetApi } from './legacy-rest/woodwing-api/assetApi.js';
import {
  externalProcessingEndpoint,
  notifyEmailEndpoint,
  prometheusRoute,
  systemMetricsEndpoint,
} from './legacy-rest/woodwing-api/systemEndpoints.js';
import type { ServiceMetrics } from './metrics/serviceMetrics.js';
import type { Scanner } from './scan/Scanner.js';
import type { BlobStore } from './storage/BlobStore.js';
import {
  reviewThroughPage,
  sharedLinkPageRefusals,
  showSharedLinkPage,
  uploadThroughPage,
} from './web/sharedLinkPage/pageRoutes.js';

export interface RouteTargets {
  handleGraphql(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void>;
  createContext: RequestContextFactory;
  orm: Orm;
  blobStore: BlobStore;
  scanner: Scanner;
  metrics: ServiceMetrics;
  /** Undefined when GraphiQL is off. */
  graphiql?: GraphiqlServing;
}

/** Every URL the service answers, routed: see routeSurfaces. */
export function createRoutes(targets: RouteTargets): Dispatch {
  return buildRouter(routeSurfaces(targets), targets.createContext, targets.metrics);
}

/**
 * Every URL the service answers: methods, path (find-my-way's syntax: `:name` one segment, `*` the rest),
 * handler. A path answers the methods listed for it; any other method gets its surface's 405 with `Allow`
 * (GOV.UK's is Rails' 404), and HEAD is answered wherever GET is, but on /graphql.
 */
export function routeSurfaces({ handleGraphql, orm, blobStore, scanner, metrics, graphiql }: RouteTargets): Surface[] {
  const graphql: Surface = {
    refusals: graphqlRefusals,
    prefixes: [],
    trailingSlash: false,
    // yoga answers CORS preflights (OPTIONS) itself; GraphQL over HTTP has no HEAD.
    headWithGet: false,
    routes: [['GET POST OPTIONS', '/graphql', ({ req, res, requestId }) => handleGraphql(req, res, requestId)]],
  };

  // GraphiQL's script, style, workers and icon, named by their hash (its page is GET /graphql).
  const graphiqlFiles: Surface = {
    refusals: plainRefusals,
    prefixes: [GRAPHIQL_FILES_PATH],
    trailingSlash: false,
    headWithGet: true,
    routes: [['GET', `${GRAPHIQL_FILES_PATH}:file`, graphiql?.sendFile ?? noGraphiqlFiles]],
  };

  const health: Surface = {
    refusals: plainRefusals,
    prefixes: [],
    trailingSlash: false,
    headWithGet: true,
    routes: [
      ['GET', '/healthcheck/live', ({ res }) => sendLive(res)],
      ['GET', '/healthcheck/ready', ({ res }) => sendReady(res, orm, blobStore, scanner)],
      // Prometheus' scrape; the same figures as /services/system/metrics, which needs no login either.
      ['GET', '/metrics', prometheusRoute(metrics)],
    ],
  };

  // WoodWing Assets (Elvis), reference/woodwing-assets-api.md. Spring, which it runs on, also matches a
  // path with a trailing slash.
  const woodwing: Surface = {
    refusals: woodwingRefusals,
    prefixes: ['/services/', '/api/folder/', '/api/asset/', '/metadata/'],
    trailingSlash: true,
    headWithGet: true,
    routes: [
      ['GET POST', '/services/ping', service(core.ping)],
      ['POST', '/services/login', service(core.login)],
      ['POST', '/services/apilogin', service(core.apilogin)],
      ['POST', '/services/logout', service(core.logout)],
      ['GET POST', '/services/profile', service(core.profile)],
      ['GET POST', '/services/messages', service(messagesEndpoint)],

      ['GET POST', '/services/search', service(core.search)],
      ['GET POST', '/services/browse', service(organizing.browse)],
      ['POST', '/services/create', service(asset.create)],
      ['POST', '/services/update', service(asset.update)],
      ['POST', '/services/version/promote', service(asset['version/promote'])],
      ['POST', '/services/checkout/:id', service(core.checkout)],
      ['POST', '/services/undocheckout/:id', service(core.undocheckout)],
      ['GET POST', '/services/asset/history', service(organizing['asset/history'])],
      ['POST', '/services/logUsage', service(organizing.logUsage)],

      ['POST', '/services/createFolder', service(organizing.createFolder)],
      ['POST', '/services/createRelation', service(organizing.createRelation)],
      ['POST', '/services/removeRelation', service(organizing.removeRelation)],
      ['POST', '/services/collection/add', service(organizing['collection/add'])],
      ['POST', '/services/collection/remove', service(organizing['collection/remove'])],

      ['POST', '/services/remove', service(bulk.remove)],
      ['POST', '/services/updatebulk', service(bulk.updatebulk)],
      ['POST', '/services/copy', service(bulk.copy)],
      ['POST', '/services/move', service(bulk.move)],
      ['GET POST', '/services/process/info', service(bulk['process/info'])],
      ['POST', '/services/process/cancel', service(bulk['process/cancel'])],

      // Metadata reports: the documented paths, the Postman collection's (without /services) and its
      // folder report's /services/report.json.
      ['GET POST', '/services/metadata/report.json', service(reports['metadata/report.json'])],
      ['GET POST', '/services/metadata/report.csv', service(reports['metadata/report.csv'])],
      ['GET POST', '/metadata/report.json', service(reports['metadata/report.json'])],
      ['GET POST', '/metadata/report.csv', service(reports['metadata/report.csv'])],
      ['GET POST', '/services/report.json', service(reports['metadata/report.json'])],
      ['GET POST', '/services/report.csv', service(reports['metadata/report.csv'])],

      ['POST', '/services/createAuthKey', service(core.createAuthKey)],
      ['POST', '/services/updateAuthKey', service(core.updateAuthKey)],
      ['POST', '/services/revokeAuthKeys', service(core.revokeAuthKeys)],

      // The collection posts e-mail to /notify/email, WoodWing's docs to /services/notify/email.
      ['POST', '/services/notify/email', service(notifyEmailEndpoint)],
      ['POST', '/notify/email', service(notifyEmailEndpoint)],
      ['GET', '/services/system/metrics', service(systemMetricsEndpoint(metrics))],
      ['GET POST', '/services/admin/externalProcessing', service(externalProcessingEndpoint)],
      ['GET PUT DELETE', '/services/admin/externalProcessing/:id', service(externalProcessingEndpoint)],
      ['GET POST', '/services/zip', zipRoute],

      ['GET POST', '/services/renditionpreset/list', service(presets.list)],
      ['GET POST', '/services/renditionpreset/listAll', service(presets.listAll)],
      ['POST', '/services/renditionpreset/save', service(presets.save)],
      ['POST', '/services/renditionpreset/remove', service(presets.remove)],

      // The v2 folder API.
      ['POST', '/api/folder', folders.create],
      ['GET', '/api/folder/get', folders.getByPath],
      ['GET', '/api/folder/list', folders.list],
      ['GET POST', '/api/folder/search', folders.search],
      ['GET', '/api/folder/:id', folders.get],
      ['PUT', '/api/folder/:id', folders.update],
      ['DELETE', '/api/folder/:id', folders.remove],

      // The v2 asset API; <id> of the signed-URL calls may be several ids, comma-separated.
      ['POST', '/api/asset', assetApi.create],
      ['GET POST', '/api/asset/search', assetApi.search],
      ['GET', '/api/asset/:id', assetApi.get],
      ['GET', '/api/asset/:id/original', assetApi.original],
      ['PUT POST', '/api/asset/:id/original', assetApi.upload],
      ['GET', '/api/asset/:id/preview', assetApi.preview],
      ['GET', '/api/asset/:id/thumbnail', assetApi.thumbnail],
      ['GET', '/api/asset/:id/signed-original-url', assetApi.signedOriginalUrl],
      ['GET', '/api/asset/:id/signed-preview-url', assetApi.signedPreviewUrl],
      ['GET', '/api/asset/:id/signed-thumbnail-url', assetApi.signedThumbnailUrl],
      ['GET', '/api/asset/:id/signed-image-rendition-url', assetApi.signedImageRenditionUrl],
    ],
  };

  // WoodWing's file URLs and zips end in a file name: no trailing-slash twin.
  const woodwingFiles: Surface = {
    refusals: woodwingRefusals,
    prefixes: ['/file/', '/preview/', '/thumbnail/', '/zip/'],
    trailingSlash: false,
    headWithGet: true,
    routes: [
      ['GET', '/file/:id/*', fileRoute('file')],
      ['GET', '/preview/:id/*', fileRoute('preview')],
      ['GET', '/thumbnail/:id/*', fileRoute('thumbnail')],
      ['GET POST', '/zip/:name', zipRoute],
    ],
  };

  // GOV.UK Asset Manager, reference/govuk-asset-manager-api.md.
  const assetManager: Surface = {
    refusals: assetManagerRefusals,
    prefixes: ['/assets/', '/media/', '/government/uploads/'],
    trailingSlash: false,
    headWithGet: true,
    routes: [
      ['POST', '/assets', assets.create],
      ['POST', '/whitehall_assets', assets.createWhitehall],
      ['GET', '/assets/:id', assets.read],
      ['PUT PATCH', '/assets/:id', assets.change],
      ['DELETE', '/assets/:id', assets.remove],
      ['POST', '/assets/:id/restore', assets.restore],
      ['GET', '/media/:id/*', media.media],
      ['GET', '/government/uploads/*', media.whitehall],
    ],
  };

  // The page a person opens from a shared link's webClientUrl (`/?w=KEY`) or desktopClientUrl (`/?e=KEY`),
  // and its two forms; `/` without a key is a short landing page.
  const sharedLinkPage: Surface = {
    refusals: sharedLinkPageRefusals,
    prefixes: ['/shared-link/'],
    trailingSlash: false,
    headWithGet: true,
    routes: [
      ['GET', '/', showSharedLinkPage],
      ['POST', '/shared-link/upload', uploadThroughPage],
      ['POST', '/shared-link/review', reviewThroughPage],
    ],
  };

  return [graphql, graphiqlFiles, health, woodwing, woodwingFiles, assetManager, sharedLinkPage];
}
