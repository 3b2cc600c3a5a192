import type { ServerResponse } from 'node:http';
import type { RequestContext } from '../../context.js';
import type { AssetView } from '../../db/entities/Asset.js';
import { pagesOfHits, reportQuery } from '../../resolvers/search/searchPages.js';
import type { Endpoint } from './endpoint.js';
import { hitOf } from './hits.js';
import type { WoodwingParams } from './params.js';

/** The columns when `fields` is not given. */
const DEFAULT_FIELDS = ['id', 'assetPath', 'assetDomain', 'mimeType', 'fileSize', 'assetCreated', 'assetModified'];

type Row = Record<string, unknown>;

/** A report's format: its content type, and how it starts, writes a row and ends. */
interface ReportFormat {
  contentType: string;
  extension: string;
  start(fields: string[]): string;
  row(row: Row, fields: string[], first: boolean): string;
  end: string;
}

const jsonFormat: ReportFormat = {
  contentType: 'application/json;charset=utf-8',
  extension: 'json',
  start: () => '[',
  row: (row, _fields, first) => `${first ? '' : ','}\n${JSON.stringify(row)}`,
  end: '\n]\n',
};

/** A cell as text: a WoodWing `{value, formatted}` by its formatted text, a list's items joined by ", ". */
function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map(cellText).join(', ');
  if (typeof value === 'object') {
    const formatted = (value as { formatted?: unknown }).formatted;
    return typeof formatted === 'string' ? formatted : JSON.stringify(value);
  }
  return String(value);
}

/** RFC 4180: a cell with a comma, a quote or a line break is quoted, its quotes doubled. */
function csvCell(text: string): string {
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replaceAll('"', '""')}"` : text;
}

const csvLine = (cells: string[]) => `${cells.map(csvCell).join(',')}\r\n`;

const csvFormat: ReportFormat = {
  contentType: 'text/csv;charset=utf-8',
  extension: 'csv',
  start: (fields) => csvLine(fields),
  row: (row, fields) => csvLine(fields.map((field) => cellText(row[field]))),
  end: '',
};

/** Writes `text`; when the socket's buffer is full, waits until it drains or the client is gone (then writes nothing). */
function written(res: ServerResponse, text: string): Promise<void> | undefined {
  if (res.destroyed || res.write(text) || res.destroyed) return undefined;
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

async function rowOf(ctx: RequestContext, asset: AssetView, fields: string[]): Promise<Row> {
  const { metadata } = await hitOf(ctx, asset, { fields });
  return Object.fromEntries(fields.map((field) => [field, metadata[field] ?? null]));
}

/**
 * WoodWing's metadata report: one row per hit of `q`, `assetIds` or `assetPath` (anything under a folder),
 * `fields` its columns. The rows come from the one search, so what a viewer may not see is not in it, and
 * are written a page of hits at a time, never the whole report in memory.
 */
function metadataReport(format: ReportFormat): Endpoint {
  return {
    async handle({ res, ctx, params }) {
      const fields = params.list('fields') ?? DEFAULT_FIELDS;
      const pages = pagesOfHits(ctx, { query: reportQuery(selectionOf(params)), sort: params.string('sort') });
      // The first page is read before the status is sent: a query that cannot be searched is still a 400.
      let next = await pages.next();
      res.writeHead(200, {
        'content-type': format.contentType,
        'content-disposition': `attachment; filename="metadata-report.${format.extension}"`,
        'cache-control': 'no-cache',
      });
      await written(res, format.start(fields));
      let first = true;
      while (!next.done && !res.destroyed) {
        for (const asset of next.value) {
          if (res.destroyed) break;
          await written(res, format.row(await rowOf(ctx, asset, fields), fields, first));
          first = false;
        }
        next = await pages.next();
      }
      if (!res.destroyed) res.end(format.end);
    },
  };
}

function selectionOf(params: WoodwingParams) {
  // `q=` sent empty is every asset, as in search; absent, another selection must be given.
  const query = params.sent('q') ? (params.string('q') ?? '') : undefined;
  return { query, assetIds: params.list('assetIds'), assetPath: params.string('assetPath') };
}

export const reportEndpoints = {
  'metadata/report.json': metadataReport(jsonFormat),
  'metadata/report.csv': metadataReport(csvFormat),
} satisfies Record<string, Endpoint>;
