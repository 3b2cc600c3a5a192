// The file and memory rows of the bench, run on one database only (they do not depend on it): a 1 GiB upload
// through GraphQL multipart against a bare busboy sink taking the same request, the server's RSS during that
// upload, and (with wrk) a 10 MiB media download against plain Node streaming the same file.
import { spawn } from 'node:child_process';
import { existsSync, openAsBlob } from 'node:fs';
import { mkdir, open, rm } from 'node:fs/promises';
import { basename, delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { GOALS, ratioVerdict } from './goals.js';
import { type Child, startNode, stop, whileSamplingRss } from './processes.js';
import { CONNECTIONS, fmt, log, MIB, SECONDS, UPLOAD_BYTES } from './settings.js';
import { UPLOAD_MUTATION } from './throughput.js';

const MEDIA_BYTES = 10 * MIB;

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

/**
 * The upload of `file` as a GraphQL multipart request, by curl in its own process, to `url` (the gateway's
 * /graphql or the busboy sink), with the RSS of the process `pid` sampled all along.
 */
async function curlUpload(
  label: string,
  url: string,
  headers: string[],
  file: string,
  pid: number,
): Promise<UploadResult> {
  log(`${label}: uploading ${fmt(UPLOAD_BYTES / MIB)} MiB as a GraphQL multipart request with curl...`);
  const operations = JSON.stringify({ query: UPLOAD_MUTATION, variables: { file: null } });
  const { value: timing, rss } = await whileSamplingRss(pid, () =>
    timed(() =>
      run('curl', [
        ...['-sS', '-w', '\n%{http_code}', ...headers.flatMap((header) => ['-H', header])],
        ...['--form-string', `operations=${operations}`],
        ...['--form-string', `map=${JSON.stringify({ 0: ['variables.file'] })}`, '-F', `0=@${file}`],
        url,
      ]).catch((error: Error) => `${error.message}\n(none: curl failed)`),
    ),
  );
  log(`${label}: RSS during the upload: peak ${fmt(rss.peak, 1)} MiB over ${rss.count} samples`);
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
    log(`${label}: upload FAILED: ${failure}`);
    return { mbps, peakRss: rss.peak, failure };
  }
  log(`${label}: upload: ${timing.seconds.toFixed(2)} s, ${fmt(mbps, 1)} MB/s; ${asset.size} bytes stored`);
  return { mbps, peakRss: rss.peak };
}

/** (u) The gateway's GraphQL uploadAsset. */
function measureUpload(url: string, token: string, file: string, pid: number): Promise<UploadResult> {
  const headers = [`authorization: Bearer ${token}`, 'apollo-require-preflight: true'];
  return curlUpload('gateway', `${url}/graphql`, headers, file, pid);
}

/** (s) The upload anchor: the same request to a bare busboy sink writing the file part to disk (busboySink.ts). */
async function measureBusboySink(file: string, root: string): Promise<UploadResult> {
  log('starting the busboy sink...');
  const dir = join(root, 'sink');
  await mkdir(dir, { recursive: true });
  const sink = await startNode(fileURLToPath(new URL('./busboySink.js', import.meta.url)), { DIR: dir }, '/ready');
  try {
    return await curlUpload('busboy sink', `${sink.url}/upload`, [], file, sink.pid);
  } finally {
    await stop(sink.process);
  }
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
  const server = await startNode(fileURLToPath(new URL('./fileServer.js', import.meta.url)), { FILE: file }, '/ready');
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
  root: string,
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

export interface FileFigures {
  startRss: number;
  idleRss: number;
  sink: UploadResult;
  upload: UploadResult;
  downloads: { media: Download; raw: Download } | 'skipped' | 'FAILED';
}

/** Every file and memory figure, on a running gateway; `startRss` is its RSS right after its start. */
export async function measureFiles(
  gateway: Child,
  token: string,
  root: string,
  startRss: number,
): Promise<FileFigures> {
  const testFile = join(root, `upload-${UPLOAD_BYTES / MIB}MiB.bin`);
  await writeTestFile(testFile, UPLOAD_BYTES);
  const sink = await measureBusboySink(testFile, root);
  const idleRss = await measureIdleRss(gateway.pid);
  const upload = await measureUpload(gateway.url, token, testFile, gateway.pid);
  await rm(testFile);
  // After the upload, so that the RSS figures above are those of the query runs alone.
  const downloads = await measureDownloads(gateway.url, token, root);
  return { startRss, idleRss, sink, upload, downloads };
}

/** The file and memory goals missed, for the exit code's line. */
export function fileFailures({ idleRss, sink, upload, downloads }: FileFigures): string[] {
  const failures: string[] = [];
  if (downloads === 'FAILED') failures.push('the media download failed');
  else if (downloads !== 'skipped' && downloads.media.mbps / downloads.raw.mbps < GOALS.mediaOfFileServer) {
    const ratio = downloads.media.mbps / downloads.raw.mbps;
    failures.push(`media download / createReadStream = ${ratio.toFixed(3)} < ${GOALS.mediaOfFileServer}`);
  }
  if (sink.failure) failures.push('the busboy sink upload failed');
  if (upload.failure) failures.push('the gateway upload failed');
  else if (!sink.failure && upload.mbps / sink.mbps < GOALS.uploadOfBusboySink) {
    failures.push(`upload / busboy sink = ${(upload.mbps / sink.mbps).toFixed(3)} < ${GOALS.uploadOfBusboySink}`);
  }
  const growth = upload.peakRss - idleRss;
  if (!upload.failure && growth > GOALS.uploadRssGrowthMiB) {
    failures.push(`upload RSS peak - idle = ${fmt(growth, 1)} MiB > ${GOALS.uploadRssGrowthMiB} MiB`);
  }
  return failures;
}

/** The rows of their table: measurement, result, anchor, ratio or verdict. */
export function fileRows({ startRss, idleRss, sink, upload, downloads }: FileFigures): string[][] {
  const growth = upload.peakRss - idleRss;
  const media = `media download ${fmt(MEDIA_BYTES / MIB)} MiB, wrk, ${CONNECTIONS} connections`;
  const uploadLabel = `upload ${fmt(UPLOAD_BYTES / MIB)} MiB, GraphQL multipart, curl`;
  return [
    ['measurement', 'result', 'anchor', 'ratio / verdict'],
    ...(typeof downloads === 'string'
      ? [[media, downloads, '', downloads === 'FAILED' ? 'see the downloads FAILED line above' : 'apt-get install wrk']]
      : [
          ['raw node:http createReadStream (d)', `${fmt(downloads.raw.mbps, 1)} MB/s`, '', downloads.raw.problems],
          [
            `${media} (e)`,
            `${fmt(downloads.media.mbps, 1)} MB/s`,
            `(d) ${fmt(downloads.raw.mbps, 1)} MB/s`,
            `e/d = ${ratioVerdict(downloads.media.mbps / downloads.raw.mbps, GOALS.mediaOfFileServer)}; ${downloads.media.problems}`,
          ],
        ]),
    [
      `busboy sink, same request, file synced to disk (s)`,
      sink.failure ? 'FAILED' : `${fmt(sink.mbps, 1)} MB/s`,
      '',
      sink.failure ? 'see the busboy sink FAILED line above' : `its RSS peak ${fmt(sink.peakRss, 1)} MiB`,
    ],
    [
      `${uploadLabel} (u)`,
      upload.failure ? 'FAILED' : `${fmt(upload.mbps, 1)} MB/s`,
      sink.failure ? '' : `(s) ${fmt(sink.mbps, 1)} MB/s`,
      upload.failure
        ? 'see the upload FAILED line above'
        : sink.failure
          ? 'no anchor'
          : `u/s = ${ratioVerdict(upload.mbps / sink.mbps, GOALS.uploadOfBusboySink)}`,
    ],
    ['server RSS after start', `${fmt(startRss, 1)} MiB`, '', ''],
    ['server RSS idle (after warm-up)', `${fmt(idleRss, 1)} MiB`, '', ''],
    ['server RSS peak during upload', `${fmt(upload.peakRss, 1)} MiB`, '', ''],
    [
      'RSS peak - idle',
      `${fmt(growth, 1)} MiB`,
      `goal <= ${GOALS.uploadRssGrowthMiB} MiB`,
      upload.failure ? 'FAIL (the upload failed)' : growth <= GOALS.uploadRssGrowthMiB ? 'PASS' : 'FAIL',
    ],
  ];
}
