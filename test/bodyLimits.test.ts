import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/testServer.js';
import { bearer, bodyOf } from './support/woodwingCalls.js';

/*
 * Bodies are limited before they are read into memory: JSON bodies (4 MiB on /graphql, 1 MiB on the REST
 * routes), form fields (1 MiB each, 500 in all), multipart parts; a refusal is a 413 the client can read.
 */

const MiB = 1024 * 1024;

let api: TestServer;
let token: string;
beforeAll(async () => {
  api = await startTestServer();
  token = await api.adminToken();
});
afterAll(() => api.close());

/** `total` bytes of a JSON string value, made as they are read, and how many of them the server took. */
function endlessJson(total: number): { body: ReadableStream<Uint8Array>; sent: () => number } {
  const chunk = Buffer.alloc(MiB, 'x');
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent === 0) controller.enqueue(Buffer.from('{"query": "{ __typename }", "x": "'));
      if (sent >= total) {
        controller.enqueue(Buffer.from('"}'));
        controller.close();
        return;
      }
      sent += chunk.length;
      controller.enqueue(chunk);
    },
  });
  return { body, sent: () => sent };
}

function postJson(path: string, body: BodyInit, extra: Record<string, string> = {}): Promise<Response> {
  return fetch(`${api.url}${path}`, {
    method: 'POST',
    headers: { ...bearer(token), 'content-type': 'application/json', ...extra },
    body,
    duplex: 'half',
  } as RequestInit);
}

describe('a 100 MB JSON body sent to /graphql without a Content-Length', () => {
  it('is answered 413 with PAYLOAD_TOO_LARGE before it is all sent', async () => {
    const json = endlessJson(100 * MiB);
    const response = await postJson('/graphql', json.body);
    expect(response.status).toBe(413);
    expect((await bodyOf(response)).errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
    expect(json.sent()).toBeLessThan(100 * MiB);
  });
});

describe('a JSON body over 1 MiB on a REST route', () => {
  const big = JSON.stringify({ q: '', padding: 'x'.repeat(MiB + 1) });

  it('is answered 413 MaxUploadSizeExceededException by /services', async () => {
    const response = await postJson('/services/search', big);
    expect(response.status).toBe(413);
    expect((await bodyOf(response)).errorname).toBe('MaxUploadSizeExceededException');
  });

  it('is answered 413 by /api/folder', async () => {
    const response = await postJson('/api/folder', big);
    expect(response.status).toBe(413);
  });

  it('is answered 413 by /assets, with an empty body as Asset Manager does', async () => {
    const response = await postJson('/assets', JSON.stringify({ asset: { padding: 'x'.repeat(MiB + 1) } }));
    expect(response.status).toBe(413);
    expect(await response.text()).toBe('');
  });

  it('is answered 413 before it is all sent when streamed without a Content-Length', async () => {
    const json = endlessJson(100 * MiB);
    const response = await postJson('/services/search', json.body);
    expect(response.status).toBe(413);
    expect(json.sent()).toBeLessThan(100 * MiB);
  });
});

describe('a WoodWing form over its limits', () => {
  function postForm(body: BodyInit): Promise<Response> {
    return fetch(`${api.url}/services/search`, { method: 'POST', headers: bearer(token), body });
  }

  it('is answered 413 when an urlencoded field is over 1 MiB', async () => {
    const response = await postForm(new URLSearchParams({ q: 'x'.repeat(MiB + 1) }));
    expect(response.status).toBe(413);
    expect((await bodyOf(response)).message).toBe('The field q is larger than 1 MiB');
  });

  it('is answered 413 when it has more than 500 urlencoded fields', async () => {
    const fields = new URLSearchParams(Array.from({ length: 501 }, (_, index) => [`f${index}`, 'v']));
    const response = await postForm(fields);
    expect(response.status).toBe(413);
    expect((await bodyOf(response)).message).toBe('A form may have at most 500 fields');
  });

  it('is answered 413 when a multipart form has more than 10 files', async () => {
    const form = new FormData();
    for (let index = 0; index < 11; index++) form.append(`file${index}`, new Blob(['x']), `f${index}.txt`);
    const response = await postForm(form);
    expect(response.status).toBe(413);
    expect((await bodyOf(response)).message).toBe('A form may have at most 10 files');
  });
});

describe('a GraphQL multipart request with more text fields than operations and map', () => {
  it('is answered 413 with PAYLOAD_TOO_LARGE past 10 fields', async () => {
    const form = new FormData();
    for (let index = 0; index < 11; index++) form.append(`extra${index}`, 'x');
    form.append('operations', JSON.stringify({ query: '{ __typename }' }));
    form.append('map', '{}');
    const response = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { ...bearer(token), 'apollo-require-preflight': 'true' },
      body: form,
    });
    expect(response.status).toBe(413);
    expect((await bodyOf(response)).errors[0].message).toBe('A request may carry at most 10 text fields');
  });
});
