import { promoteVersion } from '../../resolvers/assets/versions.js';
import { AssetRef } from '../Asset.js';
import { builder } from '../builder.js';

builder.mutationField('promoteVersion', (t) =>
  t.field({
    type: AssetRef,
    description:
      "Makes an earlier version's file the current one again, as the next version; it is scanned again before it is served",
    args: {
      id: t.arg.id({ required: true }),
      versionNumber: t.arg.int({ required: true }),
    },
    resolve: (_root, { id, versionNumber }, ctx) => promoteVersion(ctx, id, versionNumber),
  }),
);
