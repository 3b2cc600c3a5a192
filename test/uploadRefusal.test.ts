import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assetCount } from './support/graphqlCalls.js';
import { postStreamedGraphqlUpload, streamedMultipart } from './support/multipart.js';
import { startTestServer, type TestServer } from './support/testServer.js';
import { bearer, bodyOf } from './support/woodwingCalls.js';

/*
 * #15: a file over MAX_UPLOAD_MB is answered 413 with its body, and a fetch (undici) client, still sending
 * when the answer comes, reads that answer rather than "fetch failed".
 */

const MiB = 1024 * 1024;
/** Well past what the socket buffers take in, so the server answers long before the client is done sending. */
const TOO_LARGE = 24 * MiB;
const UPLOAD = 'mutation($file: Upload!) { uploadAsset(file: $file) { id } }';

let api: TestServer;
let token: string;
beforeAll(async () => {
  api = await startTestServer({ env: { MAX_UPLOAD_MB: '1' } });
  token = await api.adminToken();
});
afterAll(() => api.close());

/** A multipart body with the file part `field` of `bytes` random bytes, sent as a stream without Content-Length. */
function streamedFilePart(url: string, field: string, bytes: number): Promise<Response> {
  const boundary = 'refusal-boundary';
  const head = Buffer.from(
    `--${boundary}\r\ncontent-disposition: form-data; name="${field}"; filename="big.bin"\r\n` +
      'content-type: application/octet-stream\r\n\r\n',
  );
  return fetch(url, {
    method: 'POST',
    headers: { ...bearer(token), 'content-type': `multipart/form-data; boundary=${boundary}` },
    body: streamedMultipart(head, boundary, bytes),
    duplex: 'half',
  } as RequestInit);
}

function formWithFile(field: string, fields: Record<string, string> = {}): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append(field, new Blob([randomBytes(TOO_LARGE)]), 'big.bin');
  return form;
}

describe('a GraphQL upload over MAX_UPLOAD_MB sent by fetch', () => {
  it('gets 413 and PAYLOAD_TOO_LARGE when its Content-Length says so', async () => {
    const form = formWithFile('0', {
      operations: JSON.stringify({ query: UPLOAD, variables: { file: null } }),
      map: JSON.stringify({ 0: ['variables.file'] }),
    });
    const response = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { ...bearer(token), 'apollo-require-preflight': 'true' },
      body: form,
    });
    expect(response.status).toBe(413);
    expect((await bodyOf(response)).errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('gets 413 and PAYLOAD_TOO_LARGE when streamed without a Content-Length', async () => {
    const response = await postStreamedGraphqlUpload(api.url, token, UPLOAD, TOO_LARGE);
    expect(response.status).toBe(413);
    expect((await bodyOf(response)).errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
  });
});

describe('a GOV.UK Asset Manager upload over MAX_UPLOAD_MB sent by fetch', () => {
  it('gets 413 when its Content-Length says so', async () => {
    const response = await fetch(`${api.url}/assets`, {
      method: 'POST',
      headers: bearer(token),
      body: formWithFile('asset[file]'),
    });
    expect(response.status).toBe(413);
    expect(await response.text()).toBe('');
  });

  it('gets 413 when streamed without a Content-Length', async () => {
    const response = await streamedFilePart(`${api.url}/assets`, 'asset[file]', TOO_LARGE);
    expect(response.status).toBe(413);
  });
});

describe('a WoodWing upload over MAX_UPLOAD_MB sent by fetch', () => {
  it('gets 413 MaxUploadSizeExceededException from create', async () => {
    const response = await fetch(`${api.url}/services/create`, {
      method: 'POST',
      headers: bearer(token),
      body: formWithFile('Filedata', { folderPath: '/refused' }),
    });
    expect(response.status).toBe(413);
    expect((await bodyOf(response)).errorname).toBe('MaxUploadSizeExceededException');
  });

  it('gets 413 MaxUploadSizeExceededException from create when streamed without a Content-Length', async () => {
    const response = await streamedFilePart(`${api.url}/services/create`, 'Filedata', TOO_LARGE);
    expect(response.status).toBe(413);
    expect((await bodyOf(response)).errorname).toBe('MaxUploadSizeExceededException');
  });

  it('gets 413 MaxUploadSizeExceededException from update', async () => {
    const created = await fetch(`${api.url}/services/create`, {
      method: 'POST',
      headers: bearer(token),
      body: (() => {
        const form = new FormData();
        form.append('folderPath', '/refused');
        form.append('Filedata', new Blob(['small']), 'small.txt');
        return form;
      })(),
    });
    const { id } = await bodyOf(created);
    const response = await fetch(`${api.url}/services/update?id=${id}`, {
      method: 'POST',
      headers: bearer(token),
      body: formWithFile('Filedata'),
    });
    expect(response.status).toBe(413);
    expect((await bodyOf(response)).errorname).toBe('MaxUploadSizeExceededException');
  });

  it('stores nothing of the refused file', async () => {
    const before = await assetCount(api, token);
    await fetch(`${api.url}/services/create`, {
      method: 'POST',
      headers: bearer(token),
      body: formWithFile('Filedata'),
    });
    expect(await assetCount(api, token)).toBe(before);
  });
});
