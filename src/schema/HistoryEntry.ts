import { HISTORY_ACTIONS, type HistoryEntry } from '../db/entities/HistoryEntry.js';
import { builder } from './builder.js';

export const HistoryActionEnum = builder.enumType('HistoryAction', { values: HISTORY_ACTIONS });

export const HistoryEntryRef = builder.objectRef<HistoryEntry>('HistoryEntry').implement({
  fields: (t) => ({
    action: t.field({ type: HistoryActionEnum, resolve: (entry) => entry.action }),
    at: t.field({ type: 'DateTime', resolve: (entry) => entry.at }),
    username: t.string({ nullable: true, resolve: (entry) => entry.username ?? null }),
    versionNumber: t.int({ nullable: true, resolve: (entry) => entry.versionNumber ?? null }),
    details: t.field({ type: 'JSON', nullable: true, resolve: (entry) => entry.details ?? null }),
  }),
});
