// The file and memory rows of the bench, run on one database only (they do not depend on it): the uploads
// against a bare busboy sink and the server's RSS meanwhile (uploads.ts), and (with wrk) a 10 MiB media
// download against plain Node streaming the same file.
import { existsSync, openAsBlob } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { basename, delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { GOALS, ratioVerdict } from './goals.js';
import { type Child, run, startNode, stop } from './processes.js';
import { CONNECTIONS, fmt, log, MIB, SECONDS, UPLOAD_BYTES } from './settings.js';
import { measureUploadRounds, type UploadRounds, uploadFailures, uploadRows } from './uploads.js';

const MEDIA_BYTES = 10 * MIB;

/** Random-ish bytes, written 1 MiB at a time: a random block with the block number stamped into it. */
export async function writeTestFile(path: string, bytes: number): Promise<void> {
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
  uploads: UploadRounds;
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
  const uploads = await measureUploadRounds(gateway, token, testFile, root);
  await rm(testFile);
  // After the uploads, so that the RSS figures above are those of the query runs alone.
  const downloads = await measureDownloads(gateway.url, token, root);
  return { startRss, uploads, downloads };
}

/** The file and memory goals missed, for the exit code's line. */
export function fileFailures({ uploads, downloads }: FileFigures): string[] {
  const failures: string[] = [];
  if (downloads === 'FAILED') failures.push('the media download failed');
  // A goal nobody measured is not met: without wrk the run must not pass on the other figures alone.
  else if (downloads === 'skipped') failures.push('the media download was not measured (apt-get install wrk)');
  else if (downloads.media.mbps / downloads.raw.mbps < GOALS.mediaOfFileServer) {
    const ratio = downloads.media.mbps / downloads.raw.mbps;
    failures.push(`media download / createReadStream = ${ratio.toFixed(3)} < ${GOALS.mediaOfFileServer}`);
  }
  return [...failures, ...uploadFailures(uploads)];
}

/** The rows of their table: measurement, result, anchor, ratio or verdict. */
export function fileRows({ startRss, uploads, downloads }: FileFigures): string[][] {
  const media = `media download ${fmt(MEDIA_BYTES / MIB)} MiB, wrk, ${CONNECTIONS} connections`;
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
    ['server RSS after start', `${fmt(startRss, 1)} MiB`, '', ''],
    ...uploadRows(uploads),
  ];
}
