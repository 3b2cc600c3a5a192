import { createApiToken } from '../../resolvers/accounts/users.js';
import { builder } from '../builder.js';

const ApiTokenPayloadRef = builder.objectRef<{ token: string; name: string }>('ApiTokenPayload').implement({
  fields: (t) => ({
    token: t.exposeString('token', { description: 'shown once; send it as Authorization: Bearer <token>' }),
    name: t.exposeString('name'),
  }),
});

builder.mutationField('createApiToken', (t) =>
  t.field({
    type: ApiTokenPayloadRef,
    description: 'A long-lived token for scripts, acting as you',
    args: { name: t.arg.string({ required: true }) },
    resolve: (_root, { name }, ctx) => createApiToken(ctx, name),
  }),
);
