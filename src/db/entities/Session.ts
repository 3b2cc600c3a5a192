import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { User } from './User.js';

/** A login. The client holds `<id>.<secret>`; only hashes of the secret and of the csrf token are stored. */
export const Session = defineEntity({
  name: 'Session',
  tableName: 'sessions',
  properties: {
    id: p.string().length(22).primary(),
    secretHash: p.string().length(64),
    csrfTokenHash: p.string().length(64),
    user: () => p.manyToOne(User).ref().deleteRule('cascade'),
    clientId: p.string().length(256).nullable(),
    /** An API login (WoodWing apilogin): its token is never set as a cookie, so it needs no csrf token. */
    forApi: p.boolean().default(false),
    createdAt: p.datetime().onCreate(() => new Date()),
    expiresAt: p.datetime().index(),
  },
});
export type Session = InferEntity<typeof Session>;
