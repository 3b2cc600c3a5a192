import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configProblemWith, configWith } from './support/configSettings.js';
import { assetCount } from './support/graphqlCalls.js';
import { startTestServer, type TestServer } from './support/testServer.js';

/*
 * Slow or stalled clients cannot hold a connection: headers must arrive within HEADERS_TIMEOUT_SECONDS, an
 * idle kept-alive connection is closed after KEEP_ALIVE_TIMEOUT_SECONDS, and a request that stops sending
 * (a stalled upload body) is cut off after IDLE_TIMEOUT_SECONDS.
 */

let api: TestServer;
let token: string;
beforeAll(async () => {
  api = await startTestServer({
    env: { HEADERS_TIMEOUT_SECONDS: '1', KEEP_ALIVE_TIMEOUT_SECONDS: '1', IDLE_TIMEOUT_SECONDS: '2' },
  });
  token = await api.adminToken();
});
afterAll(() => api.close());

/** A raw connection to the server, and everything it has received once the server closed it. */
function rawConnection(): { socket: Socket; closed: Promise<string> } {
  const socket = connect(api.server.port, '127.0.0.1');
  socket.on('error', () => {});
  let received = '';
  socket.on('data', (chunk: Buffer) => {
    received += chunk.toString('latin1');
  });
  const closed = new Promise<string>((resolve) => socket.once('close', () => resolve(received)));
  return { socket, closed };
}

describe('a client that sends its headers too slowly', () => {
  it('is answered 408 and disconnected', async () => {
    const { socket, closed } = rawConnection();
    // Half the headers, then nothing more: a slowloris client.
    socket.write('GET /healthcheck/live HTTP/1.1\r\nHost: localhost\r\nX-Slow: ');
    const received = await closed;
    expect(received).toMatch(/^HTTP\/1\.1 408 /);
  });
});

describe('a kept-alive connection left idle', () => {
  it('is told the keep-alive timeout and closed after it', async () => {
    const { socket, closed } = rawConnection();
    socket.write('GET /healthcheck/live HTTP/1.1\r\nHost: localhost\r\n\r\n');
    const received = await closed;
    expect(received).toMatch(/^HTTP\/1\.1 200 /);
    expect(received.toLowerCase()).toContain('keep-alive: timeout=1');
  });
});

describe('an upload whose body stops arriving', () => {
  it('is cut off and stores nothing', async () => {
    const boundary = 'stalled-boundary';
    const operations = JSON.stringify({
      query: 'mutation($file: Upload!) { uploadAsset(file: $file) { id } }',
      variables: { file: null },
    });
    const head =
      `--${boundary}\r\ncontent-disposition: form-data; name="operations"\r\n\r\n${operations}\r\n` +
      `--${boundary}\r\ncontent-disposition: form-data; name="map"\r\n\r\n{"0":["variables.file"]}\r\n` +
      `--${boundary}\r\ncontent-disposition: form-data; name="0"; filename="stalled.bin"\r\n\r\n`;
    const { socket, closed } = rawConnection();
    socket.write(
      'POST /graphql HTTP/1.1\r\nHost: localhost\r\n' +
        `content-type: multipart/form-data; boundary=${boundary}\r\ncontent-length: 1000000\r\n` +
        `apollo-require-preflight: true\r\nauthorization: Bearer ${token}\r\n\r\n${head}some bytes of the file`,
    );
    // Nothing more is sent: the server must close the connection by itself.
    await closed;
    expect(await assetCount(api, token)).toBe(0);
  });
});

describe('the connection timeout settings', () => {
  it('are read from HEADERS_TIMEOUT_SECONDS, KEEP_ALIVE_TIMEOUT_SECONDS and IDLE_TIMEOUT_SECONDS', () => {
    const config = configWith({
      HEADERS_TIMEOUT_SECONDS: '10',
      KEEP_ALIVE_TIMEOUT_SECONDS: '3',
      IDLE_TIMEOUT_SECONDS: '30',
    });
    expect(config.connectionTimeouts).toEqual({ headersMs: 10_000, keepAliveMs: 3_000, idleMs: 30_000 });
  });

  it('default to 20 s for headers, 5 s kept alive and 60 s idle', () => {
    expect(configWith({}).connectionTimeouts).toEqual({ headersMs: 20_000, keepAliveMs: 5_000, idleMs: 60_000 });
  });

  it('stop the start with the name of a timeout of zero', () => {
    expect(configProblemWith({ IDLE_TIMEOUT_SECONDS: '0' }).message).toMatch(/^IDLE_TIMEOUT_SECONDS: /);
  });
});
