import { Migration } from '@mikro-orm/migrations';
import { rewriteTagStrings } from '../migrations/Migration20261207120000TagLists.js';

/** `tags` stored as a comma string rewritten as a list, re-indexed by the search trigger (SQLite's twin). */
export class Migration20261207120000TagLists extends Migration {
  override async up(): Promise<void> {
    const run = (sql: string, params: unknown[] = []) => this.execute(sql, params);
    for (const table of ['assets', 'folders'] as const) {
      await rewriteTagStrings(run, table, `json_typeof("metadata" -> 'tags') = 'string'`);
    }
  }
}
