import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { User } from './User.js';

/**
 * A shared link (WoodWing createAuthKey). The key is found by its hash; it is also kept encrypted, because
 * its creator may be shown it again.
 */
export const AuthKey = defineEntity({
  name: 'AuthKey',
  tableName: 'auth_keys',
  properties: {
    id: p.string().length(22).primary(),
    keyHash: p.string().length(64).unique(),
    keySealed: p.string().length(256),
    subject: p.string().length(1024),
    description: p.text().nullable(),
    validUntil: p.datetime(),
    assetIds: p.json<string[]>(),
    containerId: p.string().length(22).nullable(),
    containerIds: p.json<string[]>(),
    downloadOriginal: p.boolean(),
    downloadPreview: p.boolean(),
    requestApproval: p.boolean(),
    requestUpload: p.boolean(),
    importFolderPath: p.string().length(2048).nullable(),
    notifyEmail: p.string().length(320).nullable(),
    sort: p.string().length(256).nullable(),
    downloadPresetIds: p.json<string[]>(),
    watermarked: p.boolean(),
    createdBy: () => p.manyToOne(User).ref().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    revokedAt: p.datetime().nullable(),
  },
});
export type AuthKey = InferEntity<typeof AuthKey>;
