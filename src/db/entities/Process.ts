import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { User } from './User.js';

export const BULK_OPERATIONS = ['REMOVE', 'UPDATE', 'MOVE', 'COPY'] as const;
export type BulkOperation = (typeof BULK_OPERATIONS)[number];

export const PROCESS_STATUSES = ['RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED'] as const;
export type ProcessStatus = (typeof PROCESS_STATUSES)[number];

/**
 * One bulk operation (remove, update, move or copy of many assets) and how far it got. Kept in the database,
 * not in memory, so that any instance can answer how a process started on another one is doing.
 */
export const Process = defineEntity({
  name: 'Process',
  tableName: 'processes',
  properties: {
    id: p.string().length(22).primary(),
    operation: p.enum(() => BULK_OPERATIONS).$type<BulkOperation>(),
    status: p.enum(() => PROCESS_STATUSES).$type<ProcessStatus>(),
    startedBy: () => p.manyToOne(User).ref().deleteRule('cascade'),
    processedCount: p.integer().default(0),
    errorCount: p.integer().default(0),
    /** Why it failed or stopped; null while it runs and once it completed. */
    message: p.text().nullable(),
    cancelRequested: p.boolean().default(false),
    startedAt: p.datetime(),
    /** Written as it makes progress and by a heartbeat: a running process not heard of for long has died. */
    updatedAt: p.datetime(),
    finishedAt: p.datetime().nullable().index(),
  },
});
export type Process = InferEntity<typeof Process>;
