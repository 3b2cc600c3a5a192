import type { AssetVersion } from '../db/entities/AssetVersion.js';
import { builder } from './builder.js';
import { UserRef } from './User.js';

export const AssetVersionRef = builder.objectRef<AssetVersion>('AssetVersion').implement({
  fields: (t) => ({
    versionNumber: t.exposeInt('versionNumber'),
    name: t.exposeString('name'),
    contentType: t.exposeString('contentType'),
    size: t.float({ resolve: (version) => version.size }),
    sha256: t.exposeString('sha256'),
    createdAt: t.field({ type: 'DateTime', resolve: (version) => version.createdAt }),
    createdBy: t.field({
      type: UserRef,
      nullable: true,
      resolve: (version) => version.createdBy?.id ?? null,
    }),
  }),
});
