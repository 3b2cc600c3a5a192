import type { EntityManager } from '@mikro-orm/core';
import { isSqlite, rawColumn, rawRows } from '../../db/rawRows.js';
import { COLUMN_FIELDS } from './searchFields.js';

const EMPTY = -1;
/** In an asset's first slot: its values are in the overflow map instead. */
const OVERFLOWED = -2;
const SLOTS = 4;

/**
 * The value numbers of each asset, by rowid: up to SLOTS of them in one flat typed array, an asset with more
 * in a map. Counting 50,000 hits is then a walk over consecutive integers, with no object per asset.
 */
class ValuesByAsset {
  private slots = new Int32Array(1024 * SLOTS).fill(EMPTY);
  private readonly overflow = new Map<number, number[]>();

  clear(rowid: number): void {
    const first = rowid * SLOTS;
    if (first >= this.slots.length) return;
    this.slots.fill(EMPTY, first, first + SLOTS);
    this.overflow.delete(rowid);
  }

  /** Gives the asset the value `number`, once. */
  add(rowid: number, number: number): void {
    this.makeRoomFor(rowid);
    const first = rowid * SLOTS;
    if (this.slots[first] === OVERFLOWED) {
      const numbers = this.overflow.get(rowid) ?? [];
      if (!numbers.includes(number)) numbers.push(number);
      this.overflow.set(rowid, numbers);
      return;
    }
    for (let slot = first; slot < first + SLOTS; slot++) {
      const held = this.slots[slot];
      if (held === number) return;
      if (held === EMPTY) {
        this.slots[slot] = number;
        return;
      }
    }
    this.overflow.set(rowid, [...this.slots.subarray(first, first + SLOTS), number]);
    this.slots.fill(EMPTY, first, first + SLOTS);
    this.slots[first] = OVERFLOWED;
  }

  /** Adds one to `counts` at each value number of each of `hits`. */
  countInto(hits: readonly number[], counts: Uint32Array): void {
    const slots = this.slots;
    for (const rowid of hits) {
      const first = rowid * SLOTS;
      if (first >= slots.length) continue;
      if (slots[first] === OVERFLOWED) {
        for (const number of this.overflow.get(rowid) ?? []) counts[number] = (counts[number] ?? 0) + 1;
        continue;
      }
      for (let slot = first; slot < first + SLOTS; slot++) {
        const number = slots[slot] ?? EMPTY;
        if (number === EMPTY) break;
        counts[number] = (counts[number] ?? 0) + 1;
      }
    }
  }

  hasAny(rowid: number, wanted: ReadonlySet<number>): boolean {
    const first = rowid * SLOTS;
    if (first >= this.slots.length) return false;
    if (this.slots[first] === OVERFLOWED) return (this.overflow.get(rowid) ?? []).some((number) => wanted.has(number));
    for (let slot = first; slot < first + SLOTS; slot++) {
      const number = this.slots[slot] ?? EMPTY;
      if (number === EMPTY) return false;
      if (wanted.has(number)) return true;
    }
    return false;
  }

  private makeRoomFor(rowid: number): void {
    const needed = (rowid + 1) * SLOTS;
    if (needed <= this.slots.length) return;
    let size = this.slots.length;
    while (size < needed) size *= 2;
    const grown = new Int32Array(size).fill(EMPTY);
    grown.set(this.slots);
    this.slots = grown;
  }
}

/** The values of one field for every asset, by rowid: what facet counts and facet selections read. */
interface FieldValues {
  /** Folded (lower-case) value -> its number. */
  numbers: Map<string, number>;
  /** Number -> the value as first seen. */
  values: string[];
  ofAsset: ValuesByAsset;
}

export interface ValueCount {
  value: string;
  hitCount: number;
}

const fold = (value: unknown) => String(value).toLowerCase();

/** More changed assets than this since the last look, and the loaded fields are read again whole. */
const MAX_CHANGES_APPLIED = 20_000;
const MAX_LOADED_FIELDS = 32;
const IN_LIST_SIZE = 500;

/** How far the change log had been applied: its newest entry, and (PostgreSQL) who was still writing then. */
interface ChangesSeen {
  seq: number;
  /** The transactions in progress at the look, as a comma list of ids: their changes were not visible yet. */
  running: string;
}

// Two subqueries: SQLite answers a lone max() or min() from the key's ends, but both in one select read the
// whole log. SQLite commits in sequence order, so the newest entry seen says what was seen.
const LOOK_SQLITE = "select (select max(seq) from asset_changes), (select min(seq) from asset_changes), ''";
const CHANGED_SQLITE = 'select distinct asset_rowid from asset_changes where seq > ? and seq <= ?';
// PostgreSQL numbers an entry at insert, not at commit: an entry below the newest seen may become visible
// later. Those of the transactions running at the last look are read again by transaction id; every other
// entry not yet visible then was numbered after it.
const LOOK_POSTGRES = `select (select max(seq) from asset_changes), (select min(seq) from asset_changes),
  array_to_string(array(select pg_snapshot_xip(pg_current_snapshot())), ',')`;
const CHANGED_POSTGRES = `select asset_rowid from asset_changes where seq > ? and seq <= ?
  union select asset_rowid from asset_changes where xid = any(string_to_array(?, ',')::xid8[])`;

/** The values of `field` for every asset, or for the assets `rowids` only. */
function valuesSql(field: string, rowids?: number[]): { sql: string; params: unknown[] } {
  const column = COLUMN_FIELDS[field];
  const only = (rowid: string) => (rowids ? ` and ${rowid} in (${rowids.map(() => '?').join(', ')})` : '');
  if (column)
    return { sql: `select a.rowid, ${column.sql} from assets a where 1 = 1${only('a.rowid')}`, params: rowids ?? [] };
  return {
    sql: `select v.asset_rowid, v.value from asset_field_values v where v.field = ?${only('v.asset_rowid')}`,
    params: [field, ...(rowids ?? [])],
  };
}

/**
 * Facet counts kept in memory: for each counted field, the values of every asset. A count over 50,000 hits
 * is then a walk over their rowids instead of a join and a GROUP BY over a quarter of a million rows.
 *
 * The database stays the truth: every write to an asset appends its rowid to asset_changes (a trigger, so
 * writes from any process or instance count), and each use first applies what changed since the last.
 */
export class FacetIndex {
  private readonly fields = new Map<string, FieldValues>();
  private seen: ChangesSeen | null = null;
  private refreshing: Promise<void> | null = null;

  /** Counts per value of `field` over `hits` (asset rowids), most frequent first. */
  async count(em: EntityManager, field: string, hits: readonly number[], limit: number): Promise<ValueCount[]> {
    const values = await this.valuesOf(em, field);
    const counts = new Uint32Array(values.values.length);
    values.ofAsset.countInto(hits, counts);
    const counted: ValueCount[] = [];
    counts.forEach((hitCount, number) => {
      if (hitCount > 0) counted.push({ value: values.values[number] as string, hitCount });
    });
    counted.sort((a, b) => b.hitCount - a.hitCount || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
    return counted.slice(0, limit);
  }

  /** Whether the asset has one of `chosen` (folded values) in `field`, for each of `hits`. */
  async matcher(em: EntityManager, field: string, chosen: readonly string[]): Promise<(rowid: number) => boolean> {
    const values = await this.valuesOf(em, field);
    const wanted = new Set(chosen.map((value) => values.numbers.get(fold(value))).filter((n) => n !== undefined));
    return (rowid) => values.ofAsset.hasAny(rowid, wanted);
  }

  /** Brings every loaded field up to date with the change log, then loads `field` if it is new. */
  private async valuesOf(em: EntityManager, field: string): Promise<FieldValues> {
    await this.refresh(em);
    let values = this.fields.get(field);
    if (!values) {
      values = { numbers: new Map(), values: [], ofAsset: new ValuesByAsset() };
      const { sql, params } = valuesSql(field);
      this.apply(values, await rawRows(em, sql, params), null);
      if (this.fields.size >= MAX_LOADED_FIELDS) this.fields.delete(this.fields.keys().next().value as string);
      this.fields.set(field, values);
    }
    return values;
  }

  private refresh(em: EntityManager): Promise<void> {
    // One catch-up at a time; requests that arrive meanwhile wait for it.
    this.refreshing ??= this.catchUp(em).finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async catchUp(em: EntityManager): Promise<void> {
    const sqlite = isSqlite(em);
    const [[newest, oldest, running] = []] = await rawRows(em, sqlite ? LOOK_SQLITE : LOOK_POSTGRES);
    const look: ChangesSeen = { seq: Number(newest ?? 0), running: String(running ?? '') };
    const since = this.seen;
    this.seen = look;
    if (!since || this.fields.size === 0) return;
    if (since.seq === look.seq && !since.running) return;
    if (since.seq < Number(oldest ?? 0) - 1) {
      this.fields.clear();
      return;
    }
    const changed = (
      await rawColumn(
        em,
        sqlite ? CHANGED_SQLITE : CHANGED_POSTGRES,
        sqlite ? [since.seq, look.seq] : [since.seq, look.seq, since.running],
      )
    ).map(Number);
    if (changed.length > MAX_CHANGES_APPLIED) {
      this.fields.clear();
      return;
    }
    for (const [field, values] of this.fields) {
      for (let start = 0; start < changed.length; start += IN_LIST_SIZE) {
        const rowids = changed.slice(start, start + IN_LIST_SIZE);
        const { sql, params } = valuesSql(field, rowids);
        this.apply(values, await rawRows(em, sql, params), rowids);
      }
    }
  }

  /** Sets the values of the assets in `rows`; `replaced` assets lose the values they had first. */
  private apply(values: FieldValues, rows: unknown[][], replaced: number[] | null): void {
    for (const rowid of replaced ?? []) values.ofAsset.clear(rowid);
    for (const [rowid, value] of rows) {
      if (value === null || value === undefined) continue;
      const folded = fold(value);
      let number = values.numbers.get(folded);
      if (number === undefined) {
        number = values.values.length;
        values.numbers.set(folded, number);
        values.values.push(String(value));
      }
      values.ofAsset.add(Number(rowid), number);
    }
  }
}

const indexes = new WeakMap<object, FacetIndex>();

/** The facet index of the database behind `em` (one per ORM, shared by its forks). */
export function facetIndexOf(em: EntityManager): FacetIndex {
  const driver = em.getDriver();
  let index = indexes.get(driver);
  if (!index) {
    index = new FacetIndex();
    indexes.set(driver, index);
  }
  return index;
}
