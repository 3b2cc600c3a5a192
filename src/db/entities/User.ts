import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

export const ROLES = ['VIEWER', 'CONTRIBUTOR', 'EDITOR', 'ADMIN'] as const;
export type Role = (typeof ROLES)[number];

export const User = defineEntity({
  name: 'User',
  tableName: 'users',
  properties: {
    id: p.string().length(22).primary(),
    username: p.string().length(128).unique(),
    passwordHash: p.string().length(256),
    fullName: p.string().length(256).nullable(),
    email: p.string().length(320).nullable(),
    organisationId: p.string().length(256).nullable(),
    role: p.enum(() => ROLES).$type<Role>(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export type User = InferEntity<typeof User>;

/** A user as a request sees who is asking: plain data, without the password hash, never written back. */
export type UserView = Pick<User, 'id' | 'username' | 'fullName' | 'email' | 'organisationId' | 'role' | 'createdAt'>;
