// `npm run bench`: GraphQL and Asset Manager REST req/s against raw node:http, 1 GiB upload MB/s against
// cp + sync, the server's RSS during that upload, and (with wrk) a 10 MiB media download's MB/s against plain
// Node streaming the same file. The server runs as its own process; its RSS is read from /proc.
// Settings: BENCH_SECONDS (per req/s and download run, default 10), BENCH_UPLOAD_MB (default 1024).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openAsBlob, rmSync } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { killAllNow, rssMiB, startNode, stop, stopAll, whileSamplingRss } from './processes.js';
import { measureSearch, searchPassed, searchRows } from './search.js';

function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new Error(`${name}: expected a positive whole number, got "${raw}"`);
  return Number(raw);
}

const SECONDS = envInt('BENCH_SECONDS', 10);
const UPLOAD_BYTES = envInt('BENCH_UPLOAD_MB', 1024) * 1024 * 1024;
const MEDIA_BYTES = 10 * 1024 * 1024;
const CONNECTIONS = 10;
const RSS_LIMIT_MIB = 64;
const ADMIN = { username: 'admin', password: 'bench-admin-password' };
const ASSET_QUERY = 'query($id: ID!) { asset(id: $id) { id name size contentType createdBy { username } } }';
const UPLOAD_MUTATION = 'mutation($file: Upload!) { uploadAsset(file: $file) { id size } }';
const MIB = 1024 * 1024;
/** Where everything of this run goes: the server's DATA_DIR and TMPDIR, the test file and its copy. */
const root = mkdtempSync(join(tmpdir(), 'asset-gateway-bench-'));

const log = (message: string) => process.stdout.write(`[bench] ${message}\n`);
const dist = (file: string) => fileURLToPath(new URL(file, import.meta.url));
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits });

interface Throughput {
  rps: number;
  p99Ms: number;
  ok: number;
  non2xx: number;
  errors: number;
  badBodies: number;
}

async function hammer(options: Parameters<typeof autocannon>[0]): Promise<Throughput> {
  const result = await autocannon({ connections: CONNECTIONS, duration: SECONDS, ...options });
  return {
    rps: result.requests.average,
    p99Ms: result.latency.p99,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    badBodies: result.mismatches,
  };
}

function describe(label: string, t: Throughput): string {
  return `${label}: ${fmt(t.rps)} req/s, p99 ${t.p99Ms} ms; ${fmt(t.ok)} ok, ${t.non2xx} non-2xx, ${t.errors} connection errors, ${t.badBodies} bodies not as expected`;
}

/** Runs a command to completion; its stdout, or an error with its stderr. */
function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    child.stderr.on('data', (chunk) => {
      err += chunk;
    });
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${command} exited with ${code}: ${err.trim()}`)),
    );
  });
}

async function timed<T>(work: () => Promise<T>): Promise<{ seconds: number; value: T }> {
  const started = performance.now();
  const value = await work();
  return { seconds: (performance.now() - started) / 1000, value };
}

async function graphql<T>(url: string, query: string, variables: object, token?: string): Promise<T> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown };
  if (!response.ok || !body.data || body.errors) throw new Error(`${query}: ${JSON.stringify(body)}`);
  return body.data;
}

/** (a) The baseline: a bare node:http hello-world server in its own process. */
async function measureRawHttp(): Promise<Throughput> {
  log('starting the raw node:http hello-world server...');
  const hello = await startNode(dist('./helloServer.js'), {}, '/');
  try {
    log(`raw node:http: ${CONNECTIONS} connections for ${SECONDS} s...`);
    const result = await hammer({ url: hello.url });
    log(describe('raw node:http', result));
    return result;
  } finally {
    await stop(hello.process);
  }
}

async function startGateway() {
  log('starting asset-gateway (node dist/src/main.js)...');
  mkdirSync(join(root, 'tmp'));
  return startNode(
    dist('../src/main.js'),
    {
      DATA_DIR: join(root, 'data'),
      // graphql-upload-ts buffers each upload in a file under os.tmpdir(): keep it in this run's folder.
      TMPDIR: join(root, 'tmp'),
      HOST: '127.0.0.1',
      ADMIN_USERNAME: ADMIN.username,
      ADMIN_PASSWORD: ADMIN.password,
      // The default limit is 1024 MiB: a 1 GiB file is exactly at it, and must be accepted.
      MAX_UPLOAD_MB: String(Math.max(1024, UPLOAD_BYTES / MIB)),
      LOG_LEVEL: 'warn',
    },
    '/healthcheck/ready',
  );
}

/** Logs in as the admin and uploads one small asset through GraphQL multipart: the token and the asset's id. */
async function seed(url: string): Promise<{ token: string; assetId: string }> {
  const { login } = await graphql<{ login: { token: string } }>(
    url,
    'mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }',
    { u: ADMIN.username, p: ADMIN.password },
  );
  const form = new FormData();
  form.set('operations', JSON.stringify({ query: UPLOAD_MUTATION, variables: { file: null } }));
  form.set('map', JSON.stringify({ 0: ['variables.file'] }));
  form.set('0', new Blob(['a small asset for the query benchmark\n']), 'bench.txt');
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { authorization: `Bearer ${login.token}`, 'apollo-require-preflight': 'true' },
    body: form,
  });
  const body = (await response.json()) as { data?: { uploadAsset?: { id: string } } };
  const assetId = body.data?.uploadAsset?.id;
  if (!assetId) throw new Error(`the small upload failed: ${JSON.stringify(body)}`);
  return { token: login.token, assetId };
}

/** (b) The asset query, POSTed as JSON with a bearer token. */
async function measureGraphqlQuery(url: string, token: string, assetId: string): Promise<Throughput> {
  await graphql(url, ASSET_QUERY, { id: assetId }, token); // fails loudly before the run if the query is wrong
  log(`GraphQL asset(id): ${CONNECTIONS} connections for ${SECONDS} s...`);
  const result = await hammer({
    url: `${url}/graphql`,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: ASSET_QUERY, variables: { id: assetId } }),
    verifyBody: (body) => body.includes(`"asset":{"id":"${assetId}"`) && !body.includes('"errors"'),
  });
  log(describe('GraphQL asset(id)', result));
  return result;
}

/** (c) GOV.UK Asset Manager's `GET /assets/:id` with a bearer token: JSON. */
async function measureRestAsset(url: string, token: string, assetId: string): Promise<Throughput> {
  const assetUrl = `${url}/assets/${assetId}`;
  const headers = { authorization: `Bearer ${token}` };
  const check = await fetch(assetUrl, { headers });
  const text = await check.text();
  if (check.status !== 200) throw new Error(`GET /assets/${assetId}: HTTP ${check.status}: ${text.slice(0, 300)}`);
  log(`REST GET /assets/:id: ${CONNECTIONS} connections for ${SECONDS} s...`);
  const result = await hammer({ url: assetUrl, headers, verifyBody: (body) => body.includes(`/assets/${assetId}"`) });
  log(describe('REST GET /assets/:id', result));
  return result;
}

/** Random-ish bytes, written 1 MiB at a time: a random block with the block number stamped into it. */
async function writeTestFile(path: string, bytes: number): Promise<void> {
  log(`writing a ${fmt(bytes / MIB)} MiB test file...`);
  const block = Buffer.alloc(MIB);
  for (let i = 0; i < MIB; i += 4) block.writeUInt32LE((Math.random() * 2 ** 32) >>> 0, i);
  const file = await open(path, 'w');
  try {
    for (let written = 0; written < bytes; written += MIB) {
      block.writeUInt32LE(written / MIB, 0);
      await file.write(block, 0, Math.min(MIB, bytes - written));
    }
  } finally {
    await file.close();
  }
  await run('sync', []);
}

/** The disk's baseline: cp of the test file on the same disk, then sync. MB/s. */
async function measureCopy(source: string): Promise<number> {
  log('timing cp + sync of the test file...');
  const copy = join(root, 'copy.bin');
  const { seconds } = await timed(async () => {
    await run('cp', [source, copy]);
    await run('sync', []);
  });
  await rm(copy);
  await run('sync', []);
  const mbps = UPLOAD_BYTES / 1e6 / seconds;
  log(`cp + sync: ${seconds.toFixed(2)} s, ${fmt(mbps, 1)} MB/s`);
  return mbps;
}

/** The server's RSS at rest: the median of 1 s of samples, after 2 s of quiet. MiB. */
async function measureIdleRss(pid: number): Promise<number> {
  log('measuring the idle RSS of the server...');
  await sleep(2_000);
  const { rss } = await whileSamplingRss(pid, () => sleep(1_000));
  const idle = rss.median;
  log(`idle RSS: ${fmt(idle, 1)} MiB`);
  return idle;
}

interface UploadResult {
  mbps: number;
  peakRss: number;
  /** Why the upload did not store the whole file, if it did not. */
  failure?: string;
}

/** The upload through GraphQL multipart, by curl in its own process, with the server's RSS sampled all along. */
async function measureUpload(url: string, token: string, file: string, pid: number): Promise<UploadResult> {
  log(`uploading ${fmt(UPLOAD_BYTES / MIB)} MiB through GraphQL multipart with curl...`);
  const operations = JSON.stringify({ query: UPLOAD_MUTATION, variables: { file: null } });
  const { value: timing, rss } = await whileSamplingRss(pid, () =>
    timed(() =>
      run('curl', [
        ...['-sS', '-w', '\n%{http_code}', '-H', `authorization: Bearer ${token}`],
        ...['-H', 'apollo-require-preflight: true', '--form-string', `operations=${operations}`],
        ...['--form-string', `map=${JSON.stringify({ 0: ['variables.file'] })}`, '-F', `0=@${file}`],
        `${url}/graphql`,
      ]).catch((error: Error) => `${error.message}\n(none: curl failed)`),
    ),
  );
  log(`server RSS during the upload: peak ${fmt(rss.peak, 1)} MiB over ${rss.count} samples`);
  const lines = timing.value.trimEnd().split('\n');
  const status = lines.pop();
  const body = lines.join('\n');
  const mbps = UPLOAD_BYTES / 1e6 / timing.seconds;
  let asset: { id: string; size: number } | undefined;
  try {
    asset = (JSON.parse(body) as { data?: { uploadAsset?: { id: string; size: number } } }).data?.uploadAsset;
  } catch {
    // Not JSON: reported below with the body.
  }
  if (status !== '200' || !asset?.id || asset.size !== UPLOAD_BYTES) {
    const failure = `HTTP ${status} after ${timing.seconds.toFixed(2)} s: ${body.slice(0, 300)}`;
    log(`upload FAILED: ${failure}`);
    return { mbps, peakRss: rss.peak, failure };
  }
  log(`upload: ${timing.seconds.toFixed(2)} s, ${fmt(mbps, 1)} MB/s; asset ${asset.id}, ${asset.size} bytes`);
  return { mbps, peakRss: rss.peak };
}

interface Download {
  mbps: number;
  problems: string;
}

function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && existsSync(join(dir, command)));
}

/** wrk on one URL, as many connections and seconds as the req/s runs: its Transfer/sec in MB/s, and what went wrong. */
async function wrk(url: string): Promise<Download> {
  const out = await run('wrk', ['-t2', `-c${CONNECTIONS}`, `-d${SECONDS}s`, url]);
  const transfer = /^Transfer\/sec:\s+([\d.]+)([KMGT]?)B\s*$/m.exec(out);
  if (!transfer?.[1]) throw new Error(`no Transfer/sec line in wrk's output:\n${out}`);
  // wrk's units are powers of 1024.
  const bytesPerSecond = Number(transfer[1]) * 1024 ** ['', 'K', 'M', 'G', 'T'].indexOf(transfer[2] ?? '');
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? '0';
  const socketErrors = /Socket errors: (.+)$/m.exec(out)?.[1] ?? 'none';
  return { mbps: bytesPerSecond / 1e6, problems: `${non2xx} answers not 2xx/3xx, socket errors: ${socketErrors}` };
}

/** Uploads a file through Asset Manager's `POST /assets` and waits until `/media` serves it: its media URL. */
async function uploadMediaFile(url: string, token: string, file: string): Promise<string> {
  log(`uploading a ${fmt(MEDIA_BYTES / MIB)} MiB file through REST POST /assets...`);
  const form = new FormData();
  form.set('asset[file]', await openAsBlob(file), basename(file));
  const response = await fetch(`${url}/assets`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  const text = await response.text();
  if (response.status !== 201) throw new Error(`POST /assets: HTTP ${response.status}: ${text.slice(0, 300)}`);
  // file_url is on PUBLIC_URL (localhost); the server listens on 127.0.0.1.
  const mediaUrl = url + new URL((JSON.parse(text) as { file_url: string }).file_url).pathname;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const probe = await fetch(mediaUrl);
    await probe.arrayBuffer();
    if (probe.status === 200) return mediaUrl;
    if (Date.now() > deadline) throw new Error(`${mediaUrl} still answers ${probe.status} after 30 s`);
    await sleep(200);
  }
}

/** (e) The gateway's `GET /media/:id/:filename` of a 10 MiB file, with wrk. */
async function measureMediaDownload(url: string, token: string, file: string): Promise<Download> {
  const mediaUrl = await uploadMediaFile(url, token, file);
  log(`media download ${mediaUrl}: wrk, ${CONNECTIONS} connections for ${SECONDS} s...`);
  const result = await wrk(mediaUrl);
  log(`media download: ${fmt(result.mbps, 1)} MB/s; ${result.problems}`);
  return result;
}

/** (d) The download baseline: a bare node:http server piping fs.createReadStream of the same file, with wrk. */
async function measureRawFileServer(file: string): Promise<Download> {
  log('starting the raw node:http file server...');
  const server = await startNode(dist('./fileServer.js'), { FILE: file }, '/ready');
  try {
    log(`raw node:http file stream: wrk, ${CONNECTIONS} connections for ${SECONDS} s...`);
    const result = await wrk(`${server.url}/file`);
    log(`raw node:http file stream: ${fmt(result.mbps, 1)} MB/s; ${result.problems}`);
    return result;
  } finally {
    await stop(server.process);
  }
}

/** Both downloads, or why there are none: wrk is not installed, or a step failed. */
async function measureDownloads(
  url: string,
  token: string,
): Promise<{ media: Download; raw: Download } | 'skipped' | 'FAILED'> {
  if (!onPath('wrk')) {
    log('download figures skipped: wrk is not installed (apt-get install wrk); autocannon is too slow for them');
    return 'skipped';
  }
  try {
    const file = join(root, 'media-10MiB.bin');
    await writeTestFile(file, MEDIA_BYTES);
    return { media: await measureMediaDownload(url, token, file), raw: await measureRawFileServer(file) };
  } catch (error) {
    log(`downloads FAILED: ${error instanceof Error ? error.message : String(error)}`);
    return 'FAILED';
  }
}

function printSummary(rows: string[][]): void {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  const line = (row: string[]) => `| ${row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  process.stdout.write(`\n${line(rows[0] ?? [])}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|\n`);
  for (const row of rows.slice(1)) process.stdout.write(`${line(row)}\n`);
}

async function main(): Promise<void> {
  log(`temp folder ${root}; ${SECONDS} s per req/s run; upload of ${fmt(UPLOAD_BYTES / MIB)} MiB`);
  const raw = await measureRawHttp();

  const gateway = await startGateway();
  // Something else may stop it (a crash, a kill): then every figure after this line is not the gateway's.
  const onExit = (code: number | null, signal: string | null) =>
    log(`asset-gateway EXITED during the run (code ${code}, signal ${signal})`);
  gateway.process.once('exit', onExit);
  const startRss = rssMiB(gateway.pid);
  const { token, assetId } = await seed(gateway.url);
  const query = await measureGraphqlQuery(gateway.url, token, assetId);
  const rest = await measureRestAsset(gateway.url, token, assetId);

  const testFile = join(root, `upload-${UPLOAD_BYTES / MIB}MiB.bin`);
  await writeTestFile(testFile, UPLOAD_BYTES);
  const cpMbps = await measureCopy(testFile);

  const idleRss = await measureIdleRss(gateway.pid);
  const upload = await measureUpload(gateway.url, token, testFile, gateway.pid);
  const growth = upload.peakRss - idleRss;
  // After the upload, so that the RSS figures above are those of the query runs alone.
  const downloads = await measureDownloads(gateway.url, token);
  const media = `media download ${fmt(MEDIA_BYTES / MIB)} MiB, wrk`;
  gateway.process.off('exit', onExit);
  // Last: a gateway of its own on a database seeded with BENCH_SEARCH_ASSETS assets (see search.ts).
  const search = await measureSearch(root, ADMIN, log);
  const problems = (t: Throughput) => `${t.non2xx} non-2xx, ${t.errors} errors, ${t.badBodies} bad bodies`;

  printSummary([
    ['measurement', 'result', 'baseline', 'ratio / verdict'],
    ['raw node:http hello (a)', `${fmt(raw.rps)} req/s`, '', problems(raw)],
    [
      'GraphQL asset(id) (b)',
      `${fmt(query.rps)} req/s`,
      `${fmt(raw.rps)} req/s`,
      `b/a = ${(query.rps / raw.rps).toFixed(3)}; ${problems(query)}`,
    ],
    [
      'REST GET /assets/:id (c)',
      `${fmt(rest.rps)} req/s`,
      `${fmt(raw.rps)} req/s`,
      `c/a = ${(rest.rps / raw.rps).toFixed(3)}; ${problems(rest)}`,
    ],
    ...(typeof downloads === 'string'
      ? [[media, downloads, '', downloads === 'FAILED' ? 'see the downloads FAILED line above' : 'apt-get install wrk']]
      : [
          ['raw node:http createReadStream (d)', `${fmt(downloads.raw.mbps, 1)} MB/s`, '', downloads.raw.problems],
          [
            `${media} (e)`,
            `${fmt(downloads.media.mbps, 1)} MB/s`,
            `${fmt(downloads.raw.mbps, 1)} MB/s`,
            `e/d = ${(downloads.media.mbps / downloads.raw.mbps).toFixed(2)}; ${downloads.media.problems}`,
          ],
        ]),
    [
      `upload ${fmt(UPLOAD_BYTES / MIB)} MiB, GraphQL multipart`,
      upload.failure ? 'FAILED' : `${fmt(upload.mbps, 1)} MB/s`,
      `cp + sync ${fmt(cpMbps, 1)} MB/s`,
      upload.failure ? 'see the upload FAILED line above' : `${(upload.mbps / cpMbps).toFixed(2)} of cp`,
    ],
    ['server RSS after start', `${fmt(startRss, 1)} MiB`, '', ''],
    ['server RSS idle (after warm-up)', `${fmt(idleRss, 1)} MiB`, '', ''],
    ['server RSS peak during upload', `${fmt(upload.peakRss, 1)} MiB`, '', ''],
    [
      'RSS peak - idle',
      `${fmt(growth, 1)} MiB`,
      `limit ${RSS_LIMIT_MIB} MiB`,
      upload.failure ? 'FAIL (the upload failed)' : growth <= RSS_LIMIT_MIB ? 'PASS' : 'FAIL',
    ],
    ...searchRows(search),
  ]);
  if (upload.failure || growth > RSS_LIMIT_MIB || downloads === 'FAILED') process.exitCode = 1;
  if (!searchPassed(search)) process.exitCode = 1;
  process.stdout.write('(MB = 10^6 bytes; MiB = 2^20 bytes)\n');
}

function cleanUp(): void {
  rmSync(root, { recursive: true, force: true });
}

process.once('SIGINT', () => {
  killAllNow();
  cleanUp();
  process.exit(130);
});

try {
  await main();
} catch (error) {
  process.exitCode = 1;
  process.stderr.write(`[bench] failed: ${error instanceof Error ? error.message : String(error)}\n`);
} finally {
  await stopAll();
  cleanUp();
}
