// The bench's tables: the database-dependent figures side by side, a column per database.
import { DATABASE_LABELS, type DatabaseKind } from './databases.js';
import { GOALS, ratioVerdict } from './goals.js';
import { type QueryLatency, SEARCH_TARGET_MS, type SearchResult, searchPassed } from './search.js';
import { fmt } from './settings.js';
import { medianRatio, medianRps, type RequestRounds, type Rounds, throughputProblems } from './throughput.js';

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
  requests?: Measured<RequestRounds>;
  search?: Measured<SearchResult>;
}

/** Each req/s goal: its name for the exit line, the median ratio of its rounds, and the goal. */
function requestGoals(r: RequestRounds): [string, number, number][] {
  return [
    ['GraphQL asset(id) / hello', medianRatio(r.graphql, r.hello), GOALS.graphqlOfHello],
    ['GraphQL asset(id) / minimal yoga', medianRatio(r.graphql, r.yoga), GOALS.graphqlOfYoga],
    ['REST GET /assets/:id / hello', medianRatio(r.rest, r.hello), GOALS.restOfHello],
    ['WoodWing search / hello', medianRatio(r.woodwingSearch, r.hello), GOALS.woodwingSearchOfHello],
  ];
}

/** What went wrong in any of a figure's rounds, or ''. */
const roundsProblems = (rounds: Rounds) => rounds.map(throughputProblems).filter(Boolean).join('; ');

/** What went wrong on one database, for the exit code's line: nothing when it was not measured at all. */
export function columnFailures(column: DatabaseColumn): string[] {
  if (column.notMeasured) return [];
  const label = DATABASE_LABELS[column.kind];
  if (!column.requests || failed(column.requests)) return [`${label}: the req/s runs failed`];
  const requests = column.requests;
  const missedGoals = requestGoals(requests)
    .filter(([, ratio, goal]) => ratio < goal)
    .map(([name, ratio, goal]) => `${label}: ${name} = ${ratio.toFixed(3)} < ${goal}`);
  const runProblems = Object.entries(requests)
    .filter(([, rounds]) => roundsProblems(rounds) !== '')
    .map(([name, rounds]) => `${label}: ${name} runs had ${roundsProblems(rounds)}`);
  if (!column.search || failed(column.search)) {
    return [...missedGoals, ...runProblems, `${label}: the search section failed`];
  }
  const missed = column.search.queries.filter((query) => !searchPassed(query)).map((query) => query.label);
  return [
    ...missedGoals,
    ...runProblems,
    ...(missed.length ? [`${label}: ${missed.join(', ')} over the ${SEARCH_TARGET_MS} ms median target`] : []),
  ];
}

export function printTable(rows: string[][]): void {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  const line = (row: string[]) => `| ${row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  process.stdout.write(`${line(rows[0] ?? [])}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|\n`);
  for (const row of rows.slice(1)) process.stdout.write(`${line(row)}\n`);
}

/** `1,234 req/s, b/a = 0.070 (goal >= 0.10: FAIL)`, with one ratio per anchor: medians of the rounds. */
function requestCell(figure: Rounds, ratios: [name: string, anchor: Rounds, goal: number][]): string {
  const problems = roundsProblems(figure);
  const shown = ratios.map(([name, anchor, goal]) => `${name} = ${ratioVerdict(medianRatio(figure, anchor), goal)}`);
  return `${fmt(medianRps(figure))} req/s, ${shown.join(', ')}${problems ? `; ${problems}` : ''}`;
}

/** An anchor's median req/s on one database's rounds. */
function anchorCell(name: string, rounds: Rounds): string {
  const problems = roundsProblems(rounds);
  return `${name} ${fmt(medianRps(rounds))} req/s${problems ? ` (${problems})` : ''}`;
}

/** The REST floor's median req/s and ratios (restFloorServer.ts), measured on SQLite only. */
function floorCell(r: RequestRounds): string {
  if (!r.restFloor) return 'SQLite only';
  const problems = roundsProblems(r.restFloor);
  const ratios = `f/a = ${medianRatio(r.restFloor, r.hello).toFixed(3)}, c/f = ${medianRatio(r.rest, r.restFloor).toFixed(3)}`;
  return `${fmt(medianRps(r.restFloor))} req/s, ${ratios}${problems ? `; ${problems}` : ''}`;
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
export function databaseRows(columns: DatabaseColumn[]): string[][] {
  const search = columns.map((column) => column.search).find((s): s is SearchResult => !!s && !failed(s));
  const queryLabels = search?.queries.map((query) => query.label) ?? [
    'field query',
    'free-text query',
    'faceted query',
  ];
  const assets = search ? fmt(search.assets) : '';
  const requests = search ? `, ${search.requests} requests one at a time` : '';
  const inRounds = 'run beside it in every round (medians: anchors row)';
  return [
    ['measurement', 'baseline', ...columns.map((column) => DATABASE_LABELS[column.kind])],
    ['database', '', ...columns.map((column) => (column.notMeasured ? `not measured: ${column.where}` : column.where))],
    [
      'anchors, same rounds (medians)',
      '',
      ...columns.map((column) =>
        cell(column, column.requests, (r) =>
          [anchorCell('hello (a)', r.hello), anchorCell('minimal yoga (y)', r.yoga)].join('; '),
        ),
      ),
    ],
    [
      'GraphQL asset(id), Bearer, 10 connections (b)',
      `raw node:http hello (a) and minimal graphql-yoga (y), each ${inRounds}`,
      ...columns.map((column) =>
        cell(column, column.requests, (r) =>
          requestCell(r.graphql, [
            ['b/a', r.hello, GOALS.graphqlOfHello],
            ['b/y', r.yoga, GOALS.graphqlOfYoga],
          ]),
        ),
      ),
    ],
    [
      'REST GET /assets/:id, Bearer, 10 connections (c)',
      `raw node:http hello (a), ${inRounds}`,
      ...columns.map((column) =>
        cell(column, column.requests, (r) => requestCell(r.rest, [['c/a', r.hello, GOALS.restOfHello]])),
      ),
    ],
    [
      'REST floor: bare node:http, the same reads, hash and JSON (f)',
      `no goal: what the stack allows for (c); f/a against hello, c/f what the gateway keeps of it`,
      ...columns.map((column) => cell(column, column.requests, floorCell)),
    ],
    [
      'WoodWing search?q=id:<id>, 1 hit, cookie, 10 connections (w)',
      `raw node:http hello (a), ${inRounds}`,
      ...columns.map((column) =>
        cell(column, column.requests, (r) =>
          requestCell(r.woodwingSearch, [['w/a', r.hello, GOALS.woodwingSearchOfHello]]),
        ),
      ),
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
