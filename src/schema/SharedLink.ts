import { openSharedLink, type SharedLinkView, uploadToSharedLink } from '../resolvers/sharing/sharedLinks.js';
import { AssetRef } from './Asset.js';
import { builder } from './builder.js';
import { incomingFile } from './uploads.js';

const SharedLinkRef = builder.objectRef<SharedLinkView>('SharedLink').implement({
  description: 'What the holder of a shared link sees, with no login',
  fields: (t) => ({
    subject: t.string({ resolve: (link) => link.authKey.subject }),
    description: t.string({ nullable: true, resolve: (link) => link.authKey.description ?? null }),
    validUntil: t.field({ type: 'DateTime', resolve: (link) => link.authKey.validUntil }),
    assets: t.field({ type: [AssetRef], resolve: (link) => link.assets }),
    downloadOriginal: t.boolean({ resolve: (link) => link.authKey.downloadOriginal }),
    downloadPreview: t.boolean({ resolve: (link) => link.authKey.downloadPreview }),
    requestUpload: t.boolean({ resolve: (link) => link.authKey.requestUpload }),
    requestApproval: t.boolean({ resolve: (link) => link.authKey.requestApproval }),
    watermarked: t.boolean({ resolve: (link) => link.authKey.watermarked }),
  }),
});

builder.queryField('sharedLink', (t) =>
  t.field({
    type: SharedLinkRef,
    nullable: true,
    description: 'Opens a shared link by its key; an unknown, expired or revoked key is NOT_FOUND alike',
    args: { key: t.arg.string({ required: true }) },
    resolve: (_root, { key }, ctx) => openSharedLink(ctx, key),
  }),
);

builder.mutationField('uploadToSharedLink', (t) =>
  t.field({
    type: AssetRef,
    description: "Sends a file through a link that asks for uploads; it goes into the link's import folder",
    args: {
      key: t.arg.string({ required: true }),
      file: t.arg({ type: 'Upload', required: true }),
      metadata: t.arg({ type: 'JSON' }),
    },
    resolve: async (_root, { key, file, metadata }, ctx) =>
      uploadToSharedLink(ctx, key, await incomingFile(file), metadata),
  }),
);
