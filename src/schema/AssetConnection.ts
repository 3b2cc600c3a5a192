import type { PageInfoShape } from '@pothos/plugin-relay';
import type { Asset } from '../db/entities/Asset.js';
import type { AssetRelation } from '../db/entities/AssetRelation.js';
import type { Facet, FacetValue } from '../resolvers/search/facets.js';
import { searchAssets } from '../resolvers/search/searchAssets.js';
import { AssetRef } from './Asset.js';
import { builder } from './builder.js';
import { connectionOf, ONCE_PER_PAGE, pageCost } from './connections.js';

/** An edge also carries, for a search by relatedTo, the relation that joins its asset to that one. */
interface AssetEdge {
  cursor: string;
  node: Asset;
  relation: AssetRelation | null;
}

interface AssetConnection {
  edges: AssetEdge[];
  pageInfo: PageInfoShape;
  totalCount: number;
  facets: Facet[];
}

export const AssetEdgeRef = builder.objectRef<AssetEdge>('AssetEdge').implement({
  fields: (t) => ({
    cursor: t.exposeString('cursor'),
    node: t.field({ type: AssetRef, resolve: (edge) => edge.node }),
  }),
});

const FacetValueRef = builder.objectRef<FacetValue>('FacetValue').implement({
  fields: (t) => ({
    value: t.exposeString('value'),
    hitCount: t.exposeInt('hitCount'),
    selected: t.exposeBoolean('selected'),
  }),
});

const FacetRef = builder.objectRef<Facet>('Facet').implement({
  description: 'How many hits have each value of a field',
  fields: (t) => ({
    field: t.exposeString('field'),
    values: t.field({ type: [FacetValueRef], resolve: (facet) => facet.values }),
  }),
});

const AssetConnectionRef = builder.connectionObject<typeof AssetRef, AssetConnection>(
  {
    type: AssetRef,
    name: 'AssetConnection',
    fields: (t) => ({
      totalCount: t.int({ complexity: ONCE_PER_PAGE, resolve: (connection) => connection.totalCount }),
      facets: t.field({
        type: [FacetRef],
        complexity: ONCE_PER_PAGE,
        description: 'The facets asked for with the facets argument',
        resolve: (connection) => connection.facets,
      }),
    }),
  },
  AssetEdgeRef,
);

const FacetSelectionInput = builder.inputType('FacetSelectionInput', {
  fields: (t) => ({
    field: t.string({ required: true }),
    values: t.stringList({ required: true }),
  }),
});

builder.queryField('assets', (t) =>
  t.field({
    type: AssetConnectionRef,
    description: 'Assets you may see, a page at a time, newest first unless sorted otherwise',
    complexity: pageCost,
    args: {
      first: t.arg.int({ description: 'page size, 0 to 500; 50 if left out' }),
      after: t.arg.string({ description: 'the endCursor of the page before' }),
      query: t.arg.string({
        description:
          'the search syntax of /services/search: field:value, "phrases", * and ?, AND/OR/NOT, (groups), [a TO b] ranges, NOW-1DAY, free text',
      }),
      folderPath: t.arg.string({ description: 'only the assets directly in this folder' }),
      includeDeleted: t.arg.boolean(),
      sort: t.arg.string({
        description: 'relevance, or a comma list of field-asc / field-desc, e.g. "name-asc,assetCreated-desc"',
      }),
      facets: t.arg.stringList({ description: 'fields to count the values of, e.g. ["assetDomain", "tags"]' }),
      facetSelection: t.arg({
        type: [FacetSelectionInput],
        description: 'values chosen per facet: only hits with one of them are listed',
      }),
    },
    resolve: async (_root, { facetSelection, first, after, ...args }, ctx) => {
      const page = await searchAssets(
        ctx,
        {
          ...args,
          facetSelections: Object.fromEntries((facetSelection ?? []).map((choice) => [choice.field, choice.values])),
        },
        { first, after },
      );
      const { edges, pageInfo } = connectionOf(page.assets, page);
      return {
        edges: edges.map((edge) => ({ ...edge, relation: page.relations.get(edge.node.id) ?? null })),
        pageInfo,
        totalCount: page.totalCount,
        facets: page.facets,
      };
    },
  }),
);
