// The bench's tables: the database-dependent figures side by side, a column per database.
import { DATABASE_LABELS, type DatabaseKind } from './databases.js';
import { type QueryLatency, SEARCH_TARGET_MS, type SearchResult, searchPassed } from './search.js';
import { fmt } from './settings.js';
import { type Throughput, throughputProblems } from './throughput.js';

/** A figure, or why a step failed. */
export type Measured<T> = T | { failed: string };

export const failed = <T>(measured: Measured<T> | undefined): measured is { failed: string } =>
  measured !== undefined && typeof measured === 'object' && measured !== null && 'failed' in measured;

/** What one database gave: nothing and why, or its figures as far as they got. */
export interface DatabaseColumn {
  kind: DatabaseKind;
  /** Where its databases were; or, when it was not measured at all, why not. */
  where: string;
  notMeasured?: boolean;
  requests?: Measured<{ graphql: Throughput; rest: Throughput }>;
  search?: Measured<SearchResult>;
}

/** What went wrong on one database, for the exit code's line: nothing when it was not measured at all. */
export function columnFailures(column: DatabaseColumn): string[] {
  if (column.notMeasured) return [];
  const label = DATABASE_LABELS[column.kind];
  if (!column.requests || failed(column.requests)) return [`${label}: the req/s runs failed`];
  if (!column.search || failed(column.search)) return [`${label}: the search section failed`];
  const missed = column.search.queries.filter((query) => !searchPassed(query)).map((query) => query.label);
  return missed.length ? [`${label}: ${missed.join(', ')} over the ${SEARCH_TARGET_MS} ms median target`] : [];
}

export function printTable(rows: string[][]): void {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  const line = (row: string[]) => `| ${row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  process.stdout.write(`${line(rows[0] ?? [])}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|\n`);
  for (const row of rows.slice(1)) process.stdout.write(`${line(row)}\n`);
}

function requestCell(t: Throughput, raw: Throughput, ratioName: string): string {
  const problems = throughputProblems(t);
  return `${fmt(t.rps)} req/s, ${ratioName} = ${(t.rps / raw.rps).toFixed(3)}${problems ? `; ${problems}` : ''}`;
}

const queryCell = (query: QueryLatency) =>
  `median ${query.medianMs.toFixed(1)} ms, p95 ${query.p95Ms.toFixed(1)} ms: ${searchPassed(query) ? 'PASS' : 'FAIL'}` +
  (query.retries ? `; ${query.retries} sent again (no answer)` : '');

/** One cell of a column: its figure, "FAILED" or "not measured". */
function cell<T>(column: DatabaseColumn, measured: Measured<T> | undefined, show: (value: T) => string): string {
  if (column.notMeasured) return 'not measured';
  if (measured === undefined) return 'not reached (an earlier step failed)';
  if (failed(measured)) return 'FAILED (see the log above)';
  return show(measured);
}

/** The rows of the side-by-side table: measurement, baseline, then one cell per database. */
export function databaseRows(raw: Throughput, columns: DatabaseColumn[]): string[][] {
  const rawProblems = throughputProblems(raw);
  const baseline = `raw node:http hello (a): ${fmt(raw.rps)} req/s${rawProblems ? `; ${rawProblems}` : ''}`;
  const search = columns.map((column) => column.search).find((s): s is SearchResult => !!s && !failed(s));
  const queryLabels = search?.queries.map((query) => query.label) ?? [
    'field query',
    'free-text query',
    'faceted query',
  ];
  const assets = search ? fmt(search.assets) : '';
  const requests = search ? `, ${search.requests} requests one at a time` : '';
  return [
    ['measurement', 'baseline', ...columns.map((column) => DATABASE_LABELS[column.kind])],
    ['database', '', ...columns.map((column) => (column.notMeasured ? `not measured: ${column.where}` : column.where))],
    [
      'GraphQL asset(id), 10 connections (b)',
      baseline,
      ...columns.map((column) => cell(column, column.requests, (r) => requestCell(r.graphql, raw, 'b/a'))),
    ],
    [
      'REST GET /assets/:id, 10 connections (c)',
      baseline,
      ...columns.map((column) => cell(column, column.requests, (r) => requestCell(r.rest, raw, 'c/a'))),
    ],
    [
      `search: seed ${assets} assets`,
      '',
      ...columns.map((column) => cell(column, column.search, (s) => `${s.seedSeconds.toFixed(1)} s`)),
    ],
    ...queryLabels.map((label, index) => [
      `search: ${label}${requests}`,
      `target: median < ${SEARCH_TARGET_MS} ms`,
      ...columns.map((column) =>
        cell(column, column.search, (s) => (s.queries[index] ? queryCell(s.queries[index]) : 'not reached')),
      ),
    ]),
  ];
}
