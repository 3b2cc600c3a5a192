import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Asset } from '../src/db/entities/Asset.js';
import { type ClamdAddress, ClamdScanner, parseClamdUrl, ScanFailed } from '../src/scan/ClamdScanner.js';
import { freePort } from './support/freePort.js';
import * as graphqlCalls from './support/graphqlCalls.js';
import { eventually, type GraphqlResponse, startTestServer, type TestServer } from './support/testServer.js';

/*
 * Virus scanning with a real clamd (issue 5, items 1-5, 8 and 9), over real HTTP. clamd runs with the EICAR
 * test signature as its only database (scripts/start-clamd.sh); CI starts it and sets CLAMD_URL.
 */

const CLAMD_URL = process.env.CLAMD_URL;
if (!CLAMD_URL) {
  console.log(
    'test/scanning.test.ts: the clamd tests were SKIPPED because CLAMD_URL is not set. To run them: ' +
      'CLAMD_URL=$(scripts/start-clamd.sh /tmp/clamd) npx vitest run test/scanning.test.ts',
  );
}

const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';
const EICAR_SIGNATURE = 'Eicar-Test-Signature.UNOFFICIAL';

/** Scans that fail are retried after 2 s, 4 s, 8 s ...: waits for a scan allow for a few rounds. */
const SCAN_WAIT_MS = 60_000;

const FIELDS = 'id name state versionNumber';
const REPLACE_FILE = `mutation($id: ID!, $file: Upload!) { replaceAssetFile(id: $id, file: $file) { ${FIELDS} } }`;
const CHECKOUT = 'mutation($id: ID!) { checkout(assetId: $id) { checkedOutBy } }';
const CHECKIN = `mutation($id: ID!, $file: Upload!) { checkin(assetId: $id, file: $file) { ${FIELDS} } }`;
const ASSET = `query($id: ID!) { asset(id: $id) { ${FIELDS} history { action versionNumber details } } }`;

type State = 'UNSCANNED' | 'CLEAN' | 'INFECTED' | 'UPLOADED';

interface AssetView {
  id: string;
  name: string;
  state: State;
  versionNumber: number;
}

interface HistoryView {
  action: string;
  versionNumber: number | null;
  details: Record<string, unknown> | null;
}

const SCANNED: State[] = ['INFECTED', 'UPLOADED'];

const uploadAs = (api: TestServer, token: string, name: string, content: string | Uint8Array) =>
  graphqlCalls.uploadAs<AssetView>(api, token, { name, content, fields: FIELDS });

async function readAsset(api: TestServer, token: string, id: string): Promise<AssetView & { history: HistoryView[] }> {
  const result = await api.graphql<{ asset: AssetView & { history: HistoryView[] } }>(ASSET, { id }, { token });
  if (!result.data?.asset) throw new Error(`asset ${id} not read: ${JSON.stringify(result.errors)}`);
  return result.data.asset;
}

/** Waits until the asset's scan has finished (INFECTED or UPLOADED) and returns it as it is then. */
async function scanned(api: TestServer, token: string, id: string) {
  return eventually(async () => {
    const asset = await readAsset(api, token, id);
    return SCANNED.includes(asset.state) ? asset : undefined;
  }, SCAN_WAIT_MS);
}

const scanEntries = (history: HistoryView[]) => history.filter((entry) => entry.action === 'SCAN');

function media(api: TestServer, asset: { id: string; name: string }): Promise<Response> {
  return fetch(`${api.url}/media/${asset.id}/${encodeURIComponent(asset.name)}`, { redirect: 'manual' });
}

/** The scan bookkeeping the queue keeps in the asset table (not part of the API). */
async function queueRows(api: TestServer, ids: string[]) {
  const rows = await api.server.orm.em.fork().find(Asset, { id: { $in: ids } });
  return rows.map((row) => ({ id: row.id, state: row.state, scanAttempts: row.scanAttempts }));
}

/**
 * A TCP proxy in front of the real clamd, so a test can take "clamd" away and bring it back on the same
 * address. While held, connections are accepted but not passed on until released (a scan in progress).
 */
class ClamdProxy {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private held: Socket[] = [];
  private holding = false;
  port = 0;

  constructor(private readonly target: ClamdAddress) {
    this.server = createServer({ allowHalfOpen: true }, (client) => {
      this.track(client);
      if (this.holding) {
        client.pause();
        this.held.push(client);
      } else this.forward(client);
    });
  }

  get url(): string {
    return `tcp://127.0.0.1:${this.port}`;
  }

  get heldCount(): number {
    return this.held.length;
  }

  async listen(): Promise<void> {
    await new Promise<void>((done, fail) => {
      this.server.once('error', fail);
      this.server.listen(this.port, '127.0.0.1', () => {
        this.server.off('error', fail);
        done();
      });
    });
    this.port = (this.server.address() as AddressInfo).port;
  }

  /** Stops listening and cuts every connection: clamd is gone. */
  async close(): Promise<void> {
    if (!this.server.listening) return;
    const closed = new Promise<void>((done) => this.server.close(() => done()));
    for (const socket of this.sockets) socket.destroy();
    this.held = [];
    await closed;
  }

  hold(): void {
    this.holding = true;
  }

  release(): void {
    this.holding = false;
    for (const client of this.held.splice(0)) this.forward(client);
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
  }

  private forward(client: Socket): void {
    const upstream = connect({ ...this.target, allowHalfOpen: true });
    this.track(upstream);
    const cut = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', cut);
    upstream.on('error', cut);
    client.pipe(upstream);
    upstream.pipe(client);
    client.resume();
  }
}

/** The files the blob store is writing right now: a file arrives in its .tmp folder before it is stored. */
async function filesBeingStored(api: TestServer): Promise<string[]> {
  const names = await readdir(join(api.dataDir, 'blobs', '.tmp')).catch(() => []);
  return names.filter((name) => !name.startsWith('ready-'));
}

/**
 * replaceAssetFile as a multipart request whose file arrives in two parts: `head` at once, `tail` only once
 * `gate` resolves, so the test can act while the server is in the middle of receiving the new file.
 */
async function replaceInTwoParts(
  api: TestServer,
  token: string,
  id: string,
  name: string,
  head: Buffer,
  tail: Buffer,
  gate: Promise<void>,
): Promise<GraphqlResponse<{ replaceAssetFile: AssetView }>> {
  const boundary = `asset-gateway-test-${randomUUID()}`;
  const operations = JSON.stringify({ query: REPLACE_FILE, variables: { id, file: null } });
  const map = JSON.stringify({ 0: ['variables.file'] });
  const preamble =
    `--${boundary}\r\nContent-Disposition: form-data; name="operations"\r\n\r\n${operations}\r\n` +
    `--${boundary}\r\nContent-Disposition: form-data; name="map"\r\n\r\n${map}\r\n` +
    `--${boundary}\r\nContent-Disposition: form-data; name="0"; filename="${name}"\r\n` +
    'Content-Type: application/octet-stream\r\n\r\n';
  let part = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      part += 1;
      if (part === 1) controller.enqueue(Buffer.concat([Buffer.from(preamble), head]));
      else {
        await gate;
        controller.enqueue(Buffer.concat([tail, Buffer.from(`\r\n--${boundary}--\r\n`)]));
        controller.close();
      }
    },
  });
  const response = await fetch(`${api.url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': `multipart/form-data; boundary=${boundary}`,
      'apollo-require-preflight': 'true',
      authorization: `Bearer ${token}`,
    },
    body,
    duplex: 'half',
  } as RequestInit);
  const json = (await response.json()) as { data?: { replaceAssetFile: AssetView }; errors?: [] };
  return { status: response.status, headers: response.headers, data: json.data, errors: json.errors };
}

describe.skipIf(!CLAMD_URL)('virus scanning with clamd', () => {
  const clamdAddress = CLAMD_URL ? parseClamdUrl(CLAMD_URL) : { host: '127.0.0.1', port: 0 };

  describe('verdicts', () => {
    let api: TestServer;
    let token: string;

    beforeAll(async () => {
      api = await startTestServer({ env: { CLAMD_URL: CLAMD_URL as string } });
      token = (await api.createUser('EDITOR')).token;
    });
    afterAll(() => api?.close());

    it('ends the EICAR test file INFECTED, with the signature in a SCAN history entry', async () => {
      const asset = await uploadAs(api, token, 'eicar.com', EICAR);
      const done = await scanned(api, token, asset.id);
      expect(done.state).toBe('INFECTED');
      expect(scanEntries(done.history)).toEqual([
        expect.objectContaining({ details: expect.objectContaining({ signature: EICAR_SIGNATURE }) }),
      ]);
    });

    it('never shows a verdict without its SCAN history entry, however often the asset is read meanwhile', async () => {
      const asset = await uploadAs(api, token, 'watched.com', EICAR);
      const seen: Array<AssetView & { history: HistoryView[] }> = [];
      const watch = async () => {
        for (let last = await readAsset(api, token, asset.id); ; last = await readAsset(api, token, asset.id)) {
          seen.push(last);
          if (SCANNED.includes(last.state)) return;
        }
      };
      await Promise.all([watch(), watch(), watch(), watch()]);
      const verdicts = seen.filter((view) => view.state !== 'UNSCANNED');
      expect(verdicts.length).toBeGreaterThan(0);
      expect(verdicts.filter((view) => scanEntries(view.history).length !== 1)).toEqual([]);
    });

    it('answers 404 at the media URL of an infected file', async () => {
      const asset = await uploadAs(api, token, 'eicar.txt', EICAR);
      expect((await scanned(api, token, asset.id)).state).toBe('INFECTED');
      const response = await media(api, asset);
      expect(response.status).toBe(404);
      expect(await response.text()).not.toContain('EICAR');
    });

    it('ends a clean file UPLOADED, with a CLEAN SCAN history entry', async () => {
      const asset = await uploadAs(api, token, 'clean.txt', 'nothing to see here');
      const done = await scanned(api, token, asset.id);
      expect(done.state).toBe('UPLOADED');
      expect(scanEntries(done.history)).toEqual([
        expect.objectContaining({ details: { outcome: 'CLEAN', scanned: true } }),
      ]);
    });

    it('serves a clean file at its media URL once scanned', async () => {
      const content = randomBytes(200_000);
      const asset = await uploadAs(api, token, 'clean.bin', content);
      expect((await scanned(api, token, asset.id)).state).toBe('UPLOADED');
      const response = await media(api, asset);
      expect(response.status).toBe(200);
      expect(Buffer.from(await response.arrayBuffer()).equals(content)).toBe(true);
    });

    it('scans a replaced file again: UNSCANNED, then UPLOADED and served', async () => {
      const asset = await uploadAs(api, token, 'first.txt', 'the first file');
      expect((await scanned(api, token, asset.id)).state).toBe('UPLOADED');

      const replaced = await api.upload<{ replaceAssetFile: AssetView }>(
        REPLACE_FILE,
        { id: asset.id },
        { name: 'second.txt', content: 'the second file' },
        { token },
      );
      expect(replaced.errors).toBeUndefined();
      expect(replaced.data?.replaceAssetFile.state).toBe('UNSCANNED');

      const done = await scanned(api, token, asset.id);
      expect(done.state).toBe('UPLOADED');
      expect(scanEntries(done.history).map((entry) => entry.versionNumber)).toEqual([1, 2]);
      const response = await media(api, done);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe('the second file');
    });

    it('ends a replacement carrying the EICAR string INFECTED, served under neither its new nor its old name', async () => {
      const asset = await uploadAs(api, token, 'harmless.txt', 'harmless at first');
      expect((await scanned(api, token, asset.id)).state).toBe('UPLOADED');

      const replaced = await api.upload(
        REPLACE_FILE,
        { id: asset.id },
        { name: 'harmful.txt', content: EICAR },
        { token },
      );
      expect(replaced.errors).toBeUndefined();

      const done = await scanned(api, token, asset.id);
      expect(done.state).toBe('INFECTED');
      expect((await media(api, { id: asset.id, name: 'harmful.txt' })).status).toBe(404);
      expect((await media(api, { id: asset.id, name: 'harmless.txt' })).status).toBe(404);
    });

    it('scans a checked-in file again: an EICAR check-in ends INFECTED', async () => {
      const asset = await uploadAs(api, token, 'report.txt', 'a report');
      expect((await scanned(api, token, asset.id)).state).toBe('UPLOADED');
      const checkedOut = await api.graphql(CHECKOUT, { id: asset.id }, { token });
      expect(checkedOut.errors).toBeUndefined();

      const checkedIn = await api.upload<{ checkin: AssetView }>(
        CHECKIN,
        { id: asset.id },
        { name: 'report.txt', content: EICAR },
        { token },
      );
      expect(checkedIn.data?.checkin.state).toBe('UNSCANNED');
      expect((await scanned(api, token, asset.id)).state).toBe('INFECTED');
      expect((await media(api, asset)).status).toBe(404);
    });

    it('ends each of 50 uploads sent at once UPLOADED, scanned exactly once', async () => {
      const assets = await Promise.all(
        Array.from({ length: 50 }, (_, n) => uploadAs(api, token, `batch-${n}.txt`, `batch file number ${n}`)),
      );
      expect(new Set(assets.map((asset) => asset.id)).size).toBe(50);
      // One at a time: fifty pollers at once would mostly measure themselves.
      const done = [];
      for (const asset of assets) done.push(await scanned(api, token, asset.id));
      expect(done.map((asset) => asset.state)).toEqual(assets.map(() => 'UPLOADED'));
      expect(done.map((asset) => scanEntries(asset.history).length)).toEqual(assets.map(() => 1));
    });
  });

  describe('readiness', () => {
    it('says the scanner is ok while clamd answers', async () => {
      const api = await startTestServer({ env: { CLAMD_URL: CLAMD_URL as string } });
      try {
        const response = await fetch(`${api.url}/healthcheck/ready`);
        expect(response.status).toBe(200);
        expect(await response.json()).toEqual({
          status: 'ok',
          checks: { database: 'ok', storage: 'ok', scanner: 'ok' },
        });
      } finally {
        await api.close();
      }
    });

    it('answers 503 with the scanner failing while nothing listens at CLAMD_URL', async () => {
      const api = await startTestServer({ env: { CLAMD_URL: `tcp://127.0.0.1:${await freePort()}` } });
      try {
        const response = await fetch(`${api.url}/healthcheck/ready`);
        expect(response.status).toBe(503);
        const body = (await response.json()) as { status: string; checks: Record<string, string> };
        expect(body.status).toBe('unavailable');
        expect(body.checks.scanner).toMatch(/^failing/);
        expect(body.checks.database).toBe('ok');
      } finally {
        await api.close();
      }
    });
  });

  describe('clamd stopped mid-queue, then started again', () => {
    let proxy: ClamdProxy;
    let api: TestServer;
    let token: string;
    let clean: AssetView[];
    let infected: AssetView;

    beforeAll(async () => {
      proxy = new ClamdProxy(clamdAddress);
      await proxy.listen();
      api = await startTestServer({ env: { CLAMD_URL: proxy.url } });
      token = (await api.createUser('EDITOR')).token;
      // The queue works through the proxy...
      const before = await uploadAs(api, token, 'before.txt', 'uploaded while clamd was up');
      expect((await scanned(api, token, before.id)).state).toBe('UPLOADED');
      // ... until clamd goes away.
      await proxy.close();
      clean = await Promise.all(
        [1, 2, 3].map((n) => uploadAs(api, token, `while-down-${n}.txt`, `uploaded while clamd was down ${n}`)),
      );
      infected = await uploadAs(api, token, 'while-down-eicar.txt', EICAR);
    });
    afterAll(async () => {
      await api?.close();
      await proxy?.close();
    });

    it('keeps the uploads UNSCANNED and tries them again while clamd is down', async () => {
      const ids = [...clean, infected].map((asset) => asset.id);
      // Two attempts each: the first has failed and the retry after it has been made.
      const rows = await eventually(async () => {
        const rows = await queueRows(api, ids);
        return rows.every((row) => row.scanAttempts >= 2) ? rows : undefined;
      }, SCAN_WAIT_MS);
      expect(rows.map((row) => row.state)).toEqual(ids.map(() => 'UNSCANNED'));
      for (const id of ids) {
        const asset = await readAsset(api, token, id);
        expect(scanEntries(asset.history)).toEqual([]);
        expect((await media(api, asset)).status).toBe(404);
      }
    });

    it('scans them all once clamd is back: the clean ones UPLOADED, the EICAR one INFECTED', async () => {
      await proxy.listen();
      const doneClean = await Promise.all(clean.map((asset) => scanned(api, token, asset.id)));
      const doneInfected = await scanned(api, token, infected.id);
      expect(doneClean.map((asset) => asset.state)).toEqual(['UPLOADED', 'UPLOADED', 'UPLOADED']);
      expect(doneInfected.state).toBe('INFECTED');
      expect(scanEntries(doneInfected.history).map((entry) => entry.details)).toEqual([
        { outcome: 'INFECTED', signature: EICAR_SIGNATURE },
      ]);
      expect(doneClean.map((asset) => scanEntries(asset.history).length)).toEqual([1, 1, 1]);
    });
  });

  describe('a restart with UNSCANNED assets left over', () => {
    let proxy: ClamdProxy;
    let before: TestServer;
    let after: TestServer | undefined;

    beforeAll(async () => {
      proxy = new ClamdProxy(clamdAddress);
      await proxy.listen();
      await proxy.close();
      before = await startTestServer({ env: { CLAMD_URL: proxy.url } });
    });
    afterAll(async () => {
      if (after) await after.close();
      else await before?.close();
      await proxy?.close();
    });

    it('scans them after the restart, clean ones UPLOADED and the EICAR one INFECTED', async () => {
      const token = await before.adminToken();
      const left = await Promise.all([
        uploadAs(before, token, 'left-1.txt', 'left over one'),
        uploadAs(before, token, 'left-2.txt', 'left over two'),
        uploadAs(before, token, 'left-eicar.txt', EICAR),
      ]);
      const ids = left.map((asset) => asset.id);
      const rows = await eventually(async () => {
        const rows = await queueRows(before, ids);
        return rows.every((row) => row.scanAttempts >= 1) ? rows : undefined;
      }, SCAN_WAIT_MS);
      expect(rows.map((row) => row.state)).toEqual(['UNSCANNED', 'UNSCANNED', 'UNSCANNED']);
      await before.stop();

      after = await startTestServer({ dataDir: before.dataDir, env: { CLAMD_URL: CLAMD_URL as string } });
      const afterToken = await after.adminToken();
      const server = after;
      const done = await Promise.all(ids.map((id) => scanned(server, afterToken, id)));
      expect(done.map((asset) => asset.state)).toEqual(['UPLOADED', 'UPLOADED', 'INFECTED']);
    });
  });

  describe('a file replaced while a scan is under way', () => {
    let proxy: ClamdProxy;
    let api: TestServer;
    let token: string;

    beforeAll(async () => {
      proxy = new ClamdProxy(clamdAddress);
      await proxy.listen();
      // On the filesystem store even when TEST_STORAGE_URL is set: a test here watches its .tmp folder.
      api = await startTestServer({ env: { CLAMD_URL: proxy.url, STORAGE_URL: '' } });
      token = (await api.createUser('EDITOR')).token;
    });
    afterAll(async () => {
      proxy?.release();
      await api?.close();
      await proxy?.close();
    });

    it('throws away the verdict on the earlier file and scans the new one', async () => {
      proxy.hold();
      const asset = await uploadAs(api, token, 'innocent.txt', 'innocent bytes');
      await eventually(async () => (proxy.heldCount >= 1 ? true : undefined));

      const replaced = await api.upload(
        REPLACE_FILE,
        { id: asset.id },
        { name: 'eicar.txt', content: EICAR },
        { token },
      );
      expect(replaced.errors).toBeUndefined();
      proxy.release();

      const done = await scanned(api, token, asset.id);
      expect(done.state).toBe('INFECTED');
      expect(scanEntries(done.history)).toEqual([
        expect.objectContaining({ versionNumber: 2, details: { outcome: 'INFECTED', signature: EICAR_SIGNATURE } }),
      ]);
      expect((await media(api, { id: asset.id, name: 'eicar.txt' })).status).toBe(404);
    });

    it('scans a new file that arrives while the earlier file’s scan finishes, before serving it', async () => {
      // The earlier file waits for a retry, clamd being away...
      await proxy.close();
      const asset = await uploadAs(api, token, 'calm.txt', 'calm bytes');
      await eventually(async () => {
        const [row] = await queueRows(api, [asset.id]);
        return row && row.scanAttempts >= 1 ? true : undefined;
      }, SCAN_WAIT_MS);

      // ... a new file starts to arrive (the server has read the asset and is storing the bytes) ...
      let finishUpload!: () => void;
      const gate = new Promise<void>((done) => {
        finishUpload = done;
      });
      const eicar = Buffer.from(EICAR);
      const replacing = replaceInTwoParts(
        api,
        token,
        asset.id,
        'eicar.txt',
        eicar.subarray(0, 10),
        eicar.subarray(10),
        gate,
      );
      await eventually(async () => ((await filesBeingStored(api)).length > 0 ? true : undefined));

      // ... clamd comes back and passes the earlier file ...
      await proxy.listen();
      expect((await scanned(api, token, asset.id)).state).toBe('UPLOADED');

      // ... and then the new file's last bytes arrive.
      finishUpload();
      const replaced = await replacing;
      expect(replaced.errors).toBeUndefined();
      expect(replaced.data?.replaceAssetFile.versionNumber).toBe(2);

      const done = await eventually(async () => {
        const current = await readAsset(api, token, asset.id);
        return scanEntries(current.history).some((entry) => entry.versionNumber === 2) || current.state === 'UPLOADED'
          ? current
          : undefined;
      }, SCAN_WAIT_MS);
      const served = await media(api, { id: asset.id, name: 'eicar.txt' });
      expect({ state: done.state, mediaStatus: served.status, body: await served.text() }).toEqual({
        state: 'INFECTED',
        mediaStatus: 404,
        body: expect.not.stringContaining('EICAR'),
      });
    });
  });

  describe('clamd’s stream size limit', () => {
    let folder: string;
    let clamd: ChildProcess | undefined;
    let scanner: ClamdScanner;
    let clamdLog = '';

    beforeAll(async () => {
      folder = await mkdtemp(join(tmpdir(), 'asset-gateway-clamd-'));
      const here = resolve(import.meta.dirname, '..');
      const shared = resolve(here, '../shared/testdata/eicar.hdb');
      const signatures = existsSync(shared) ? shared : join(here, 'test/fixtures/eicar.hdb');
      await mkdir(join(folder, 'db'));
      await copyFile(signatures, join(folder, 'db', 'eicar.hdb'));
      const port = await freePort();
      await writeFile(
        join(folder, 'clamd.conf'),
        [
          `DatabaseDirectory ${join(folder, 'db')}`,
          `TCPSocket ${port}`,
          'TCPAddr 127.0.0.1',
          `LogFile ${join(folder, 'clamd.log')}`,
          'StreamMaxLength 1M',
          'Foreground yes',
          '',
        ].join('\n'),
      );
      clamd = spawn('clamd', ['-c', join(folder, 'clamd.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
      clamd.on('error', (error) => {
        clamdLog += `could not start clamd (Debian package clamav-daemon): ${error.message}`;
      });
      clamd.stdout?.on('data', (chunk: Buffer) => {
        clamdLog += chunk.toString();
      });
      clamd.stderr?.on('data', (chunk: Buffer) => {
        clamdLog += chunk.toString();
      });
      scanner = new ClamdScanner({ host: '127.0.0.1', port }, { connectTimeoutMs: 5_000, scanTimeoutMs: 30_000 });
      await eventually(async () => {
        if (clamd?.exitCode != null || clamdLog.startsWith('could not start')) {
          throw new Error(`clamd did not start: ${clamdLog}`);
        }
        return scanner.ping().then(
          () => true,
          () => undefined,
        );
      }, 30_000);
    });
    afterAll(async () => {
      if (clamd && clamd.exitCode == null) {
        const exited = new Promise((done) => clamd?.once('exit', done));
        clamd.kill('SIGTERM');
        await exited;
      }
      if (folder) await rm(folder, { recursive: true, force: true });
    });

    it('finds a file under the limit clean (this clamd works)', async () => {
      await expect(scanner.scan(Readable.from([randomBytes(512 * 1024)]))).resolves.toEqual({ infected: false });
    });

    it('rejects a file over the limit as an error, never as clean', async () => {
      const over = Readable.from(Array.from({ length: 4 }, () => randomBytes(1024 * 1024)));
      await expect(scanner.scan(over)).rejects.toBeInstanceOf(ScanFailed);
    });
  });
});
