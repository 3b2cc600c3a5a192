import { cancelProcess } from '../../resolvers/bulk/processes.js';
import { builder } from '../builder.js';
import { ProcessRef } from '../Process.js';

builder.mutationField('cancelProcess', (t) =>
  t.field({
    type: ProcessRef,
    description: 'Stops a running process of yours at its next asset, keeping what it did; a finished one is unchanged',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, ctx) => cancelProcess(ctx, id),
  }),
);
