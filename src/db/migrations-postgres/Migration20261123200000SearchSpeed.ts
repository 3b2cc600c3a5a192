import { Migration } from '@mikro-orm/migrations';
import { ASSET_CHANGES_KEPT } from '../migrations/Migration20261123200000SearchSpeed.js';

/** A JSON scalar as text, and as a number when it is one (a JSON number, or a string that reads as one). */
// As on SQLite: a sign, digits, at most one point. No `?` in it (the migrator would take one for a
// parameter); digits bounded, so that no cast overflows.
const NUMBER_PATTERN = String.raw`^[-+]{0,1}([0-9]{1,250}\.{0,1}[0-9]{0,250}|\.[0-9]{1,250})$`;

/**
 * Search's machinery on PostgreSQL, the twin of what SQLite's Search, SearchIndexes and SearchSpeed
 * migrations build: metadata values one row each (asset_field_values, with a numeric copy), the words of
 * each asset's name and text metadata (asset_text, a tsvector with a GIN index, accents folded by
 * unaccent), and the change log that facet counts follow. One trigger keeps all three in step with every
 * write to assets.
 *
 * So that search's SQL runs on both databases unchanged, this also gives PostgreSQL what SQLite has built
 * in: a case-insensitive collation named `nocase` (ICU, level 2: case folded, accents kept) and `instr`.
 */
export class Migration20261123200000SearchSpeed extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create extension if not exists unaccent`);
    this.addSql(
      `create collation if not exists nocase (provider = icu, locale = 'und-u-ks-level2', deterministic = false)`,
    );
    this.addSql(
      `create or replace function instr(text, text) returns integer language sql immutable as 'select strpos($1, $2)'`,
    );
    // Words as SQLite's unicode61 tokenizer sees them: accents folded, split at anything but letters and digits
    // (PostgreSQL's own parser keeps harbour.jpg as one word). Queries go through the same function.
    this.addSql(
      `create or replace function search_words(text) returns text language sql stable as $$select regexp_replace(unaccent($1), '[^[:alnum:]]+', ' ', 'g')$$`,
    );

    this.addSql(
      `create table "asset_field_values" ("asset_rowid" bigint not null, "field" text not null, "value" text collate nocase not null, "number_value" double precision null)`,
    );
    this.addSql(
      `create index "asset_field_values_field_value_asset_index" on "asset_field_values" ("field", "value", "asset_rowid")`,
    );
    this.addSql(
      `create index "asset_field_values_asset_field_number_index" on "asset_field_values" ("asset_rowid", "field", "number_value")`,
    );
    this.addSql(
      `create index "asset_field_values_field_number_asset_index" on "asset_field_values" ("field", "number_value", "asset_rowid") where "number_value" is not null`,
    );
    this.addSql(`create table "asset_text" ("asset_rowid" bigint not null primary key, "document" tsvector not null)`);
    this.addSql(`create index "asset_text_document_index" on "asset_text" using gin ("document")`);
    this.addSql(
      `create table "asset_changes" ("seq" bigint generated always as identity primary key, "asset_rowid" bigint not null)`,
    );
    this.addSql(`create index "assets_created_at_id_index" on "assets" ("created_at", "id")`);
    this.addSql(`create index "assets_modified_at_id_index" on "assets" ("modified_at", "id")`);

    this.addSql(`create function asset_search_index() returns trigger language plpgsql as $$
declare
  reindex boolean := tg_op = 'INSERT' or tg_op = 'DELETE'
    or new.name is distinct from old.name or new.metadata::text is distinct from old.metadata::text;
begin
  if reindex and tg_op <> 'INSERT' then
    delete from asset_field_values where asset_rowid = old.rowid;
    delete from asset_text where asset_rowid = old.rowid;
  end if;
  if reindex and tg_op <> 'DELETE' then
    insert into asset_field_values (asset_rowid, field, value, number_value)
      select new.rowid, j.key, x.value,
        case when x.type = 'number' or (x.type = 'string' and x.value ~ '${NUMBER_PATTERN}')
          then x.value::double precision end
      from json_each(new.metadata) j
      cross join lateral (
        select json_typeof(j.value) as type, j.value #>> '{}' as value
          where json_typeof(j.value) in ('string', 'number', 'boolean')
        union all
        select json_typeof(e.value), e.value #>> '{}'
          from json_array_elements(case when json_typeof(j.value) = 'array' then j.value else '[]'::json end) e
          where json_typeof(e.value) in ('string', 'number', 'boolean')
      ) x;
    insert into asset_text (asset_rowid, document) values (new.rowid,
      setweight(to_tsvector('simple', search_words(new.name)), 'A')
        || to_tsvector('simple', search_words(coalesce((
          select string_agg(s #>> '{}', ' ') from jsonb_path_query(new.metadata::jsonb, 'strict $.**') s
          where jsonb_typeof(s) = 'string'), ''))));
  end if;
  insert into asset_changes (asset_rowid) values (case when tg_op = 'DELETE' then old.rowid else new.rowid end);
  delete from asset_changes where seq <= (select max(seq) from asset_changes) - ${ASSET_CHANGES_KEPT};
  return null;
end
$$`);
    this.addSql(
      `create trigger "assets_search" after insert or update or delete on "assets" for each row execute function asset_search_index()`,
    );
  }
}
