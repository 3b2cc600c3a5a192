import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, freshFolder, untilUploaded } from './support/graphqlCalls.js';
import { createKey, pageOf } from './support/sharedLinkPageCalls.js';
import { type SmtpSink, startSmtpSink } from './support/smtpSink.js';
import { eventually, startTestServer, type TestServer, type TestUser } from './support/testServer.js';

/** The shared-link page's two forms over HTTP: the upload of a requestUpload link, the review of a requestApproval one. */

let api: TestServer;
let editor: TestUser;
let sink: SmtpSink;
let shared: { id: string; name: string };

beforeAll(async () => {
  sink = await startSmtpSink();
  api = await startTestServer({ env: { SMTP_URL: sink.url, MAX_UPLOAD_MB: '1' } });
  editor = await api.createUser('EDITOR', { email: 'creator@example.org' });
  const folder = freshFolder();
  shared = await uploadTo(folder, 'to-review.txt');
}, 60_000);
afterAll(async () => {
  await api?.close();
  await sink?.close();
});

async function uploadTo(folderPath: string, name: string): Promise<{ id: string; name: string }> {
  const query =
    'mutation($file: Upload!, $input: UploadAssetInput) { uploadAsset(file: $file, input: $input) { id name } }';
  const result = await api.upload(query, { input: { folderPath } }, { name, content: 'x' }, { token: editor.token });
  return result.data?.uploadAsset;
}

function upload(key: string | null, file: { name: string; content: string } | null, headers = {}) {
  const form = new FormData();
  if (file) form.set('file', new Blob([file.content]), file.name);
  const query = key === null ? '' : `?key=${encodeURIComponent(key)}`;
  return fetch(`${api.url}/shared-link/upload${query}`, { method: 'POST', body: form, headers, redirect: 'manual' });
}

function review(fields: Record<string, string>, headers = {}) {
  return fetch(`${api.url}/shared-link/review`, {
    method: 'POST',
    body: new URLSearchParams(fields),
    headers,
    redirect: 'manual',
  });
}

async function namesIn(folderPath: string): Promise<string[]> {
  const query = 'query($f: String!) { assets(folderPath: $f) { edges { node { name } } } }';
  const data = await dataOf(api, query, { f: folderPath }, editor.token);
  return data.assets.edges.map((edge: any) => edge.node.name);
}

async function decisionsOf(assetId: string): Promise<string[]> {
  const query = 'query($id: ID!) { asset(id: $id) { history { action details } } }';
  const data = await dataOf(api, query, { id: assetId }, editor.token);
  return data.asset.history
    .filter((entry: any) => entry.action === 'SHARE' && entry.details?.action !== 'created')
    .map((entry: any) => entry.details.action);
}

const uploadKey = async (folder: string) =>
  (await createKey(api, editor.token, { requestUpload: true, importFolderPath: folder })).key;
const reviewKey = async (input: Record<string, unknown> = {}) =>
  (await createKey(api, editor.token, { assetIds: [shared.id], requestApproval: true, ...input })).key;

describe('the upload form', () => {
  it('is shown, its file input labelled, only on a link that asks for uploads', async () => {
    const withForm = await (await pageOf(api, `w=${await uploadKey(freshFolder())}`)).text();
    expect(withForm).toContain('<label for="upload-file">');
    expect(withForm).toContain('id="upload-file" type="file" name="file"');
    const without = await (await pageOf(api, `w=${await reviewKey()}`)).text();
    expect(without).not.toContain('shared-link/upload');
  });

  it('stores the file in the import folder, scans it, and sends the browser back with a notice', async () => {
    const folder = freshFolder();
    const key = await uploadKey(folder);
    const response = await upload(key, { name: 'sent.txt', content: 'sent through the page' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`../?w=${key}&notice=uploaded`);
    expect(await namesIn(folder)).toEqual(['sent.txt']);
    const { id } = (
      await dataOf(
        api,
        'query($f: String!) { assets(folderPath: $f) { edges { node { id } } } }',
        { f: folder },
        editor.token,
      )
    ).assets.edges[0].node;
    await untilUploaded(api, editor.token, id);
  });

  it('is refused with 403 by a link that does not ask for uploads, storing nothing', async () => {
    const folder = freshFolder();
    const { key } = await createKey(api, editor.token, { assetIds: [shared.id], importFolderPath: folder });
    const response = await upload(key, { name: 'refused.txt', content: 'no' });
    expect(response.status).toBe(403);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await response.text()).toContain('does not accept uploads');
    expect(await namesIn(folder)).toEqual([]);
  });

  it('is refused with the 404 page for an unknown or a missing key', async () => {
    for (const key of ['no-such-key-0123456789', null]) {
      const response = await upload(key, { name: 'refused.txt', content: 'no' });
      expect(response.status).toBe(404);
      expect(await response.text()).toContain('This link does not work');
    }
  });

  it('is refused with 400 when no file is chosen', async () => {
    const response = await upload(await uploadKey(freshFolder()), null);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('Choose a file');
  });

  it('is refused with 413 for a file over MAX_UPLOAD_MB', async () => {
    const folder = freshFolder();
    const response = await upload(await uploadKey(folder), { name: 'big.bin', content: 'x'.repeat(2_200_000) });
    expect(response.status).toBe(413);
    expect(await namesIn(folder)).toEqual([]);
  });

  it('is refused with 403 when another site posts it (Sec-Fetch-Site or Origin), storing nothing', async () => {
    const folder = freshFolder();
    const key = await uploadKey(folder);
    const file = { name: 'forged.txt', content: 'forged' };
    expect((await upload(key, file, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await upload(key, file, { origin: 'https://elsewhere.example' })).status).toBe(403);
    expect(await namesIn(folder)).toEqual([]);
  });
});

describe('the review form', () => {
  it('is shown, with an Approve and a Reject button per asset, only on a link that asks for approval', async () => {
    const page = await (await pageOf(api, `w=${await reviewKey()}`)).text();
    expect(page).toContain('name="decision" value="approved"');
    expect(page).toContain('name="decision" value="rejected"');
    const { key } = await createKey(api, editor.token, { assetIds: [shared.id] });
    expect(await (await pageOf(api, `w=${key}`)).text()).not.toContain('shared-link/review');
  });

  it("records an approval in the asset's history and sends the browser back to a page that shows it", async () => {
    const key = await reviewKey();
    const response = await review({ key, assetId: shared.id, decision: 'approved' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`../?w=${key}&notice=approved&asset=${shared.id}`);
    expect(await decisionsOf(shared.id)).toContain('approved');
    const page = await (await pageOf(api, `w=${key}&notice=approved&asset=${shared.id}`)).text();
    expect(page).toContain('You approved this file.');
    expect(page).toContain(`Your decision was recorded: you approved “${shared.name}”.`);
  });

  it("shows a link's latest decision: a rejection after an approval", async () => {
    const key = await reviewKey();
    await review({ key, assetId: shared.id, decision: 'approved' });
    await review({ key, assetId: shared.id, decision: 'rejected' });
    expect(await (await pageOf(api, `w=${key}`)).text()).toContain('You rejected this file.');
  });

  it("mails the link's notifyEmail, or else its creator", async () => {
    const before = sink.mails.length;
    await review({
      key: await reviewKey({ notifyEmail: 'desk@example.org' }),
      assetId: shared.id,
      decision: 'approved',
    });
    await review({ key: await reviewKey(), assetId: shared.id, decision: 'rejected' });
    const mails = await eventually(async () =>
      sink.mails.length >= before + 2 ? sink.mails.slice(before) : undefined,
    );
    expect(mails.map((mail) => mail.to)).toEqual([['desk@example.org'], ['creator@example.org']]);
    expect(mails[1]?.data).toContain(`Subject: ${shared.name} was rejected: For review`);
  });

  it('keeps the decision and says so when the mail cannot be sent', async () => {
    const key = await reviewKey();
    sink.refusing = true;
    try {
      const response = await review({ key, assetId: shared.id, decision: 'approved' });
      expect(response.headers.get('location')).toContain('notice=unsent');
    } finally {
      sink.refusing = false;
    }
    expect(await (await pageOf(api, `w=${key}`)).text()).toContain('You approved this file.');
  });

  it('refuses a decision other than approved or rejected with 400', async () => {
    const response = await review({ key: await reviewKey(), assetId: shared.id, decision: 'maybe' });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
  });

  it('refuses an asset the link does not share with 404', async () => {
    const other = await uploadTo(freshFolder(), 'not-shared.txt');
    const response = await review({ key: await reviewKey(), assetId: other.id, decision: 'approved' });
    expect(response.status).toBe(404);
    expect(await decisionsOf(other.id)).toEqual([]);
  });

  it('refuses a link that does not ask for approval with 403', async () => {
    const { key } = await createKey(api, editor.token, { assetIds: [shared.id] });
    expect((await review({ key, assetId: shared.id, decision: 'approved' })).status).toBe(403);
  });

  it('refuses an unknown or a missing key with the 404 page', async () => {
    for (const fields of [{ key: 'no-such-key-0123456789' }, {}] as Record<string, string>[]) {
      const response = await review({ ...fields, assetId: shared.id, decision: 'approved' });
      expect(response.status).toBe(404);
      expect(await response.text()).toContain('This link does not work');
    }
  });

  it('refuses a post from another site with 403, recording nothing', async () => {
    const other = await uploadTo(freshFolder(), 'cross-site.txt');
    const key = (await createKey(api, editor.token, { assetIds: [other.id], requestApproval: true })).key;
    const fields = { key, assetId: other.id, decision: 'rejected' };
    expect((await review(fields, { 'sec-fetch-site': 'same-site' })).status).toBe(403);
    expect((await review(fields, { origin: 'https://elsewhere.example' })).status).toBe(403);
    expect(await decisionsOf(other.id)).toEqual([]);
  });
});
