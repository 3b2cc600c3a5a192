import { randomBytes } from 'node:crypto';
import { Migration } from '@mikro-orm/migrations';

/*
 * The extension and assetDomain rule, and the id format, as they stood when this migration was written:
 * frozen here so that it fills the same values forever, whatever the live rules (src/db/assetDomain.ts,
 * src/ids.ts) become.
 */
const DOMAIN_BY_EXTENSION: Record<string, string> = {
  collection: 'container',
  dossier: 'container',
  task: 'container',
  pdf: 'pdf',
  doc: 'document',
  docx: 'document',
  dot: 'document',
  odt: 'document',
  rtf: 'document',
  pages: 'document',
  ppt: 'presentation',
  pptx: 'presentation',
  odp: 'presentation',
  key: 'presentation',
  xls: 'spreadsheet',
  xlsx: 'spreadsheet',
  xlsm: 'spreadsheet',
  xlt: 'spreadsheet',
  ods: 'spreadsheet',
  numbers: 'spreadsheet',
  csv: 'spreadsheet',
  txt: 'text',
  md: 'text',
  html: 'text',
  htm: 'text',
  xml: 'text',
  json: 'text',
};

/** A folder's id, made as record ids were then: 128 random bits, url-safe. */
const newId = () => randomBytes(16).toString('base64url');

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 && dot < name.length - 1 ? name.slice(dot + 1).toLowerCase() : '';
}

function assetDomainOf(name: string, contentType: string): string {
  const byExtension = DOMAIN_BY_EXTENSION[extensionOf(name)];
  if (byExtension) return byExtension;
  const type = contentType.toLowerCase();
  if (type.startsWith('image/')) return 'image';
  if (type.startsWith('video/')) return 'video';
  if (type.startsWith('audio/')) return 'audio';
  if (type === 'application/pdf') return 'pdf';
  if (type.startsWith('text/')) return 'text';
  return 'generic';
}

/** What an asset's metadata contributes to free text: every string in it. */
const metadataText = (row: string) =>
  `(select group_concat(value, ' ') from json_tree(${row}.metadata) where type = 'text')`;

/** One row per metadata field value (each item of a list its own), for field queries and facets. */
const fieldValues = (row: string, from: string) => `
  insert into "asset_field_values" ("asset_rowid", "field", "value")
    select ${row}.rowid, j.key, j.value from ${from} json_each(${row}.metadata) j where j.type not in ('array', 'object', 'null')
    union all
    select ${row}.rowid, j.key, e.value from ${from} json_each(${row}.metadata) j, json_each(j.value) e
      where j.type = 'array' and e.type not in ('array', 'object', 'null')`;

function withAncestors(paths: Iterable<string>): Set<string> {
  const all = new Set<string>();
  for (const path of paths) {
    const segments = path.split('/').filter(Boolean);
    for (let depth = 1; depth <= segments.length; depth++) all.add(`/${segments.slice(0, depth).join('/')}`);
  }
  return all;
}

/**
 * Search: derived columns for domain and extension, folders of their own, an FTS5 index over names and
 * metadata text, and a table of metadata values. Triggers keep the last two in step with every write to
 * assets, through the ORM or not.
 */
export class Migration20261122130000Search extends Migration {
  override async up(): Promise<void> {
    const run = (sql: string, params: unknown[] = []) => this.execute(sql, params);
    await run(`alter table "assets" add column "extension" text not null default ''`);
    await run(`alter table "assets" add column "asset_domain" text not null default 'generic'`);
    const assets = (await run(`select "id", "name", "content_type", "folder_path", "created_at" from "assets"`)) as {
      id: string;
      name: string;
      content_type: string;
      folder_path: string;
    }[];
    for (const asset of assets) {
      await run(`update "assets" set "extension" = ?, "asset_domain" = ? where "id" = ?`, [
        extensionOf(asset.name),
        assetDomainOf(asset.name, asset.content_type),
        asset.id,
      ]);
    }
    await run(`create index "assets_name_nocase_index" on "assets" ("name" collate nocase)`);
    await run(`create index "assets_folder_path_nocase_index" on "assets" ("folder_path" collate nocase)`);
    await run(`create index "assets_extension_index" on "assets" ("extension")`);
    await run(`create index "assets_asset_domain_index" on "assets" ("asset_domain")`);
    await run(`create index "assets_content_type_index" on "assets" ("content_type")`);
    await run(`create index "assets_size_index" on "assets" ("size")`);

    await run(
      `create table "folders" ("id" text not null primary key, "path" text not null, "created_at" datetime not null, "created_by_id" text null, "deleted_at" datetime null, constraint "folders_created_by_id_foreign" foreign key ("created_by_id") references "users" ("id") on delete set null)`,
    );
    await run(`create unique index "folders_path_unique" on "folders" ("path")`);
    await run(`create index "folders_created_by_id_index" on "folders" ("created_by_id")`);
    // Folders that assets already live in exist in their own right from now on, with their ancestors.
    for (const path of withAncestors(assets.map((asset) => asset.folder_path))) {
      await run(`insert into "folders" ("id", "path", "created_at") values (?, ?, ?)`, [newId(), path, Date.now()]);
    }

    await run(
      `create table "asset_field_values" ("asset_rowid" integer not null, "field" text not null, "value" text not null collate nocase)`,
    );
    await run(`create index "asset_field_values_field_value_index" on "asset_field_values" ("field", "value")`);
    await run(`create index "asset_field_values_asset_index" on "asset_field_values" ("asset_rowid")`);
    await run(
      `create virtual table "asset_fts" using fts5("name", "body", tokenize = 'unicode61 remove_diacritics 2')`,
    );
    // The indexed words, for free-text wildcards that FTS5 cannot do itself (h?rbour, *ouse).
    await run(`create virtual table "asset_fts_words" using fts5vocab("asset_fts", 'row')`);

    const index = (row: string) => `
      insert into "asset_fts" ("rowid", "name", "body") values (${row}.rowid, ${row}.name, ${metadataText(row)});
      ${fieldValues(row, '')};`;
    const unindex = (row: string) => `
      delete from "asset_fts" where "rowid" = ${row}.rowid;
      delete from "asset_field_values" where "asset_rowid" = ${row}.rowid;`;
    await run(`create trigger "assets_search_insert" after insert on "assets" begin ${index('new')} end`);
    await run(
      `create trigger "assets_search_update" after update of "name", "metadata" on "assets" begin ${unindex('old')} ${index('new')} end`,
    );
    await run(`create trigger "assets_search_delete" after delete on "assets" begin ${unindex('old')} end`);
    await run(
      `insert into "asset_fts" ("rowid", "name", "body") select a.rowid, a.name, ${metadataText('a')} from "assets" a`,
    );
    await run(fieldValues('a', '"assets" a,'));
  }
}
