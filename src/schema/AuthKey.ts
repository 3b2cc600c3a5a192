import type { AuthKey } from '../db/entities/AuthKey.js';
import {
  assetsOf,
  clientUrlsOf,
  getAuthKey,
  isExpired,
  listAuthKeys,
  plainKeyOf,
  presetsOf,
} from '../resolvers/sharing/authKeys.js';
import { AssetRef } from './Asset.js';
import { builder } from './builder.js';
import { connectionOf, ONCE_PER_PAGE, pageCost } from './connections.js';
import { DownloadPresetRef } from './DownloadPreset.js';
import { NodeRef } from './Node.js';
import { UserRef } from './User.js';

export const AuthKeyRef = builder.objectRef<AuthKey>('AuthKey');

type AuthKeyConnection = ReturnType<typeof connectionOf<AuthKey>> & { totalCount: number };

AuthKeyRef.implement({
  description: 'A shared link: who may see which assets, and what they may do with them, until when',
  interfaces: [NodeRef],
  fields: (t) => ({
    id: t.exposeID('id'),
    key: t.string({
      description: 'the secret of the shared link',
      resolve: (authKey, _args, ctx) => plainKeyOf(ctx, authKey),
    }),
    subject: t.exposeString('subject'),
    description: t.string({ nullable: true, resolve: (authKey) => authKey.description ?? null }),
    validUntil: t.field({ type: 'DateTime', resolve: (authKey) => authKey.validUntil }),
    assets: t.field({
      type: [AssetRef],
      resolve: (authKey, _args, ctx) => assetsOf(ctx, authKey),
    }),
    containerId: t.id({ nullable: true, resolve: (authKey) => authKey.containerId ?? null }),
    containerIds: t.idList({ resolve: (authKey) => authKey.containerIds }),
    downloadOriginal: t.exposeBoolean('downloadOriginal'),
    downloadPreview: t.exposeBoolean('downloadPreview'),
    requestApproval: t.exposeBoolean('requestApproval'),
    requestUpload: t.exposeBoolean('requestUpload'),
    importFolderPath: t.string({ nullable: true, resolve: (authKey) => authKey.importFolderPath ?? null }),
    notifyEmail: t.string({ nullable: true, resolve: (authKey) => authKey.notifyEmail ?? null }),
    sort: t.string({ nullable: true, resolve: (authKey) => authKey.sort ?? null }),
    downloadPresets: t.field({
      type: [DownloadPresetRef],
      resolve: (authKey, _args, ctx) => presetsOf(ctx, authKey),
    }),
    watermarked: t.exposeBoolean('watermarked'),
    webClientUrl: t.string({
      description: '<public url>?w=<key>',
      resolve: (authKey, _args, ctx) => clientUrlsOf(ctx, plainKeyOf(ctx, authKey)).webClientUrl,
    }),
    desktopClientUrl: t.string({
      description: '<public url>?e=<key>',
      resolve: (authKey, _args, ctx) => clientUrlsOf(ctx, plainKeyOf(ctx, authKey)).desktopClientUrl,
    }),
    mobileClientUrl: t.string({
      description: 'elvis://<host>?w=<key>',
      resolve: (authKey, _args, ctx) => clientUrlsOf(ctx, plainKeyOf(ctx, authKey)).mobileClientUrl,
    }),
    createdBy: t.field({
      type: UserRef,
      nullable: true,
      resolve: (authKey) => authKey.createdBy?.id ?? null,
    }),
    createdAt: t.field({ type: 'DateTime', resolve: (authKey) => authKey.createdAt }),
    revoked: t.boolean({ resolve: (authKey) => authKey.revokedAt != null }),
    expired: t.boolean({ resolve: (authKey) => isExpired(authKey) }),
  }),
});

const AuthKeyConnectionRef = builder.connectionObject<typeof AuthKeyRef, AuthKeyConnection>({
  type: AuthKeyRef,
  name: 'AuthKeyConnection',
  fields: (t) => ({
    totalCount: t.int({ complexity: ONCE_PER_PAGE, resolve: (connection) => connection.totalCount }),
  }),
});

builder.queryFields((t) => ({
  authKey: t.field({
    type: AuthKeyRef,
    nullable: true,
    description: 'A shared link you created (any, for an ADMIN)',
    args: { key: t.arg.string({ required: true }) },
    resolve: (_root, { key }, ctx) => getAuthKey(ctx, key),
  }),
  authKeys: t.field({
    type: AuthKeyConnectionRef,
    description: 'The shared links you created (all, for an ADMIN), newest first',
    args: {
      first: t.arg.int(),
      after: t.arg.string(),
      includeExpired: t.arg.boolean({ description: 'also list expired and revoked links' }),
    },
    complexity: pageCost,
    resolve: async (_root, args, ctx) => {
      const page = await listAuthKeys(ctx, args);
      return { ...connectionOf(page.authKeys, page), totalCount: page.totalCount };
    },
  }),
}));
