import { login, logout } from '../../resolvers/accounts/users.js';
import { builder } from '../builder.js';
import { UserRef } from '../User.js';

const LoginPayloadRef = builder
  .objectRef<{ token: string; csrfToken: string; user: import('../../db/entities/User.js').User }>('LoginPayload')
  .implement({
    fields: (t) => ({
      token: t.exposeString('token', { description: 'bearer token; also set as the authToken cookie' }),
      csrfToken: t.exposeString('csrfToken', {
        description: 'required as X-CSRF-TOKEN on cookie-authenticated mutations',
      }),
      user: t.field({ type: UserRef, resolve: (payload) => payload.user }),
    }),
  });

builder.mutationFields((t) => ({
  login: t.field({
    type: LoginPayloadRef,
    args: {
      username: t.arg.string({ required: true }),
      password: t.arg.string({ required: true }),
      clientId: t.arg.string({ description: 'names the client in checkouts made through this session' }),
    },
    resolve: (_root, { username, password, clientId }, ctx) => login(ctx, username, password, clientId ?? null),
  }),
  logout: t.boolean({
    description: 'Ends the session of this request; true if there was one',
    resolve: (_root, _args, ctx) => logout(ctx),
  }),
}));
