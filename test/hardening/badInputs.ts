import { randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * The bad-input campaign's case generator (issue #17): the values every parameter is tried with, a raw
 * HTTP client that sends targets and bodies exactly as written, what counts as a leak, and a runner that
 * keeps a bounded number of requests in flight.
 */

/** In every traversal value, so that a file written outside the data folder can be looked for by name. */
export const MARKER = `hardening-${randomUUID().slice(0, 8)}`;

const ONE_MIB = 1024 * 1024;

/** Every value each parameter is tried with (besides being left out), by what it tries. */
export const BAD_VALUES: [label: string, value: string][] = [
  ['empty', ''],
  ['1 MiB long', 'a'.repeat(ONE_MIB)],
  ['wrong type (text for a number, flag or date)', 'abc'],
  ['negative', '-1'],
  ['NaN', 'NaN'],
  ['invalid date', '2026-02-30T25:61:61Z'],
  ['traversal ../', `../../../../../../../../tmp/${MARKER}-dotdot.txt`],
  ['traversal %2e%2e%2f', `%2e%2e%2f%2e%2e%2f%2e%2e%2ftmp%2f${MARKER}-encoded.txt`],
  ['NUL', `${MARKER}\u0000.txt`],
  ['backslashes', `..\\..\\..\\..\\${MARKER}-backslash.txt`],
  ['absolute path', `/tmp/${MARKER}-absolute.txt`],
  ['RTL marks', `\u202Egnp.\u202Dexe-${MARKER}`],
  ['combining characters', `e${'\u0301'.repeat(64)}`],
  ['lone surrogate', 'a\uD800b'],
];

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Percent-encodes for a query, a form or a path segment; a lone surrogate goes as the invalid UTF-8 it would be. */
export function percentEncoded(value: string): string {
  return value.split(LONE_SURROGATE).map(encodeURIComponent).join('%ED%A0%80');
}

/** `name=value&...` with every value percent-encoded; the same name may come more than once. */
export function formOf(pairs: [string, string][]): string {
  return pairs.map(([name, value]) => `${encodeURIComponent(name)}=${percentEncoded(value)}`).join('&');
}

/** A multipart/form-data body of text fields and, if given, one file part under `fileField`. */
export function multipartOf(
  fields: [string, string][],
  file?: { field: string; filename: string },
): { body: Buffer; contentType: string } {
  const boundary = `campaign-${randomUUID()}`;
  const parts = fields.map(
    ([name, value]) => `--${boundary}\r\ncontent-disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
  );
  if (file) {
    const filename = file.filename.replaceAll('"', '%22').replaceAll('\r', '').replaceAll('\n', '');
    parts.push(
      `--${boundary}\r\ncontent-disposition: form-data; name="${file.field}"; filename="${filename}"\r\n` +
        `content-type: text/plain\r\n\r\ncampaign bytes ${MARKER}\r\n`,
    );
  }
  parts.push(`--${boundary}--\r\n`);
  return { body: Buffer.from(parts.join('')), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** One request as sent: the target exactly as written (dot segments, %00 and all), headers, an optional body. */
export interface RawRequest {
  label: string;
  method: string;
  target: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

/** status 0: the connection closed with no answer (node:http does so after a 431 whose body it did not read). */
export interface RawResponse {
  status: number;
  body: string;
}

/** Sends one request with node:http (fetch would normalise the target), answering status and body. */
export function sendRaw(baseUrl: string, { method, target, headers = {}, body }: RawRequest): Promise<RawResponse> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve) => {
    const req = request({ hostname, port, path: target, method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', () => resolve({ status: 0, body: '' }));
    req.setTimeout(20_000, () => req.destroy());
    req.end(body);
  });
}

const STACK_FRAME = /\bat (?:async )?[\w.$<>[\] ]*\(?(?:file:\/\/|node:|\/)[^\s)]*:\d+:\d+/;
// SQL as the ORM and the raw statements write it, and the engines' own error texts.
const SQL_TEXT =
  /\b(?:select|insert into|update|delete from)\b[^\n]{0,300}"\w+"\.|\bfrom \w+ (?:as )?\w+ where\b|SQLITE_[A-Z]+|syntax error at or near|violates [a-z ]*constraint|duplicate key value|no such (?:table|column)|relation "[^"]+" does not exist/;

/** What in a response body gives the server's insides away: a stack frame, SQL, or a path of the machine. */
export function leakIn(body: string, serverPaths: string[]): string | null {
  if (STACK_FRAME.test(body)) return 'a stack trace';
  if (SQL_TEXT.test(body)) return 'SQL';
  if (/node_modules|\/src\/[\w/]+\.(?:ts|js)/.test(body)) return 'a source file path';
  const path = serverPaths.find((candidate) => body.includes(candidate));
  return path ? `the path ${path}` : null;
}

/** Runs `work` on every item, at most `concurrency` at a time. */
export async function runBounded<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
}

/**
 * Runs every case, at most 6 in flight, `slow` ones in a lane of their own, 2 at a time: a login hashes a
 * password (and waits longer after repeated failures, by design), and more hashes at once would fill libuv's
 * thread pool that every file operation of the other cases waits in.
 */
export async function runInLanes<T>(items: T[], slow: (item: T) => boolean, work: (item: T) => Promise<void>) {
  await Promise.all([
    runBounded(items.filter(slow), 2, work),
    runBounded(
      items.filter((item) => !slow(item)),
      6,
      work,
    ),
  ]);
}

/**
 * WoodWing's 500s that the reference documents (section 4: createAuthKey, updateAuthKey, revokeAuthKeys and
 * createRelation answer a failure with 500 and WoodWing's error body): the answer asked for, not a crash.
 */
const DOCUMENTED_500 = /^\/services\/(createAuthKey|updateAuthKey|revokeAuthKeys|createRelation)\b/;

function documented500(request: RawRequest, { status, body }: RawResponse): boolean {
  if (status !== 500 || !DOCUMENTED_500.test(request.target)) return false;
  const error = parsedJson(body);
  return error?.errorcode === 500 && /^[A-Z]\w+Exception$/.test(error.errorname);
}

/** WoodWing's 501 for what the service does not do (admin/externalProcessing, signed image renditions). */
function notSupported({ status, body }: RawResponse): boolean {
  return status === 501 && parsedJson(body)?.errorname === 'UnsupportedOperationException';
}

function parsedJson(body: string): any {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/** yoga answers a resolver's crash with 200 and the code INTERNAL_SERVER_ERROR: a 5xx all the same. */
const graphqlCrash = ({ body }: RawResponse) => body.includes('"INTERNAL_SERVER_ERROR"');

/** What a sweep found, for its assertions and for the figures the README reports. */
export class CampaignTally {
  tried = 0;
  readonly serverErrors: string[] = [];
  readonly leaks: string[] = [];
  /** WoodWing's documented 500s (see DOCUMENTED_500) and 501s for what is not supported, counted apart. */
  documented5xx = 0;
  /** Connections closed without an answer: not a failure by themselves (see RawResponse), counted to be seen. */
  unanswered = 0;

  record(request: RawRequest, response: RawResponse, serverPaths: string[]): void {
    this.tried += 1;
    const what = `${request.method} ${request.target.slice(0, 120)} (${request.label})`;
    if (response.status === 0) this.unanswered += 1;
    if (documented500(request, response) || notSupported(response)) this.documented5xx += 1;
    else if (response.status >= 500 || graphqlCrash(response)) {
      this.serverErrors.push(`${response.status} ${what}: ${response.body.slice(0, 200)}`);
    }
    const leak = leakIn(response.body, serverPaths);
    if (leak) this.leaks.push(`${leak} in ${what}: ${response.body.slice(0, 300)}`);
  }
}

/** Files under `root`, `depth` levels down, whose name holds the campaign's marker. */
async function markedFiles(root: string, depth: number): Promise<string[]> {
  const entries = await readdir(root, { withFileTypes: true }).catch(() => []);
  const found: string[] = [];
  for (const entry of entries) {
    const path = join(root, entry.name);
    if (entry.name.includes(MARKER)) found.push(path);
    if (depth > 1 && entry.isDirectory() && !['node_modules', '.git'].includes(entry.name)) {
      found.push(...(await markedFiles(path, depth - 1)));
    }
  }
  return found;
}

/** Files named with the marker where a traversal could have put one: around the data folder, the working directory, /. */
export async function filesMarkedOutside(dataDir: string): Promise<string[]> {
  const roots: [string, number][] = [
    [tmpdir(), 2],
    [dirname(dataDir), 1],
    [process.cwd(), 3],
    [dirname(process.cwd()), 1],
    ['/', 1],
  ];
  const found = (await Promise.all(roots.map(([root, depth]) => markedFiles(root, depth)))).flat();
  return found.filter((path) => !path.startsWith(dataDir));
}
