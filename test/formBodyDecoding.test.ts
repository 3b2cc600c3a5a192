import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServerWithUser, type TestServer, type TestUser } from './support/testServer.js';
import { bearer } from './support/woodwingCalls.js';

let api: TestServer;
let editor: TestUser;
beforeAll(async () => ({ api, user: editor } = await startTestServerWithUser('EDITOR')));
afterAll(() => api.close());

/**
 * POSTs a JSON body in two writes, cut `cutInto` bytes into the first occurrence of `straddling`, with a pause
 * between them so that the server reads them as two chunks; answers the status and the parsed body.
 */
function postInTwoChunks(
  path: string,
  body: unknown,
  straddling: string,
  cutInto: number,
): Promise<{ status: number; body: any }> {
  const bytes = Buffer.from(JSON.stringify(body));
  const cut = bytes.indexOf(Buffer.from(straddling)) + cutInto;
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${api.url}${path}`, {
      method: 'POST',
      headers: { ...bearer(editor.token), 'content-type': 'application/json', 'content-length': bytes.length },
    });
    request.on('socket', (socket) => socket.setNoDelay(true));
    request.on('error', reject);
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) });
      });
    });
    request.write(bytes.subarray(0, cut));
    void sleep(100).then(() => request.end(bytes.subarray(cut)));
  });
}

describe('a JSON body whose UTF-8 character is split across two chunks', () => {
  it.each([
    ['a two-byte character', 'é', 1],
    ['a three-byte character, cut after its first byte', '☕', 1],
    ['a three-byte character, cut after its second byte', '☕', 2],
    ['a four-byte character', '🗂', 2],
  ])('reads %s back intact', async (_case, character, cutInto) => {
    const path = `/formbody/${randomUUID().slice(0, 8)} caf${character}`;
    const answer = await postInTwoChunks('/api/folder', { path }, character, cutInto);
    expect(answer.status).toBe(201);
    expect(answer.body.path).toBe(path);
  });
});
