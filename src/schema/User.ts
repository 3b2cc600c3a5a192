import type { RequestContext } from '../context.js';
import { ROLES, type UserView } from '../db/entities/User.js';
import { listUsers } from '../resolvers/accounts/users.js';
import { checkedFirst, DEFAULT_LIST_SIZE, MAX_LIST_SIZE } from '../resolvers/listSizes.js';
import { builder } from './builder.js';
import { NodeRef } from './Node.js';

export const RoleEnum = builder.enumType('Role', {
  values: ROLES,
  description: 'VIEWER < CONTRIBUTOR < EDITOR < ADMIN; each may do all that the ones before it may',
});

/**
 * A field of type User may resolve to the user's id: the request's userById loader batches them, and its
 * null for an unknown id answers null. (The shape is given since the loader's results may be null.)
 */
export const UserRef = builder.loadableObject<
  UserView | null | Error,
  string,
  [typeof NodeRef],
  'User',
  string,
  UserView
>('User', {
  load: (ids: string[], ctx: RequestContext) => ctx.loaders.userById.loadMany(ids),
  interfaces: [NodeRef],
  fields: (t) => ({
    id: t.exposeID('id'),
    username: t.exposeString('username'),
    fullName: t.string({ nullable: true, resolve: (user) => user.fullName ?? null }),
    email: t.string({ nullable: true, resolve: (user) => user.email ?? null }),
    organisationId: t.string({ nullable: true, resolve: (user) => user.organisationId ?? null }),
    role: t.field({ type: RoleEnum, resolve: (user) => user.role }),
    createdAt: t.field({ type: 'DateTime', resolve: (user) => user.createdAt }),
  }),
});

builder.queryFields((t) => ({
  viewer: t.field({
    type: UserRef,
    nullable: true,
    description: 'Who is asking; null when not logged in',
    resolve: (_root, _args, ctx) => ctx.viewer,
  }),
  users: t.field({
    type: [UserRef],
    description: `The users by name (ADMIN): the first \`first\` of them, at most ${MAX_LIST_SIZE}`,
    args: { first: t.arg.int({ defaultValue: DEFAULT_LIST_SIZE }) },
    resolve: (_root, { first }, ctx) => listUsers(ctx, checkedFirst(first)),
  }),
}));
