// The upload rows of the bench: a 1 GiB upload through GraphQL multipart against a bare busboy sink taking
// the same request, and the server's RSS during it, in rounds (sink, then gateway, BENCH_ROUNDS times; each
// round's file differs in its first bytes, so that no upload replaces a blob of the same content): the
// ratio is the median of the rounds', the RSS rise the largest of them.
import { randomBytes } from 'node:crypto';
import { mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { GOALS, ratioVerdict } from './goals.js';
import { type Child, run, startNode, stop, whileSamplingRss } from './processes.js';
import { fmt, log, MIB, median, ROUNDS, UPLOAD_BYTES } from './settings.js';
import { UPLOAD_MUTATION } from './throughput.js';

async function timed<T>(work: () => Promise<T>): Promise<{ seconds: number; value: T }> {
  const started = performance.now();
  const value = await work();
  return { seconds: (performance.now() - started) / 1000, value };
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

export interface UploadResult {
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

/** Every round's uploads: the sink's, the gateway's, and the gateway's idle RSS just before its upload. */
export interface UploadRounds {
  sink: UploadResult[];
  gateway: UploadResult[];
  idleRss: number[];
}

/** Makes the file's first 16 bytes new: the same size and speed to read, another sha256. */
async function restamp(file: string): Promise<void> {
  const handle = await open(file, 'r+');
  try {
    await handle.write(randomBytes(16), 0, 16, 0);
  } finally {
    await handle.close();
  }
}

/** (s) and (u): the busboy sink (busboySink.ts) and the gateway's GraphQL uploadAsset, one after the other per round. */
export async function measureUploadRounds(
  gateway: Child,
  token: string,
  file: string,
  root: string,
): Promise<UploadRounds> {
  log('starting the busboy sink...');
  const dir = join(root, 'sink');
  await mkdir(dir, { recursive: true });
  const sink = await startNode(fileURLToPath(new URL('./busboySink.js', import.meta.url)), { DIR: dir }, '/ready');
  const rounds: UploadRounds = { sink: [], gateway: [], idleRss: [] };
  const headers = [`authorization: Bearer ${token}`, 'apollo-require-preflight: true'];
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      await restamp(file);
      rounds.sink.push(
        await curlUpload(`round ${round}/${ROUNDS}: busboy sink`, `${sink.url}/upload`, [], file, sink.pid),
      );
      rounds.idleRss.push(await measureIdleRss(gateway.pid));
      rounds.gateway.push(
        await curlUpload(`round ${round}/${ROUNDS}: gateway`, `${gateway.url}/graphql`, headers, file, gateway.pid),
      );
    }
  } finally {
    await stop(sink.process);
  }
  return rounds;
}

/** The rounds where both uploads stored the whole file. */
function completeRounds(r: UploadRounds): number[] {
  return r.gateway.flatMap((upload, round) => (upload.failure || r.sink[round]?.failure ? [] : [round]));
}

const uploadRatio = (r: UploadRounds) =>
  median(completeRounds(r).map((round) => (r.gateway[round]?.mbps ?? 0) / (r.sink[round]?.mbps ?? 1)));

/** The largest rise of the gateway's RSS over its idle RSS, over the rounds. */
const rssGrowth = (r: UploadRounds) =>
  Math.max(...r.gateway.map((upload, round) => upload.peakRss - (r.idleRss[round] ?? 0)));

const medianMbps = (uploads: UploadResult[]) => median(uploads.filter((u) => !u.failure).map((u) => u.mbps));

export function uploadFailures(r: UploadRounds): string[] {
  const failures: string[] = [];
  if (r.sink.some((upload) => upload.failure)) failures.push('a busboy sink upload failed');
  if (r.gateway.some((upload) => upload.failure)) failures.push('a gateway upload failed');
  if (completeRounds(r).length > 0 && uploadRatio(r) < GOALS.uploadOfBusboySink) {
    failures.push(`upload / busboy sink = ${uploadRatio(r).toFixed(3)} < ${GOALS.uploadOfBusboySink}`);
  }
  if (rssGrowth(r) > GOALS.uploadRssGrowthMiB) {
    failures.push(`upload RSS peak - idle = ${fmt(rssGrowth(r), 1)} MiB > ${GOALS.uploadRssGrowthMiB} MiB`);
  }
  return failures;
}

/** Their rows of the files table: measurement, result, anchor, ratio or verdict. */
export function uploadRows(r: UploadRounds): string[][] {
  const complete = completeRounds(r).length;
  const growth = rssGrowth(r);
  const failed = (uploads: UploadResult[]) => uploads.filter((u) => u.failure).length;
  const sinkPeak = Math.max(...r.sink.map((upload) => upload.peakRss));
  const gatewayPeak = Math.max(...r.gateway.map((upload) => upload.peakRss));
  return [
    [
      `busboy sink, same request, file synced to disk (s), median of ${ROUNDS}`,
      `${fmt(medianMbps(r.sink), 1)} MB/s`,
      '',
      `its RSS peak ${fmt(sinkPeak, 1)} MiB${failed(r.sink) ? `; ${failed(r.sink)} FAILED (see above)` : ''}`,
    ],
    [
      `upload ${fmt(UPLOAD_BYTES / MIB)} MiB, GraphQL multipart, curl (u), median of ${ROUNDS}`,
      `${fmt(medianMbps(r.gateway), 1)} MB/s`,
      `(s) ${fmt(medianMbps(r.sink), 1)} MB/s`,
      complete === 0
        ? 'no round with both uploads complete (see above)'
        : `u/s = ${ratioVerdict(uploadRatio(r), GOALS.uploadOfBusboySink)} (median of the rounds' ratios)` +
          (failed(r.gateway) ? `; ${failed(r.gateway)} FAILED` : ''),
    ],
    ['server RSS idle before each upload (median)', `${fmt(median(r.idleRss), 1)} MiB`, '', ''],
    ['server RSS peak during the uploads', `${fmt(gatewayPeak, 1)} MiB`, '', ''],
    [
      'RSS peak - idle, the largest of the rounds',
      `${fmt(growth, 1)} MiB`,
      `goal <= ${GOALS.uploadRssGrowthMiB} MiB`,
      growth <= GOALS.uploadRssGrowthMiB ? 'PASS' : 'FAIL',
    ],
  ];
}
