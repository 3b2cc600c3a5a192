import type { RequestContext } from '../../context.js';
import type { Process } from '../../db/entities/Process.js';
import { BadInput } from '../../errors.js';
import { checkedMetadata } from '../assets/assetFields.js';
import { updateOrCheckIn } from '../assets/checkout.js';
import { requireViewer } from '../policy/access.js';
import { checkedQuery } from '../search/searchAssets.js';
import { COLUMN_FIELDS } from '../search/searchFields.js';
import { type BulkJob, countEach, runBulkJob } from './processes.js';
import { idsMatching } from './queryTargets.js';

export interface BulkUpdateInput {
  query: string;
  metadata?: unknown;
  /** WoodWing's `+item` / `-item` on list fields (see metadataModifications). */
  parseMetadataModifications?: boolean | null;
}

/** Fields every asset has of its own (name, folder, dates, checkout...): a move or an update sets them, not this. */
const OWN_FIELDS = new Set([...Object.keys(COLUMN_FIELDS), 'checkedOut', 'checkedOutOnClient', 'ancestorPaths']);

/**
 * What WoodWing's updatebulk will do, checked before any asset changes: the same metadata changes on every
 * asset the query finds. An asset the viewer may not change (not theirs for a CONTRIBUTOR, checked out by
 * someone else, ...) counts as an error; the others change.
 */
export async function bulkUpdateJob(ctx: RequestContext, input: BulkUpdateInput): Promise<BulkJob> {
  requireViewer(ctx);
  if (input.query.trim() === '') throw new BadInput('The query is required: say which assets to change');
  const changes = checkedMetadata(input.metadata);
  const names = Object.keys(changes);
  if (names.length === 0) throw new BadInput('No metadata to change: send metadata or <field>=value');
  const own = names.filter((name) => OWN_FIELDS.has(name));
  if (own.length > 0) {
    throw new BadInput(`${own.join(', ')} cannot be set in bulk: use update for one asset, move to rename or move`);
  }
  const query = await checkedQuery(ctx, input.query);
  const parse = input.parseMetadataModifications ?? false;
  return {
    operation: 'UPDATE',
    async run(ctx, tally) {
      await countEach(ctx, tally, await idsMatching(ctx, query), async (itemCtx, id) => {
        await updateOrCheckIn(itemCtx, id, { metadata: changes, parseMetadataModifications: parse });
        return true;
      });
    },
  };
}

export async function updateAssets(
  ctx: RequestContext,
  input: BulkUpdateInput,
  options: { background?: boolean | null } = {},
): Promise<Process> {
  return runBulkJob(ctx, await bulkUpdateJob(ctx, input), options);
}
