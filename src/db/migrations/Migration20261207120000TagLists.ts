import { Migration } from '@mikro-orm/migrations';

type Metadata = Record<string, unknown>;
type Rows = { id: string; metadata: string | Metadata }[];

/** How `tags` was stored as a list when this was written: split at commas, trimmed, blanks and repeats dropped. */
export function withTagList(metadata: Metadata): Metadata {
  const tags = String(metadata.tags)
    .split(',')
    .map((tag) => tag.trim());
  return { ...metadata, tags: [...new Set(tags.filter((tag) => tag !== ''))] };
}

/** Rewrites each row's comma-string `tags` as a list; `stringTags` is the SQL condition for such rows. */
export async function rewriteTagStrings(
  run: (sql: string, params?: unknown[]) => Promise<unknown>,
  table: 'assets' | 'folders',
  stringTags: string,
): Promise<void> {
  const rows = (await run(`select "id", "metadata" from "${table}" where ${stringTags}`)) as Rows;
  for (const row of rows) {
    const metadata = typeof row.metadata === 'string' ? (JSON.parse(row.metadata) as Metadata) : row.metadata;
    await run(`update "${table}" set "metadata" = ? where "id" = ?`, [JSON.stringify(withTagList(metadata)), row.id]);
  }
}

/**
 * `tags` stored as a comma string ("red,blue") before every write kept it as a list: rewritten as a list, so
 * that `tags:red` finds it. The search triggers re-index each rewritten asset (asset_field_values, asset_fts)
 * and log it in asset_changes, which the facet counts follow. Folders' tags get the same shape.
 */
export class Migration20261207120000TagLists extends Migration {
  override async up(): Promise<void> {
    const run = (sql: string, params: unknown[] = []) => this.execute(sql, params);
    for (const table of ['assets', 'folders'] as const) {
      await rewriteTagStrings(run, table, `json_type("metadata", '$.tags') = 'text'`);
    }
  }
}
