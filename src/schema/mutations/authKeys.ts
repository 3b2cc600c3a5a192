import { createAuthKey, revokeAuthKeys, updateAuthKey } from '../../resolvers/sharing/authKeys.js';
import { AuthKeyRef } from '../AuthKey.js';
import { builder } from '../builder.js';

const CreateAuthKeyInput = builder.inputType('CreateAuthKeyInput', {
  fields: (t) => ({
    subject: t.string({ required: true }),
    validUntil: t.field({ type: 'DateTime', required: true }),
    assetIds: t.idList({ description: 'may be left out only when requestUpload is true' }),
    description: t.string(),
    downloadOriginal: t.boolean({ description: 'true forces downloadPreview to true' }),
    downloadPreview: t.boolean({ description: 'false forces downloadOriginal to false' }),
    requestApproval: t.boolean(),
    requestUpload: t.boolean({ description: 'needs importFolderPath' }),
    containerId: t.id({ description: 'the collection that uploaded files are added to' }),
    containerIds: t.idList({ description: 'collections whose current content is shared' }),
    importFolderPath: t.string(),
    notifyEmail: t.string(),
    sort: t.string(),
    downloadPresetIds: t.idList(),
    watermarked: t.boolean(),
  }),
});

const UpdateAuthKeyInput = builder.inputType('UpdateAuthKeyInput', {
  description: 'Every field but the shared assets; a field left out stays as it is',
  fields: (t) => ({
    subject: t.string(),
    validUntil: t.field({ type: 'DateTime' }),
    description: t.string(),
    downloadOriginal: t.boolean(),
    downloadPreview: t.boolean(),
    requestApproval: t.boolean(),
    requestUpload: t.boolean(),
    containerId: t.id(),
    containerIds: t.idList(),
    importFolderPath: t.string(),
    notifyEmail: t.string(),
    sort: t.string(),
    downloadPresetIds: t.idList(),
    watermarked: t.boolean(),
  }),
});

builder.mutationFields((t) => ({
  createAuthKey: t.field({
    type: AuthKeyRef,
    description: 'Shares assets through a link that needs no login (CONTRIBUTOR or above)',
    args: { input: t.arg({ type: CreateAuthKeyInput, required: true }) },
    resolve: (_root, { input }, ctx) => createAuthKey(ctx, input),
  }),
  updateAuthKey: t.field({
    type: AuthKeyRef,
    args: {
      key: t.arg.string({ required: true }),
      input: t.arg({ type: UpdateAuthKeyInput, required: true }),
    },
    resolve: (_root, { key, input }, ctx) => updateAuthKey(ctx, key, input),
  }),
  revokeAuthKeys: t.int({
    description: 'Stops the links at once; returns how many were revoked',
    args: { keys: t.arg.stringList({ required: true }) },
    resolve: (_root, { keys }, ctx) => revokeAuthKeys(ctx, keys),
  }),
}));
