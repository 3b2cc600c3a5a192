import type { BadInput } from '../../errors.js';
import { endOfDay, parseDate } from './dateMath.js';
import { type QueryNode, QuerySyntaxError } from './queryParser.js';
import { type FreeWord, likePattern, rowidListed, type SearchDialect, type SqlCondition } from './searchDialect.js';
import {
  ANCESTOR_PATHS,
  COLUMN_FIELDS,
  type ColumnField,
  isMetadataFieldName,
  RELATION_FIELDS,
} from './searchFields.js';

export type { SqlCondition } from './searchDialect.js';

export interface RelationFilter {
  relatedTo: string;
  target: 'child' | 'parent' | 'any';
  type: string | null;
}

export interface CompiledQuery {
  condition: SqlCondition;
  /** Set when the query selects by relation: each hit then carries its relation. */
  relation: RelationFilter | null;
  /** How well each asset matches the free text (smaller is better); null when the query has none. */
  relevance: SqlCondition | null;
  /** Metadata fields the query names; each must exist, or the query is refused. */
  metadataFields: { name: string; position: number }[];
}

const TRUE: SqlCondition = { sql: '1 = 1', params: [] };

export const hasWildcard = (value: string) => /[*?]/.test(value);

/** A free-text word or phrase; null for a word with wildcards inside or before it (h?rbour, *ouse). */
function freeWord(value: string, phrase: boolean): FreeWord | null {
  const prefix = !phrase && /^[^*?]+\*$/.test(value);
  const text = prefix ? value.slice(0, -1) : value;
  if (!phrase && hasWildcard(text)) return null;
  return { text, phrase, prefix };
}

/** Stands for the free-text words of an AND, once they are joined into one full-text query. */
const JOINED_FREE_TEXT: QueryNode = { kind: 'term', field: null, value: '', phrase: false, position: 0 };

/** A metadata term every hit must match, written over a row of asset_field_values aliased `alias`. */
interface ValuesFilter {
  /** An exact value, which lists fewer assets from its index than a range does. */
  exact: boolean;
  condition(alias: string): SqlCondition;
}

/** Stands for the metadata terms of the top-level AND, once they are joined into one subquery. */
const JOINED_METADATA: SqlCondition = { sql: '', params: [] };

function freeTextCondition(dialect: SearchDialect, value: string, phrase: boolean): SqlCondition {
  if (!phrase && value === '*') return TRUE;
  const word = freeWord(value, phrase);
  return word ? dialect.matchAll([word]) : dialect.matchWordsLike(likePattern(value.toLowerCase()));
}

function numberOf(text: string, position: number): number {
  const value = Number(text);
  if (text.trim() === '' || Number.isNaN(value)) throw new QuerySyntaxError(`"${text}" is not a number`, position);
  return value;
}

function dateOf(text: string, position: number) {
  const parsed = parseDate(text);
  if (!parsed) {
    throw new QuerySyntaxError(
      `"${text}" is not a date (use YYYY-MM-DD, an ISO date-time, epoch ms or NOW-1DAY)`,
      position,
    );
  }
  return parsed;
}

function bound(field: ColumnField, text: string, position: number): number | string {
  if (field.kind === 'number') return numberOf(text, position);
  if (field.kind === 'date') return dateOf(text, position).date.getTime();
  return text;
}

function rangeCondition(
  sql: string,
  node: QueryNode & { kind: 'range' },
  value: (text: string) => unknown,
  placeholder = '?',
): SqlCondition {
  const parts: string[] = [];
  const params: unknown[] = [];
  if (node.from !== null) {
    parts.push(`${sql} ${node.includeFrom ? '>=' : '>'} ${placeholder}`);
    params.push(value(node.from));
  }
  if (node.to !== null) {
    parts.push(`${sql} ${node.includeTo ? '<=' : '<'} ${placeholder}`);
    params.push(value(node.to));
  }
  return parts.length ? { sql: parts.join(' and '), params } : TRUE;
}

function columnTerm(dialect: SearchDialect, field: ColumnField, value: string, position: number): SqlCondition {
  if (field.kind === 'text') {
    if (field.userColumn) {
      // From the few users with that name to their assets, instead of a look-up per asset.
      const match = hasWildcard(value) ? dialect.likeIgnoringCase('u.username') : 'u.username = ? collate nocase';
      return {
        sql: `${field.userColumn} in (select u.id from users u where ${match})`,
        params: [hasWildcard(value) ? likePattern(value) : value],
      };
    }
    if (field.exact)
      return hasWildcard(value)
        ? dialect.matchesExactly(field.sql, value)
        : { sql: `${field.sql} = ?`, params: [value] };
    if (hasWildcard(value)) return { sql: dialect.likeIgnoringCase(field.sql), params: [likePattern(value)] };
    // Without wildcards an equality, which an index can answer (LIKE cannot on a case-sensitive column).
    return field.lowercase
      ? { sql: `${field.sql} = ?`, params: [value.toLowerCase()] }
      : { sql: `${field.sql} = ? collate nocase`, params: [value] };
  }
  if (field.kind === 'number') return { sql: `${field.sql} = ?`, params: [numberOf(value, position)] };
  const { date, wholeDay } = dateOf(value, position);
  const at = dialect.datePlaceholder;
  return wholeDay
    ? { sql: `${field.sql} >= ${at} and ${field.sql} < ${at}`, params: [date.getTime(), endOfDay(date).getTime()] }
    : { sql: `${field.sql} = ${at}`, params: [date.getTime()] };
}

// Correlated, so that SQLite checks the asset in hand instead of first listing every asset with the field.
const METADATA_VALUES = 'exists (select 1 from asset_field_values v where v.asset_rowid = a.rowid and v.field = ? and ';

function metadataTerm(dialect: SearchDialect, name: string, value: string): SqlCondition {
  // The value column folds case itself (collate nocase), so an equality uses the (field, value) index.
  if (!hasWildcard(value)) return { sql: `${METADATA_VALUES}v.value = ?)`, params: [name, value] };
  return { sql: `${METADATA_VALUES}${dialect.likeIgnoringCase('v.value')})`, params: [name, likePattern(value)] };
}

function ancestorCondition(value: string): SqlCondition {
  const path = value.length > 1 ? value.replace(/\/+$/, '') : value;
  if (path === '/') return TRUE;
  return { sql: `(a.folder_path = ? or a.folder_path like ? escape '\\')`, params: [path, `${likePattern(path)}/%`] };
}

class Compiler {
  relation: Partial<Record<(typeof RELATION_FIELDS)[number], { value: string; position: number }>> = {};
  /** The free text, as groups of words that must all match, for relevance. */
  freeText: FreeWord[][] = [];
  private joinedFreeText: FreeWord[][] = [];

  constructor(private readonly dialect: SearchDialect) {}
  /** The exact metadata terms and ranges of the top-level AND, until joinedValues takes them. */
  private readonly valuesFilters: ValuesFilter[] = [];
  metadataFields: { name: string; position: number }[] = [];

  compile(node: QueryNode, topLevel: boolean): SqlCondition {
    switch (node.kind) {
      case 'all':
        return TRUE;
      case 'and':
      case 'or': {
        const children = node.kind === 'and' ? this.withFreeTextJoined(node.children) : node.children;
        const compiled = children
          .map((child) => this.compile(child, topLevel && node.kind === 'and'))
          .map((part, index, parts) =>
            part !== JOINED_METADATA ? part : parts.indexOf(JOINED_METADATA) === index ? this.joinedValues() : TRUE,
          );
        // `x OR *` is everything; in `x AND *` the * adds nothing.
        if (node.kind === 'or' && compiled.includes(TRUE)) return TRUE;
        const parts = compiled.filter((part) => part !== TRUE);
        if (parts.length === 0) return TRUE;
        // Alone, a part stays as it is: a list of rowids is then still known as one (see SqlCondition.hits).
        if (parts.length === 1) return parts[0] as SqlCondition;
        return {
          sql: `(${parts.map((part) => part.sql).join(node.kind === 'and' ? ' and ' : ' or ')})`,
          params: parts.flatMap((part) => part.params),
        };
      }
      case 'not': {
        const inner = this.compile(node.child, false);
        return { sql: `not (${inner.sql})`, params: inner.params };
      }
      case 'range':
        return this.range(node, topLevel);
      case 'term':
        return this.term(node, topLevel);
    }
  }

  /**
   * Free-text words joined by AND become one FTS5 query ("harbour" AND "dawn"): FTS5 intersects them far
   * faster than SQL can intersect one list of rows per word.
   */
  private withFreeTextJoined(children: QueryNode[]): QueryNode[] {
    const words = children.filter(
      (child): child is QueryNode & { kind: 'term' } =>
        child.kind === 'term' && child.field === null && freeWord(child.value, child.phrase) !== null,
    );
    if (words.length < 2) return children;
    const joined = words.map((word) => freeWord(word.value, word.phrase) as FreeWord);
    this.freeText.push(joined);
    this.joinedFreeText.push(joined);
    return [...children.filter((child) => !words.includes(child as never)), JOINED_FREE_TEXT];
  }

  private term(node: QueryNode & { kind: 'term' }, topLevel: boolean): SqlCondition {
    if (node === JOINED_FREE_TEXT) {
      return this.dialect.matchAll(this.joinedFreeText.shift() ?? []);
    }
    const { field, value, position } = node;
    if (field === '*' && value === '*') return TRUE;
    if (field === null) {
      const word = freeWord(value, node.phrase);
      if (word) this.freeText.push([word]);
      return freeTextCondition(this.dialect, value, node.phrase);
    }
    if ((RELATION_FIELDS as readonly string[]).includes(field)) {
      if (!topLevel)
        throw new QuerySyntaxError(`${field} may only be joined to the rest of the query by AND`, position);
      this.relation[field as (typeof RELATION_FIELDS)[number]] = { value, position };
      return TRUE;
    }
    if (field === ANCESTOR_PATHS) return ancestorCondition(value);
    const column = COLUMN_FIELDS[field];
    if (column) return columnTerm(this.dialect, column, value, position);
    if (topLevel && !hasWildcard(value)) {
      return this.metadata(field, position, () =>
        this.joined({
          exact: true,
          condition: (v) => ({ sql: `${v}.field = ? and ${v}.value = ?`, params: [field, value] }),
        }),
      );
    }
    return this.metadata(field, position, () => metadataTerm(this.dialect, field, value));
  }

  private range(node: QueryNode & { kind: 'range' }, topLevel: boolean): SqlCondition {
    const column = COLUMN_FIELDS[node.field];
    if (column) {
      if (column.kind === 'text') return rangeCondition(column.sql, node, (text) => text);
      const placeholder = column.kind === 'date' ? this.dialect.datePlaceholder : '?';
      return rangeCondition(column.sql, node, (text) => bound(column, text, node.position), placeholder);
    }
    const numbers = (alias: string) => {
      const inner = rangeCondition(`${alias}.number_value`, node, (text) => numberOf(text, node.position));
      return { sql: `${alias}.field = ? and ${inner.sql}`, params: [node.field, ...inner.params] };
    };
    return this.metadata(node.field, node.position, () => {
      if (topLevel) return this.joined({ exact: false, condition: numbers });
      // On the per-asset numbers: SQLite would otherwise walk the numeric index, every asset in the range per hit.
      const inner = numbers('v');
      return {
        sql: `exists (select 1 from asset_field_values v ${this.dialect.perAssetNumbersHint} where v.asset_rowid = a.rowid and ${inner.sql})`,
        params: inner.params,
      };
    });
  }

  private joined(filter: ValuesFilter): SqlCondition {
    this.valuesFilters.push(filter);
    return JOINED_METADATA;
  }

  /**
   * The metadata terms every hit must match, as one subquery: the first exact term (else the first range)
   * lists its assets from the index, and each other term is a join that keeps those that match it too.
   * SQLite runs that once, instead of a correlated subquery per listed asset for each other term.
   */
  joinedValues(): SqlCondition {
    const filters = this.valuesFilters.splice(0);
    const firstExact = filters.findIndex((filter) => filter.exact);
    const drives = firstExact >= 0 ? firstExact : 0;
    const [driver, ...others] = [filters[drives], ...filters.filter((_, index) => index !== drives)];
    if (!driver) return TRUE;
    const joins = others.map((filter, index) => {
      const alias = `j${index}`;
      const { sql, params } = filter.condition(alias);
      const hint = filter.exact ? '' : ` ${this.dialect.perAssetNumbersHint}`;
      return {
        join: ` cross join asset_field_values ${alias}${hint}`,
        where: { sql: `${alias}.asset_rowid = d.asset_rowid and ${sql}`, params },
      };
    });
    const driving = driver.condition('d');
    const where = [driving, ...joins.map((join) => join.where)];
    return rowidListed(
      `select d.asset_rowid as hit from asset_field_values d${joins.map((join) => join.join).join('')} where ${where.map((part) => part.sql).join(' and ')}`,
      where.flatMap((part) => part.params),
    );
  }

  private metadata(name: string, position: number, condition: () => SqlCondition): SqlCondition {
    if (!isMetadataFieldName(name)) throw new QuerySyntaxError(`"${name}" is not a field name`, position);
    this.metadataFields.push({ name, position });
    return condition();
  }

  relationFilter(): RelationFilter | null {
    const { relatedTo, relationTarget, relationType } = this.relation;
    if (!relatedTo) {
      const stray = relationTarget ?? relationType;
      if (stray)
        throw new QuerySyntaxError('relationTarget and relationType need relatedTo:<asset id>', stray.position);
      return null;
    }
    const target = relationTarget?.value ?? 'any';
    if (target !== 'child' && target !== 'parent' && target !== 'any') {
      throw new QuerySyntaxError('relationTarget is child, parent or any', relationTarget?.position ?? 0);
    }
    return { relatedTo: relatedTo.value, target, type: relationType?.value ?? null };
  }
}

/** The SQL of a parsed query; unknown metadata fields are checked by the caller against the stored ones. */
export function compileQuery(query: QueryNode, dialect: SearchDialect): CompiledQuery {
  const compiler = new Compiler(dialect);
  const compiled = compiler.compile(query, true);
  const condition = compiled === JOINED_METADATA ? compiler.joinedValues() : compiled;
  return {
    condition,
    relation: compiler.relationFilter(),
    relevance: compiler.freeText.length ? dialect.relevance(compiler.freeText) : null,
    metadataFields: compiler.metadataFields,
  };
}

/** Only hits joined to `relatedTo` by a relation of the asked direction (and type). */
export function relationCondition(filter: RelationFilter): SqlCondition {
  const sides: string[] = [];
  const params: unknown[] = [];
  if (filter.target !== 'parent') {
    sides.push('(r.target1_id = ? and r.target2_id = a.id)');
    params.push(filter.relatedTo);
  }
  if (filter.target !== 'child') {
    sides.push('(r.target2_id = ? and r.target1_id = a.id)');
    params.push(filter.relatedTo);
  }
  const type = filter.type ? ' and r.relation_type = ?' : '';
  if (filter.type) params.push(filter.type);
  return { sql: `exists (select 1 from asset_relations r where (${sides.join(' or ')})${type})`, params };
}

export function unknownFieldError(name: string, position: number): BadInput {
  return new QuerySyntaxError(`no asset has a field "${name}"`, position);
}
