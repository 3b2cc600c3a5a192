import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { User } from './User.js';

/** A long-lived bearer token. The client holds `<id>.<secret>`; only a hash of the secret is stored. */
export const ApiToken = defineEntity({
  name: 'ApiToken',
  tableName: 'api_tokens',
  properties: {
    id: p.string().length(22).primary(),
    name: p.string().length(256),
    secretHash: p.string().length(64),
    user: () => p.manyToOne(User).ref().deleteRule('cascade'),
    createdAt: p.datetime().onCreate(() => new Date()),
    revokedAt: p.datetime().nullable(),
    /** Null: it lasts until revoked. */
    expiresAt: p.datetime().nullable(),
  },
});
export type ApiToken = InferEntity<typeof ApiToken>;
