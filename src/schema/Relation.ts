import type { AssetRelation } from '../db/entities/AssetRelation.js';
import { createRelation, readableRelationTarget, relationsOf, removeRelations } from '../resolvers/assets/relations.js';
import { AssetRef } from './Asset.js';
import { AssetEdgeRef } from './AssetConnection.js';
import { builder } from './builder.js';

export const RelationRef = builder.objectRef<AssetRelation>('Relation');

RelationRef.implement({
  description: 'A typed link between two assets; for contains, target1 is the collection and target2 what it holds',
  fields: (t) => ({
    id: t.exposeID('id'),
    relationType: t.exposeString('relationType'),
    target1Id: t.id({ description: 'the parent', resolve: (relation) => relation.target1.id }),
    target2Id: t.id({ description: 'the child', resolve: (relation) => relation.target2.id }),
    target1: t.field({
      type: AssetRef,
      nullable: true,
      description: 'null when you may not see it',
      resolve: (relation, _args, ctx) => readableRelationTarget(ctx, relation.target1.id),
    }),
    target2: t.field({
      type: AssetRef,
      nullable: true,
      description: 'null when you may not see it',
      resolve: (relation, _args, ctx) => readableRelationTarget(ctx, relation.target2.id),
    }),
    createdAt: t.field({ type: 'DateTime', resolve: (relation) => relation.createdAt }),
  }),
});

builder.objectField(AssetRef, 'relations', (t) =>
  t.field({
    type: [RelationRef],
    description: 'the relations this asset is either end of, oldest first',
    resolve: (asset, _args, ctx) => relationsOf(ctx, asset),
  }),
);

const CreateRelationInput = builder.inputType('CreateRelationInput', {
  fields: (t) => ({
    relationType: t.string({
      required: true,
      description: 'contains, related, references, variation, ...: a lower-case letter, then letters, digits, _ or -',
    }),
    target1Id: t.id({ required: true, description: 'the parent' }),
    target2Id: t.id({ required: true, description: 'the child' }),
  }),
});

const RemoveRelationsResultRef = builder
  .objectRef<{ processedCount: number; errorCount: number }>('RemoveRelationsResult')
  .implement({
    fields: (t) => ({
      processedCount: t.exposeInt('processedCount', { description: 'relations removed' }),
      errorCount: t.exposeInt('errorCount', { description: 'ids unknown, or of relations you may not remove' }),
    }),
  });

builder.mutationFields((t) => ({
  createRelation: t.field({
    type: RelationRef,
    description: 'Relates two assets you may see (CONTRIBUTOR or above); CONFLICT when any relation already joins them',
    args: { input: t.arg({ type: CreateRelationInput, required: true }) },
    resolve: (_root, { input }, ctx) => createRelation(ctx, input),
  }),
  removeRelations: t.field({
    type: RemoveRelationsResultRef,
    description: 'Removes relations whose parent (target1) you may manage',
    args: { ids: t.arg.idList({ required: true }) },
    resolve: (_root, { ids }, ctx) => removeRelations(ctx, ids),
  }),
}));

builder.objectField(AssetEdgeRef, 'relation', (t) =>
  t.field({
    type: RelationRef,
    nullable: true,
    description: 'For a search by relatedTo: the relation that joins this hit to that asset',
    resolve: (edge) => edge.relation,
  }),
);
