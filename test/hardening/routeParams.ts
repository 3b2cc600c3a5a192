/**
 * The parameters of every route in src/routes.ts, for the bad-input campaign: keyed by the table's path, how
 * they are sent, which of them each case spoils, and the valid values the others keep (`{asset}`, `{asset2}`,
 * `{folder}`, `{folderId}` and `{authKey}` stand for records the campaign makes first). A route of the table missing here
 * fails the campaign.
 */

/** Where parameters go: the query string, a urlencoded body, a JSON body, or GOV.UK's multipart asset[...]. */
export type Carrier = 'query' | 'form' | 'json' | 'asset form';

export interface RouteParams {
  carrier: Carrier;
  params: string[];
  /** Sent with every case unless it is the parameter being spoiled. */
  base?: Record<string, string>;
  /** The multipart file field whose filename is spoiled too. */
  file?: string;
  /** The valid value of a path parameter, where PATH_BASE's does not fit. */
  path?: Record<string, string>;
}

const AUTH_KEY_FIELDS = ['description', 'downloadOriginal', 'downloadPreview', 'requestApproval', 'requestUpload'];
const TRANSFER = {
  carrier: 'form',
  params: ['source', 'target', 'folderReplacePolicy', 'fileReplacePolicy', 'filterQuery', 'flattenFolders', 'async'],
  base: { source: '{folder}', target: '/campaign-transfers/target' },
} satisfies RouteParams;
const ASSET_FIELDS = [
  'draft',
  'redirect_url',
  'replacement_id',
  'parent_document_url',
  'content_type',
  'access_limited[]',
  'access_limited_organisation_ids[]',
  'auth_bypass_ids[]',
];
const FILE_LINK: RouteParams = { carrier: 'query', params: ['authKey', 'forceDownload'] };
const NOTHING: RouteParams = { carrier: 'query', params: [] };
const REPORT: RouteParams = {
  carrier: 'form',
  params: ['q', 'assetIds', 'assetPath', 'fields', 'sort'],
  base: { q: 'id:{asset}' },
};
const NOTIFY: RouteParams = {
  carrier: 'form',
  params: ['to', 'subject', 'body', 'htmlBody', 'assetId'],
  base: { to: 'campaign@example.com', subject: 'campaign', body: 'campaign' },
};
const ZIP: RouteParams = {
  carrier: 'form',
  params: ['downloadKind', 'downloadPresetId', 'previewFormat', 'assetIds', 'q', 'folderPath'],
  base: { assetIds: '{asset}', downloadKind: 'original' },
};
const SIGNED_URL: RouteParams = { carrier: 'query', params: ['validFor'] };
const V2_FILE: RouteParams = { carrier: 'query', params: ['forceDownload'] };

/** 'GraphQL' routes are swept from the served schema by campaignGraphql.test.ts. */
export const ROUTE_PARAMS: Record<string, RouteParams | 'GraphQL'> = {
  '/graphql': 'GraphQL',
  '/graphiql/:file': { ...NOTHING, path: { ':file': 'graphiql.unknownhash.js' } },
  '/healthcheck/live': NOTHING,
  '/healthcheck/ready': NOTHING,
  '/metrics': NOTHING,

  '/services/ping': { carrier: 'form', params: [] },
  '/services/login': { carrier: 'form', params: ['username', 'password', 'clientId', 'returnProfile'] },
  '/services/apilogin': { carrier: 'form', params: ['username', 'password', 'clientId'] },
  '/services/logout': { carrier: 'form', params: [] },
  '/services/profile': { carrier: 'form', params: [] },
  '/services/messages': { carrier: 'form', params: ['localeChain', 'bundle', 'ifModifiedSince'] },
  '/services/search': {
    carrier: 'form',
    params: ['q', 'start', 'num', 'sort', 'facets', 'metadataToReturn', 'facet.assetDomain.selection'],
  },
  '/services/browse': { carrier: 'form', params: ['path', 'includeFolders', 'includeAssets', 'includeAsset'] },
  '/services/create': {
    carrier: 'form',
    params: ['folderPath', 'name', 'filename', 'assetPath', 'metadata', 'autoRename', 'metadataToReturn'],
    base: { folderPath: '{folder}' },
    file: 'Filedata',
  },
  '/services/update': {
    carrier: 'form',
    params: ['id', 'metadata', 'parseMetadataModifications', 'clearCheckoutState', 'metadataToReturn', 'folderPath'],
    base: { id: '{asset2}' },
    file: 'Filedata',
  },
  '/services/version/promote': { carrier: 'form', params: ['assetId', 'version'], base: { assetId: '{asset}' } },
  '/services/checkout/:id': { carrier: 'form', params: ['download', 'clientId'] },
  '/services/undocheckout/:id': { carrier: 'form', params: [] },
  '/services/asset/history': {
    carrier: 'form',
    params: ['id', 'start', 'num', 'actions'],
    base: { id: '{asset}' },
  },
  '/services/logUsage': {
    carrier: 'form',
    params: ['assetId', 'action', 'detail'],
    base: { assetId: '{asset}', action: 'CUSTOM_ACTION_CAMPAIGN' },
  },
  '/services/createFolder': { carrier: 'form', params: ['path'] },
  '/services/createRelation': {
    carrier: 'form',
    params: ['relationType', 'target1Id', 'target2Id'],
    base: { relationType: 'related', target1Id: '{asset}', target2Id: '{asset2}' },
  },
  '/services/removeRelation': { carrier: 'form', params: ['relationIds'] },
  '/services/collection/add': { carrier: 'form', params: ['collectionId', 'childIds'] },
  '/services/collection/remove': { carrier: 'form', params: ['collectionId', 'childIds'] },
  '/services/remove': { carrier: 'form', params: ['q', 'ids', 'folderPath', 'async'] },
  '/services/updatebulk': {
    carrier: 'form',
    params: ['q', 'metadata', 'parseMetadataModifications', 'async'],
    base: { q: 'id:{asset2}', metadata: '{"description":"campaign"}' },
  },
  '/services/copy': TRANSFER,
  '/services/move': TRANSFER,
  '/services/process/info': { carrier: 'form', params: ['processId'] },
  '/services/process/cancel': { carrier: 'form', params: ['processId'] },
  '/services/createAuthKey': {
    carrier: 'form',
    params: [
      'subject',
      'validUntil',
      'assetIds',
      'containerId',
      'containerIds',
      'importFolderPath',
      'notifyEmail',
      'sort',
      'downloadPresetIds',
      'watermarked',
      ...AUTH_KEY_FIELDS,
    ],
    base: { subject: 'campaign', validUntil: '2099-01-01', assetIds: '{asset}' },
  },
  '/services/updateAuthKey': {
    carrier: 'form',
    params: ['key', 'subject', 'validUntil', 'importFolderPath', ...AUTH_KEY_FIELDS],
    base: { key: '{authKey}' },
  },
  '/services/revokeAuthKeys': { carrier: 'form', params: ['keys'] },
  '/services/metadata/report.json': REPORT,
  '/services/metadata/report.csv': REPORT,
  '/metadata/report.json': REPORT,
  '/metadata/report.csv': REPORT,
  '/services/report.json': REPORT,
  '/services/report.csv': REPORT,
  '/services/notify/email': NOTIFY,
  '/notify/email': NOTIFY,
  '/services/system/metrics': { carrier: 'form', params: [] },
  '/services/admin/externalProcessing': { carrier: 'form', params: [] },
  '/services/admin/externalProcessing/:id': { carrier: 'form', params: [] },
  '/services/zip': { ...ZIP, params: [...ZIP.params, 'filename'] },
  '/services/renditionpreset/list': { carrier: 'form', params: [] },
  '/services/renditionpreset/listAll': { carrier: 'form', params: [] },
  '/services/renditionpreset/save': { carrier: 'form', params: ['name', 'id'], base: { name: 'campaign preset' } },
  '/services/renditionpreset/remove': { carrier: 'form', params: ['ids'] },

  '/api/folder': { carrier: 'json', params: ['path', 'metadata'] },
  '/api/folder/get': { carrier: 'query', params: ['path'] },
  '/api/folder/list': { carrier: 'query', params: ['id', 'from', 'size', 'metadataToReturn'] },
  '/api/folder/:id': { carrier: 'json', params: ['metadata'], path: { ':id': '{folderId}' } },
  '/api/folder/search': { carrier: 'query', params: ['q', 'from', 'size', 'metadataToReturn'] },

  '/api/asset': {
    carrier: 'json',
    params: ['assetPath', 'autoRename', 'metadata', 'metadataToReturn'],
    base: { assetPath: '{folder}/campaign-v2.txt' },
  },
  '/api/asset/search': { carrier: 'form', params: ['q', 'from', 'size', 'sort', 'metadataToReturn'] },
  '/api/asset/:id': { carrier: 'query', params: ['metadataToReturn'] },
  '/api/asset/:id/original': V2_FILE,
  '/api/asset/:id/preview': V2_FILE,
  '/api/asset/:id/thumbnail': V2_FILE,
  '/api/asset/:id/signed-original-url': SIGNED_URL,
  '/api/asset/:id/signed-preview-url': SIGNED_URL,
  '/api/asset/:id/signed-thumbnail-url': SIGNED_URL,
  '/api/asset/:id/signed-image-rendition-url': SIGNED_URL,

  '/file/:id/*': FILE_LINK,
  '/preview/:id/*': FILE_LINK,
  '/thumbnail/:id/*': FILE_LINK,
  '/zip/:name': ZIP,

  '/assets': { carrier: 'asset form', params: ASSET_FIELDS, file: 'asset[file]' },
  '/whitehall_assets': {
    carrier: 'asset form',
    params: [...ASSET_FIELDS, 'legacy_url_path', 'legacy_etag', 'legacy_last_modified'],
    base: { legacy_url_path: '/government/uploads/campaign/file.txt' },
    file: 'asset[file]',
  },
  '/assets/:id': { carrier: 'asset form', params: ASSET_FIELDS, file: 'asset[file]' },
  '/assets/:id/restore': NOTHING,
  '/media/:id/*': { carrier: 'query', params: ['token', 'authKey'] },
  '/government/uploads/*': { ...NOTHING, path: { '*': 'campaign/file.txt' } },

  '/': { carrier: 'query', params: ['w', 'e', 'notice', 'asset'], base: { w: '{authKey}' } },
  // The upload's key is in its query string, which a form carrier cannot spoil: these all meet a missing key.
  '/shared-link/upload': { carrier: 'form', params: ['key'], file: 'file' },
  '/shared-link/review': {
    carrier: 'form',
    params: ['key', 'assetId', 'decision'],
    base: { key: '{authKey}', assetId: '{asset}', decision: 'approved' },
  },
};

/** The valid value of each kind of path parameter, spoiled one at a time like the others. */
export const PATH_BASE: Record<string, string> = { ':id': '{asset}', ':name': 'campaign.zip', '*': 'file.txt' };
