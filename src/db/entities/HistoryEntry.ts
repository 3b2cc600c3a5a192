import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { Asset } from './Asset.js';
import { User } from './User.js';

export const HISTORY_ACTIONS = [
  'CREATE',
  'UPDATE_METADATA',
  'REPLACE_FILE',
  'CHECKOUT',
  'UNDO_CHECKOUT',
  'CHECKIN',
  'MOVE',
  'REMOVE',
  'RESTORE',
  'SCAN',
  'SHARE',
  'USAGE',
] as const;
export type HistoryAction = (typeof HISTORY_ACTIONS)[number];

export const HistoryEntry = defineEntity({
  name: 'HistoryEntry',
  tableName: 'history_entries',
  properties: {
    id: p.integer().primary().autoincrement(),
    asset: () => p.manyToOne(Asset).ref().deleteRule('cascade'),
    action: p.enum(() => HISTORY_ACTIONS).$type<HistoryAction>(),
    at: p.datetime().onCreate(() => new Date()),
    user: () => p.manyToOne(User).ref().nullable().deleteRule('set null'),
    // Kept beside the user so that the entry still names who acted after the user is gone.
    username: p.string().length(128).nullable(),
    versionNumber: p.integer().nullable(),
    details: p.json<Record<string, unknown>>().nullable(),
  },
});
export type HistoryEntry = InferEntity<typeof HistoryEntry>;
