import { BULK_OPERATIONS, PROCESS_STATUSES, type Process } from '../db/entities/Process.js';
import { getProcess } from '../resolvers/bulk/processes.js';
import { builder } from './builder.js';

const BulkOperationEnum = builder.enumType('BulkOperation', { values: BULK_OPERATIONS });

const ProcessStatusEnum = builder.enumType('ProcessStatus', {
  description: 'A RUNNING process whose server stopped is shown as FAILED',
  values: PROCESS_STATUSES,
});

export const ProcessRef = builder.objectRef<Process>('Process');

ProcessRef.implement({
  description:
    'A bulk operation (removeAssets, updateAssets, moveAssets, copyAssets): run at once, or in the background with async: true',
  fields: (t) => ({
    id: t.exposeID('id'),
    operation: t.field({ type: BulkOperationEnum, resolve: (process) => process.operation }),
    status: t.field({ type: ProcessStatusEnum, resolve: (process) => process.status }),
    processedCount: t.exposeInt('processedCount', { description: 'assets handled so far' }),
    errorCount: t.exposeInt('errorCount', {
      description: 'assets it could not handle: you may not change them, someone else has them checked out, ...',
    }),
    cancelRequested: t.exposeBoolean('cancelRequested'),
    message: t.string({
      nullable: true,
      description: 'why it failed or stopped',
      resolve: (process) => process.message ?? null,
    }),
    startedAt: t.field({ type: 'DateTime', resolve: (process) => process.startedAt }),
    finishedAt: t.field({ type: 'DateTime', nullable: true, resolve: (process) => process.finishedAt ?? null }),
  }),
});

builder.queryField('process', (t) =>
  t.field({
    type: ProcessRef,
    description: 'A process you started (any, for an ADMIN); NOT_FOUND otherwise',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, ctx) => getProcess(ctx, id),
  }),
);
