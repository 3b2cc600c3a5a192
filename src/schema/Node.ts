import { wrap } from '@mikro-orm/core';
import type { RequestContext } from '../context.js';
import { NotFound } from '../errors.js';
import { findNode } from '../resolvers/assets/nodes.js';
import { builder } from './builder.js';

export const NodeRef = builder.interfaceRef<{ id: string }>('Node').implement({
  fields: (t) => ({ id: t.exposeID('id') }),
  // Every node is an entity, and each entity is the GraphQL type of the same name.
  resolveType: (value) => wrap(value, true).__meta.className,
});

async function nodeOrNull(ctx: RequestContext, id: string) {
  try {
    return await findNode(ctx, id);
  } catch (error) {
    if (error instanceof NotFound) return null;
    throw error;
  }
}

builder.queryFields((t) => ({
  node: t.field({
    type: NodeRef,
    nullable: true,
    description: 'Any record by its id: an asset, a user or a download preset. Null when none is visible.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, ctx) => nodeOrNull(ctx, id),
  }),
  nodes: t.field({
    type: [NodeRef],
    nullable: { list: false, items: true },
    args: { ids: t.arg.idList({ required: true }) },
    resolve: (_root, { ids }, ctx) => Promise.all(ids.map((id) => nodeOrNull(ctx, id))),
  }),
}));
