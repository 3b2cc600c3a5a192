import { formOf, multipartOf, type RawRequest, type RawResponse } from './badInputs.js';

/**
 * Every route that reads, downloads, changes or shares one asset, on every surface, for the authorization
 * sweep (issue #17): how to call it on an asset as an actor, and what counts as having done it.
 */

export type Kind = 'read' | 'download' | 'change' | 'share';

/** The asset a case aims at: its id and its file's name (for the download URLs that end in one). */
export interface Target {
  id: string;
  name: string;
}

/** Who asks: the headers that say so, and a shared link's key sent as `authKey` where a URL may carry one. */
export interface Actor {
  name: string;
  headers: Record<string, string>;
  authKey?: string;
}

export interface AssetRoute {
  name: string;
  kind: Kind;
  /** GOV.UK serves /media of a live asset to anyone, and answers a refused draft with 403 (reference §4, step 3). */
  govukMedia?: boolean;
  request(target: Target, actor: Actor): RawRequest;
  /** Whether the answer shows the route did what was asked. */
  succeeded(response: RawResponse): boolean;
}

const json = (body: string): any => {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
};

const ok = (response: RawResponse) => response.status >= 200 && response.status < 400;
const processed = (response: RawResponse) => ok(response) && json(response.body)?.processedCount > 0;

const withKey = (path: string, actor: Actor) =>
  actor.authKey ? `${path}${path.includes('?') ? '&' : '?'}authKey=${encodeURIComponent(actor.authKey)}` : path;

/** A GraphQL operation whose one root field `field` answers non-null data, and no error, when it succeeds. */
function graphql(
  name: string,
  kind: Kind,
  query: string,
  variables: (target: Target) => object,
  done: (data: any) => boolean = (data) => data != null,
): AssetRoute {
  return {
    name: `GraphQL ${name}`,
    kind,
    request: (target, actor) => ({
      label: name,
      method: 'POST',
      target: '/graphql',
      headers: { ...actor.headers, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query, variables: variables(target) }),
    }),
    succeeded: (response) => {
      const body = json(response.body);
      return !body?.errors && body?.data != null && done(body.data[name]);
    },
  };
}

function woodwing(
  name: string,
  kind: Kind,
  path: (target: Target) => string,
  params: (target: Target) => [string, string][],
  succeeded: AssetRoute['succeeded'] = ok,
): AssetRoute {
  return {
    name: `WoodWing ${name}`,
    kind,
    request: (target, actor) => ({
      label: name,
      method: 'POST',
      target: withKey(path(target), actor),
      headers: { ...actor.headers, 'content-type': 'application/x-www-form-urlencoded' },
      body: formOf(params(target)),
    }),
    succeeded,
  };
}

function plain(name: string, kind: Kind, method: string, path: (target: Target) => string, media = false): AssetRoute {
  return {
    name,
    kind,
    govukMedia: media,
    request: (target, actor) => ({ label: name, method, target: withKey(path(target), actor), headers: actor.headers }),
    succeeded: ok,
  };
}

const future = '2099-01-01T00:00:00Z';
const id = (target: Target) => ({ id: target.id });

export const ASSET_ROUTES: AssetRoute[] = [
  graphql('asset', 'read', 'query($id: ID!) { asset(id: $id) { id } }', id),
  graphql('node', 'read', 'query($id: ID!) { node(id: $id) { id } }', id),
  graphql(
    'nodes',
    'read',
    'query($ids: [ID!]!) { nodes(ids: $ids) { id } }',
    (t) => ({ ids: [t.id] }),
    (d) => d?.[0],
  ),
  graphql(
    'assets',
    'read',
    'query($q: String) { assets(query: $q) { totalCount } }',
    (t) => ({ q: `id:${t.id}` }),
    (d) => d?.totalCount > 0,
  ),
  graphql(
    'updateAsset',
    'change',
    'mutation($id: ID!) { updateAsset(id: $id, input: { metadata: { description: "x" } }) { id } }',
    id,
  ),
  graphql('checkout', 'change', 'mutation($id: ID!) { checkout(assetId: $id) { __typename } }', id),
  graphql('promoteVersion', 'change', 'mutation($id: ID!) { promoteVersion(id: $id, versionNumber: 1) { id } }', id),
  graphql(
    'updateAssets',
    'change',
    'mutation($q: String!) { updateAssets(input: { query: $q, metadata: { description: "x" } }) { processedCount } }',
    (t) => ({ q: `id:${t.id}` }),
    (d) => d?.processedCount > 0,
  ),
  graphql(
    'removeAssets',
    'change',
    'mutation($id: ID!) { removeAssets(input: { ids: [$id] }) { processedCount } }',
    id,
    (d) => d?.processedCount > 0,
  ),
  graphql('deleteAsset', 'change', 'mutation($id: ID!) { deleteAsset(id: $id) { id } }', id),
  graphql(
    'createAuthKey',
    'share',
    'mutation($input: CreateAuthKeyInput!) { createAuthKey(input: $input) { key } }',
    (t) => ({ input: { subject: 'x', validUntil: future, assetIds: [t.id], downloadOriginal: true } }),
  ),

  woodwing(
    'search',
    'read',
    () => '/services/search',
    (t) => [['q', `id:${t.id}`]],
    (r) => json(r.body)?.totalHits > 0,
  ),
  woodwing(
    'asset/history',
    'read',
    () => '/services/asset/history',
    (t) => [['id', t.id]],
  ),
  plain('WoodWing /file', 'download', 'GET', (t) => `/file/${t.id}/${encodeURIComponent(t.name)}`),
  plain('WoodWing /preview', 'download', 'GET', (t) => `/preview/${t.id}/${encodeURIComponent(t.name)}`),
  {
    ...woodwing(
      'zip',
      'download',
      () => '/zip/files.zip',
      (t) => [
        ['assetIds', t.id],
        ['downloadKind', 'original'],
      ],
    ),
    // An empty zip is 22 bytes: a zip with the asset in it is larger.
    succeeded: (response) => response.status === 200 && response.body.length > 22,
  },
  woodwing(
    'update',
    'change',
    () => '/services/update',
    (t) => [
      ['id', t.id],
      ['metadata', '{"description":"x"}'],
    ],
  ),
  woodwing(
    'checkout',
    'change',
    (t) => `/services/checkout/${t.id}`,
    () => [],
  ),
  woodwing(
    'version/promote',
    'change',
    () => '/services/version/promote',
    (t) => [
      ['assetId', t.id],
      ['version', '1'],
    ],
  ),
  woodwing(
    'updatebulk',
    'change',
    () => '/services/updatebulk',
    (t) => [
      ['q', `id:${t.id}`],
      ['metadata', '{"description":"x"}'],
    ],
    processed,
  ),
  woodwing(
    'remove',
    'change',
    () => '/services/remove',
    (t) => [['ids', t.id]],
    processed,
  ),
  woodwing(
    'createAuthKey',
    'share',
    () => '/services/createAuthKey',
    (t) => [
      ['subject', 'x'],
      ['validUntil', future],
      ['assetIds', t.id],
      ['downloadOriginal', 'true'],
    ],
  ),

  plain('GOV.UK GET /assets/:id', 'read', 'GET', (t) => `/assets/${t.id}`),
  plain('GOV.UK /media', 'download', 'GET', (t) => `/media/${t.id}/${encodeURIComponent(t.name)}`, true),
  {
    name: 'GOV.UK PATCH /assets/:id',
    kind: 'change',
    request: (target, actor) => {
      const { body, contentType } = multipartOf([['asset[parent_document_url]', 'https://www.gov.uk/x']]);
      const headers = { ...actor.headers, 'content-type': contentType };
      return { label: 'PATCH', method: 'PATCH', target: withKey(`/assets/${target.id}`, actor), headers, body };
    },
    succeeded: ok,
  },
  plain('GOV.UK POST /assets/:id/restore', 'change', 'POST', (t) => `/assets/${t.id}/restore`),
  plain('GOV.UK DELETE /assets/:id', 'change', 'DELETE', (t) => `/assets/${t.id}`),
];
