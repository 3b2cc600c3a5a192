import type { EntityManager } from '@mikro-orm/core';
import { isSqlite } from '../../db/rawRows.js';

/** A condition or expression in SQL over the assets table (alias `a`), with its bound parameters. */
export interface SqlCondition {
  sql: string;
  params: unknown[];
  /** For `a.rowid in (<select>)`: that select, whose one column is named `hit`. */
  hits?: { sql: string; params: unknown[] };
}

/** The assets whose rowid `select` lists (its one column named `hit`). */
export function rowidListed(select: string, params: unknown[]): SqlCondition {
  return { sql: `a.rowid in (${select})`, params, hits: { sql: select, params } };
}

/** A word or phrase of free text; `prefix` for a trailing * (harb*). */
export interface FreeWord {
  text: string;
  phrase: boolean;
  prefix: boolean;
}

/**
 * What search writes differently on SQLite and on PostgreSQL. Everything else is SQL both run: both have a
 * case-insensitive `nocase` collation (PostgreSQL's is an ICU one that the migrations create), `instr`,
 * `json_array_length` and `||`.
 */
export interface SearchDialect {
  /** `expr LIKE ?`, ignoring case, with \ escaping % and _. */
  likeIgnoringCase(expr: string): string;
  /** `expr` matches a query pattern (* and ?), case included. */
  matchesExactly(expr: string, pattern: string): SqlCondition;
  /** A placeholder for a date given as epoch milliseconds. */
  datePlaceholder: string;
  /** The elements of a JSON array of strings as rows of one column, `value`. */
  jsonArrayValues(expr: string): string;
  /** A table hint that keeps a per-asset range check on the per-asset numbers ('' where none is needed). */
  perAssetNumbersHint: string;
  /** Assets whose indexed text has every one of `words`. */
  matchAll(words: FreeWord[]): SqlCondition;
  /** Assets with an indexed word like `pattern` (a LIKE pattern over folded words). */
  matchWordsLike(pattern: string): SqlCondition;
  /** How well an asset matches any of `groups` (each an AND of words): smaller is better. */
  relevance(groups: FreeWord[][]): SqlCondition;
  /** The assets whose rowid is in `rowids`, a JSON array of numbers. */
  rowidIn(rowids: string): SqlCondition;
}

function fts5Text(word: FreeWord): string {
  return `"${word.text.replace(/"/g, '""')}"${word.prefix ? '*' : ''}`;
}

const fts5Query = (groups: FreeWord[][]) => groups.map((words) => words.map(fts5Text).join(' AND ')).join(' OR ');

/** A LIKE pattern for a query pattern: * and ? become % and _, and the rest is taken literally. */
export function likePattern(value: string): string {
  return value
    .replace(/[\\%_]/g, (c) => `\\${c}`)
    .replace(/\*/g, '%')
    .replace(/\?/g, '_');
}

const sqlite: SearchDialect = {
  likeIgnoringCase: (expr) => `${expr} like ? escape '\\'`,
  // SQLite's LIKE ignores case; GLOB does not, and has * and ? itself ([ is its only other special).
  matchesExactly: (expr, pattern) => ({ sql: `${expr} glob ?`, params: [pattern.replace(/\[/g, '[[]')] }),
  datePlaceholder: '?',
  jsonArrayValues: (expr) => `json_each(${expr})`,
  perAssetNumbersHint: 'indexed by asset_field_values_asset_number_index',
  matchAll: (words) => rowidListed('select rowid as hit from asset_fts where asset_fts match ?', [fts5Query([words])]),
  // FTS5 cannot match inside or before a word: list the indexed words like the pattern first.
  matchWordsLike: (pattern) =>
    rowidListed(
      `select rowid as hit from asset_fts where asset_fts match (select coalesce(group_concat('"' || term || '"', ' OR '), '"\u0001"') from asset_fts_words where term like ? escape '\\')`,
      [pattern],
    ),
  relevance: (groups) => ({
    sql: '(select bm25(asset_fts) from asset_fts where asset_fts match ? and asset_fts.rowid = a.rowid)',
    params: [fts5Query(groups)],
  }),
  rowidIn: (rowids) => rowidListed('select value as hit from json_each(?)', [rowids]),
};

function tsQuery(word: FreeWord): SqlCondition {
  if (word.phrase) return { sql: `phraseto_tsquery('simple', search_words(?))`, params: [word.text] };
  if (word.prefix) {
    return { sql: `to_tsquery('simple', quote_literal(trim(search_words(?))) || ':*')`, params: [word.text] };
  }
  return { sql: `plainto_tsquery('simple', search_words(?))`, params: [word.text] };
}

function tsQueryOf(groups: FreeWord[][]): SqlCondition {
  const parts = groups.map((words) => {
    const queries = words.map(tsQuery);
    return { sql: `(${queries.map((q) => q.sql).join(' && ')})`, params: queries.flatMap((q) => q.params) };
  });
  return { sql: parts.map((part) => part.sql).join(' || '), params: parts.flatMap((part) => part.params) };
}

const postgres: SearchDialect = {
  likeIgnoringCase: (expr) => `${expr} collate "default" ilike ? escape '\\'`,
  matchesExactly: (expr, pattern) => ({ sql: `${expr} like ? escape '\\'`, params: [likePattern(pattern)] }),
  datePlaceholder: 'to_timestamp(?::double precision / 1000)',
  jsonArrayValues: (expr) => `json_array_elements_text(${expr})`,
  perAssetNumbersHint: '',
  matchAll: (words) => {
    const query = tsQueryOf([words]);
    return rowidListed(
      `select t.asset_rowid as hit from asset_text t where t.document @@ (${query.sql})`,
      query.params,
    );
  },
  // No word list to search: a pattern inside a word reads every document's words.
  matchWordsLike: (pattern) =>
    rowidListed(
      `select t.asset_rowid as hit from asset_text t where exists (select 1 from unnest(tsvector_to_array(t.document)) w where w like unaccent(?) escape '\\')`,
      [pattern],
    ),
  relevance: (groups) => {
    const query = tsQueryOf(groups);
    return {
      sql: `(select -ts_rank(t.document, ${query.sql}) from asset_text t where t.asset_rowid = a.rowid)`,
      params: query.params,
    };
  },
  rowidIn: (rowids) => rowidListed('select value::bigint as hit from json_array_elements_text(?::json)', [rowids]),
};

export function searchDialectOf(em: EntityManager): SearchDialect {
  return isSqlite(em) ? sqlite : postgres;
}
