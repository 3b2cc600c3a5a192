import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadAs } from './support/graphqlCalls.js';
import { startTestServerWithUser, type TestServer, type TestUser } from './support/testServer.js';
import { bearer, bodyOf, postServices } from './support/woodwingCalls.js';

/*
 * Issue #15: a new file's type comes from its declared type, else its name, else its first bytes (file-type),
 * and its assetDomain follows from that type.
 */

let api: TestServer;
let user: TestUser;

beforeAll(async () => {
  ({ api, user } = await startTestServerWithUser('CONTRIBUTOR'));
});
afterAll(() => api.close());

/** The start of a 1x1 PNG: its signature and IHDR chunk, which is what file-type reads. */
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154', 'hex');
const PDF = Buffer.from(`%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n`);

/** Uploads `bytes` by GraphQL as `name`, with `contentType` if given, and answers the stored type. */
async function graphqlType(name: string, bytes: Buffer, contentType?: string): Promise<string> {
  const input = { folderPath: `/sniff/${randomUUID()}`, ...(contentType ? { contentType } : {}) };
  const asset = await uploadAs<{ contentType: string }>(api, user.token, {
    name,
    content: bytes,
    input,
    fields: 'contentType',
  });
  return asset.contentType;
}

/** Creates the file by WoodWing's create as `name`, and answers the hit's mimeType and assetDomain. */
async function woodwingCreate(name: string, bytes: Buffer) {
  const form = new FormData();
  form.append('folderPath', `/sniff/${randomUUID()}`);
  form.append('Filedata', new Blob([new Uint8Array(bytes)]), name);
  const response = await fetch(`${api.url}/services/create`, {
    method: 'POST',
    headers: bearer(user.token),
    body: form,
  });
  const hit = await bodyOf(response);
  return { mimeType: hit.metadata.mimeType, assetDomain: hit.metadata.assetDomain };
}

describe('a file whose name says nothing of its type', () => {
  it('is stored as image/png when its bytes are a PNG (GraphQL upload of "Jeff")', async () => {
    expect(await graphqlType('Jeff', PNG)).toBe('image/png');
  });

  it('is stored as application/pdf when its bytes are a PDF, with an extension no one knows', async () => {
    expect(await graphqlType('scan.zzq', PDF)).toBe('application/pdf');
  });

  it('is an image in WoodWing: mimeType image/png and assetDomain image (create of "Jeff")', async () => {
    expect(await woodwingCreate('Jeff', PNG)).toEqual({ mimeType: 'image/png', assetDomain: 'image' });
  });

  it('is found by assetDomain:image', async () => {
    const folder = `/sniff/${randomUUID()}`;
    const form = new FormData();
    form.append('folderPath', folder);
    form.append('Filedata', new Blob([PNG]), 'Jeff');
    await (
      await fetch(`${api.url}/services/create`, { method: 'POST', headers: bearer(user.token), body: form })
    ).arrayBuffer();
    const search = await postServices(
      api.url,
      'search',
      { q: `folderPath:"${folder}" assetDomain:image` },
      'urlencoded',
      bearer(user.token),
    );
    expect((await bodyOf(search)).totalHits).toBe(1);
  });

  it('stays application/octet-stream when its bytes are not a known format either', async () => {
    expect(await graphqlType('Jeff', Buffer.from(`just some words ${randomUUID()}`))).toBe('application/octet-stream');
  });

  it('has the type GOV.UK Asset Manager answers as content_type (POST /assets)', async () => {
    const form = new FormData();
    form.append('asset[file]', new Blob([PNG]), 'Jeff');
    const response = await fetch(`${api.url}/assets`, { method: 'POST', headers: bearer(user.token), body: form });
    expect(((await response.json()) as { content_type: string }).content_type).toBe('image/png');
  });
});

describe('a file whose type is declared or named', () => {
  it('keeps the declared type over what its bytes are', async () => {
    expect(await graphqlType('Jeff', PNG, 'application/x-kept')).toBe('application/x-kept');
  });

  it("keeps the type of its name's extension over what its bytes are", async () => {
    expect(await graphqlType('notes.txt', PNG)).toBe('text/plain; charset=utf-8');
  });

  it('keeps assetDomain from its extension in WoodWing', async () => {
    expect(await woodwingCreate('photo.pdf', PNG)).toEqual({ mimeType: 'application/pdf', assetDomain: 'pdf' });
  });
});
