import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { ContentEncoding } from './compression.js';

/** Where GraphiQL's files are served: `/graphiql/<name>.<hash>.<ext>`. */
export const GRAPHIQL_FILES_PATH = '/graphiql/';

const compressWith = {
  // Quality 5: GraphiQL's 8.8 MB of script and style in 1.9 MB, compressed in a few seconds once per process;
  // quality 11 saves another 0.2 MB for a minute of CPU.
  br: (bytes: Buffer) =>
    promisify(brotliCompress)(bytes, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 5,
        [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
        [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
      },
    }),
  gzip: (bytes: Buffer) => promisify(gzip)(bytes, { level: 9 }),
} satisfies Record<ContentEncoding, (bytes: Buffer) => Promise<Buffer>>;

/**
 * One file of GraphiQL's: its bytes, a hash of them (in its URL and its ETag), and its compressed forms. All
 * compress well, the icon too (bitmaps: 114 KB, 24 KB gzipped).
 */
export class GraphiqlFile {
  readonly hash: string;
  readonly name: string;
  private readonly encoded = new Map<ContentEncoding, Promise<Buffer>>();

  constructor(
    stem: string,
    extension: string,
    readonly contentType: string,
    readonly bytes: Buffer,
  ) {
    this.hash = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
    this.name = `${stem}.${this.hash}.${extension}`;
  }

  get url(): string {
    return `${GRAPHIQL_FILES_PATH}${this.name}`;
  }

  /** Its bytes in `encoding`, compressed at the first call (off the event loop) and kept. */
  encodedIn(encoding: ContentEncoding): Promise<Buffer> {
    let bytes = this.encoded.get(encoding);
    if (!bytes) {
      bytes = compressWith[encoding](this.bytes);
      this.encoded.set(encoding, bytes);
    }
    return bytes;
  }
}

/** What the page needs to start GraphiQL, from yoga's options (title, credentials...). */
export interface GraphiqlOptions {
  title: string;
  [option: string]: unknown;
}

function escapedForHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * GraphiQL as yoga's render-graphiql builds it, split: its page inlines 9 MB of script, style, workers and
 * icon, sent whole on every visit. Here the page is 1 KB that names each of those as a file of its own, at a
 * URL that changes with its bytes, so a browser keeps them for good and fetches them again only after an
 * upgrade.
 */
export class GraphiqlBundle {
  readonly files: ReadonlyMap<string, GraphiqlFile>;
  readonly page: string;
  readonly pageTag: string;

  private constructor(
    parts: {
      css: string;
      js: string;
      favicon: string;
      editorWorkerService: string;
      jsonWorker: string;
      graphqlWorker: string;
    },
    options: GraphiqlOptions,
  ) {
    const script = 'application/javascript; charset=utf-8';
    const css = new GraphiqlFile('graphiql', 'css', 'text/css; charset=utf-8', Buffer.from(parts.css));
    const js = new GraphiqlFile('graphiql', 'js', script, Buffer.from(parts.js));
    const workers = {
      editorWorkerService: new GraphiqlFile('editor.worker', 'js', script, Buffer.from(parts.editorWorkerService)),
      json: new GraphiqlFile('json.worker', 'js', script, Buffer.from(parts.jsonWorker)),
      graphql: new GraphiqlFile('graphql.worker', 'js', script, Buffer.from(parts.graphqlWorker)),
    };
    const icon = new GraphiqlFile('favicon', 'ico', 'image/x-icon', iconBytes(parts.favicon));
    this.files = new Map([css, js, icon, ...Object.values(workers)].map((file) => [file.name, file]));
    const workerUrls = Object.fromEntries(Object.entries(workers).map(([label, file]) => [label, file.url]));
    // JSON in a <script>: `<` escaped, so that no value can close the element.
    const inScript = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');
    this.page = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>${escapedForHtml(options.title)}</title>
    <link rel="icon" href="${icon.url}" />
    <link rel="stylesheet" href="${css.url}" />
  </head>
  <body id="body" class="no-focus-outline">
    <noscript>You need to enable JavaScript to run this app.</noscript>
    <div id="root"></div>
    <script>
      const workers = ${inScript(workerUrls)};
      self.MonacoEnvironment = { globalAPI: false, getWorkerUrl: (moduleId, label) => workers[label] };
    </script>
    <script src="${js.url}"></script>
    <script>
      YogaGraphiQL.renderYogaGraphiQL(document.querySelector('#root'), ${inScript(options)});
    </script>
  </body>
</html>
`;
    this.pageTag = `"${createHash('sha256').update(this.page).digest('base64url').slice(0, 16)}"`;
  }

  /** Loads render-graphiql's strings (14 MiB in memory): at the first visit, not at start. */
  static async load(options: GraphiqlOptions): Promise<GraphiqlBundle> {
    return new GraphiqlBundle(await import('@graphql-yoga/render-graphiql/graphiql'), options);
  }
}

/** render-graphiql gives its icon as a data: URL. */
function iconBytes(dataUrl: string): Buffer {
  const comma = dataUrl.indexOf(',');
  return Buffer.from(dataUrl.slice(comma + 1), 'base64');
}
