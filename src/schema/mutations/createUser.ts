import { createUser } from '../../resolvers/accounts/users.js';
import { builder } from '../builder.js';
import { RoleEnum, UserRef } from '../User.js';

const CreateUserInput = builder.inputType('CreateUserInput', {
  fields: (t) => ({
    username: t.string({ required: true }),
    password: t.string({ required: true }),
    role: t.field({ type: RoleEnum, required: true }),
    fullName: t.string(),
    email: t.string(),
    organisationId: t.string(),
  }),
});

builder.mutationField('createUser', (t) =>
  t.field({
    type: UserRef,
    description: 'ADMIN only',
    args: { input: t.arg({ type: CreateUserInput, required: true }) },
    resolve: (_root, { input }, ctx) => createUser(ctx, input),
  }),
);
