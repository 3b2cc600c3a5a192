import { createServer, type Server } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { untilUploaded, uploadAs } from './support/graphqlCalls.js';
import { pictureOf, untilRendered } from './support/renditionCalls.js';
import { eventually, startTestServer, type TestServer } from './support/testServer.js';

/*
 * The rendition queue (issue #16) is the renditions table: work waiting when the process stops is done after
 * the restart, and only files scanned clean are ever rendered.
 */

describe('renditions waiting when the server stops', () => {
  let before: TestServer;
  let after: TestServer | undefined;
  afterAll(async () => {
    if (after) await after.close();
    else await before?.close();
  });

  it('are made after the restart', async () => {
    before = await startTestServer();
    const token = await before.adminToken();
    const picture = await uploadAs(before, token, { name: 'waiting.jpg', content: await pictureOf(500, 500) });
    await untilUploaded(before, token, picture.id);
    await untilRendered(before, token, picture.id);
    await before.stop();

    // As if the process had died with the thumbnail queued and the preview claimed, its lease run out.
    const [asset] = await before.sql('select sha256 from assets where id = ?', [picture.id]);
    await before.sql(
      `update renditions set state = 'PENDING', blob_key = null, next_attempt_at = null where source_sha256 = ? and variant = 'thumbnail'`,
      [asset?.sha256],
    );
    await before.sql(
      `update renditions set state = 'PENDING', blob_key = null, attempts = 1, next_attempt_at = created_at where source_sha256 = ? and variant = 'preview'`,
      [asset?.sha256],
    );

    after = await startTestServer({ dataDir: before.dataDir });
    const renditions = await untilRendered(after, await after.adminToken(), picture.id);
    expect(renditions.map((rendition) => rendition.state)).toEqual(['READY', 'READY']);
  });
});

/** A stand-in for clamd that finds every file infected: enough to see what happens to an infected image. */
function infectedEverything(): Promise<Server> {
  const server = createServer((socket) => {
    let received = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.toString('latin1').startsWith('zPING')) socket.end('PONG\0');
      else if (received.length > 14 && received.subarray(-4).equals(Buffer.alloc(4)))
        socket.end('stream: Test.Image.Signature FOUND\0');
    });
    socket.on('error', () => {});
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('an infected image', () => {
  let api: TestServer;
  let clamd: Server;
  afterAll(async () => {
    await api?.close();
    clamd?.close();
  });

  it('gets no renditions: none is queued, and its thumbnail is refused', async () => {
    clamd = await infectedEverything();
    const port = (clamd.address() as { port: number }).port;
    api = await startTestServer({ env: { CLAMD_URL: `tcp://127.0.0.1:${port}` } });
    const token = await api.adminToken();
    const picture = await uploadAs(api, token, { name: 'infected.jpg', content: await pictureOf(64, 64) });
    await eventually(async () => {
      const [row] = await api.sql('select state from assets where id = ?', [picture.id]);
      return row?.state === 'INFECTED' ? true : undefined;
    });
    const [asset] = await api.sql('select sha256 from assets where id = ?', [picture.id]);
    expect(await api.sql('select id from renditions where source_sha256 = ?', [asset?.sha256])).toEqual([]);
    const response = await fetch(`${api.url}/thumbnail/${picture.id}/*/infected.jpg`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(409);
  });
});
