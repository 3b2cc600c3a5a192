import SchemaBuilder from '@pothos/core';
import ComplexityPlugin from '@pothos/plugin-complexity';
import DataloaderPlugin from '@pothos/plugin-dataloader';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import type { RequestContext } from '../context.js';
import { entityNameOf } from '../db/plainRows.js';
import { seesAssetInternals } from '../resolvers/assets/assetViews.js';
import { ONCE_PER_PAGE } from './connections.js';
import { nodeOrNull } from './nodeLookup.js';
import type { FileUpload } from './uploads.js';

/** The one builder; it holds no type. Each type lives in its own file beside this one. */
export const builder = new SchemaBuilder<{
  Context: RequestContext;
  DefaultFieldNullability: false;
  DefaultEdgesNullability: { list: false; items: false };
  DefaultNodeNullability: false;
  AuthScopes: { seesAssetInternals: boolean };
  Scalars: {
    ID: { Input: string; Output: string };
    DateTime: { Input: Date; Output: Date };
    JSON: { Input: unknown; Output: unknown };
    Upload: { Input: Promise<FileUpload>; Output: never };
  };
}>({
  defaultFieldNullability: false,
  plugins: [ScopeAuthPlugin, RelayPlugin, DataloaderPlugin, ComplexityPlugin],
  scopeAuth: {
    // Computed once per request, on the first field that asks.
    authScopes: (ctx) => ({ seesAssetInternals: seesAssetInternals(ctx) }),
  },
  relay: {
    // One id everywhere (DESIGN.md): ids are random and unique across tables, so a record's global id is its id.
    encodeGlobalID: (_typename, id) => String(id),
    decodeGlobalID: (globalID) => ({ typename: 'Node', id: globalID }),
    nodeTypeOptions: {
      // Every node is an entity or a plain record read as one, each the GraphQL type of the same name.
      resolveType: (value) => entityNameOf(value as object),
    },
    nodeQueryOptions: {
      description: 'Any record by its id: an asset, a user or a download preset. Null when none is visible.',
      resolve: (_root, { id }, ctx) => nodeOrNull(ctx, id.id),
    },
    nodesQueryOptions: {
      resolve: (_root, { ids }, ctx) => ids.map(({ id }) => nodeOrNull(ctx, id)),
    },
    pageInfoFieldOptions: { complexity: ONCE_PER_PAGE },
    edgesFieldOptions: {
      nullable: { list: false, items: false },
      // The connection field's own multiplier (its page size) already counts the edges.
      complexity: { field: 1, multiplier: 1 },
    },
  },
  // The fields' costs are declared here; the limits are checked once per document, by validation rules
  // (operationLimits.ts), not on every request as the plugin would.
  complexity: { disabled: true },
});

builder.queryType({});
builder.mutationType({});
builder.subscriptionType({});
