import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

/** Failed logins per username and client address, in the database so that every instance sees them. */
export const LoginThrottle = defineEntity({
  name: 'LoginThrottle',
  tableName: 'login_throttles',
  properties: {
    key: p.string().length(64).primary(),
    failures: p.integer(),
    lastFailureAt: p.datetime(),
    lockedUntil: p.datetime().nullable(),
  },
});
export type LoginThrottle = InferEntity<typeof LoginThrottle>;
