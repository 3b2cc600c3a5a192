import type { IncomingMessage, ServerResponse } from 'node:http';
import { preferredEncoding } from './compression.js';
import { GraphiqlBundle, type GraphiqlOptions } from './graphiqlBundle.js';
import { sendJson } from './requestContext.js';
import type { RouteHandler } from './route.js';

/** The files' URLs change with their bytes: a browser may keep them for a year without asking again. */
const FOR_GOOD = 'public, max-age=31536000, immutable';

/** Whether an If-None-Match header names `tag` (or is `*`); weak tags compare by their value. */
function matches(ifNoneMatch: string | undefined, tag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((given) => {
    const value = given.trim().replace(/^W\//, '');
    return value === tag || value === '*';
  });
}

/** Whether yoga would have answered this request with GraphiQL: a browser's GET of /graphql. */
export function asksForGraphiql(req: IncomingMessage): boolean {
  return req.method === 'GET' && (req.headers.accept?.includes('text/html') ?? false);
}

/** A name that is no file of GraphiQL's (or GraphiQL is off). The name is not echoed: it is the client's text. */
export const noGraphiqlFiles: RouteHandler = ({ res }) =>
  sendJson(res, 404, { error: 'Not found', message: 'No such GraphiQL file; GraphiQL is at /graphql' });

/**
 * GraphiQL at GET /graphql, as a small page (`no-cache`, revalidated by its ETag) and its script, style,
 * workers and icon at /graphiql/<name>.<hash>.<ext>, cached for good, brotli or gzip as the browser accepts.
 * Nothing is loaded until the first visit; each file is compressed once per encoding and kept.
 */
export class GraphiqlServing {
  private bundle: Promise<GraphiqlBundle> | undefined;

  constructor(private readonly options: GraphiqlOptions) {}

  private loaded(): Promise<GraphiqlBundle> {
    this.bundle ??= GraphiqlBundle.load(this.options);
    return this.bundle;
  }

  async sendPage(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { page, pageTag, files } = await this.loaded();
    // The browser asks for the files next: their compression starts now, off the event loop.
    const encoding = preferredEncoding(req.headers['accept-encoding']);
    if (encoding) {
      for (const file of files.values()) file.encodedIn(encoding).catch(() => {});
    }
    if (matches(req.headers['if-none-match'], pageTag)) {
      res.writeHead(304, { etag: pageTag, 'cache-control': 'no-cache' });
      res.end();
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-length': Buffer.byteLength(page),
      'cache-control': 'no-cache',
      etag: pageTag,
    });
    res.end(page);
  }

  readonly sendFile: RouteHandler = async (call) => {
    const { req, res, params } = call;
    const file = (await this.loaded()).files.get(params.file ?? '');
    if (!file) return noGraphiqlFiles(call);
    const encoding = preferredEncoding(req.headers['accept-encoding']);
    const tag = encoding ? `"${file.hash}-${encoding}"` : `"${file.hash}"`;
    const headers = {
      'content-type': file.contentType,
      'cache-control': FOR_GOOD,
      etag: tag,
      vary: 'Accept-Encoding',
    };
    if (matches(req.headers['if-none-match'], tag)) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
    const body = encoding ? await file.encodedIn(encoding) : file.bytes;
    res.writeHead(200, {
      ...headers,
      ...(encoding ? { 'content-encoding': encoding } : {}),
      'content-length': body.length,
    });
    res.end(body);
  };
}
