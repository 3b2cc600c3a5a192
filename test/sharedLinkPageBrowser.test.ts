import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { type Browser, type BrowserContext, chromium, type Download, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dataOf, freshFolder } from './support/graphqlCalls.js';
import { createKey, uploadPicture } from './support/sharedLinkPageCalls.js';
import { type SmtpSink, startSmtpSink } from './support/smtpSink.js';
import { eventually, startTestServerWithUser, type TestServer, type TestUser } from './support/testServer.js';

/**
 * The shared-link page in a real browser: Debian's chromium, driven by playwright-core, clicking and typing as
 * a person does. CHROMIUM_PATH names the browser (default /usr/bin/chromium); without one the tests fail.
 */

const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

let api: TestServer;
let editor: TestUser;
let sink: SmtpSink;
let browser: Browser;
let context: BrowserContext;
let page: Page;
/** What the browser reported as errors (a blocked style or image would be one). */
let consoleErrors: string[];
let picture: { id: string; name: string; bytes: Buffer };

/** Set when there is no browser to run: every test then fails with it (none is skipped). */
let missingBrowser: Error | undefined;

beforeAll(async () => {
  if (!existsSync(CHROMIUM_PATH)) {
    missingBrowser = new Error(
      `No Chromium at ${CHROMIUM_PATH}: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH`,
    );
    return;
  }
  sink = await startSmtpSink();
  ({ api, user: editor } = await startTestServerWithUser('EDITOR', { env: { SMTP_URL: sink.url } }));
  browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    // Chromium's sandbox refuses to start as root, which CI runs as.
    args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
  });
  picture = await uploadPicture(api, editor.token);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await api?.close();
  await sink?.close();
});

beforeEach(async () => {
  if (missingBrowser) throw missingBrowser;
  context = await browser.newContext({ acceptDownloads: true });
  page = await context.newPage();
  consoleErrors = [];
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(`${message.text()} ${message.location().url}`);
  });
});

afterEach(() => context?.close());

async function open(input: Record<string, unknown>): Promise<string> {
  const { key } = await createKey(api, editor.token, { assetIds: [picture.id], ...input });
  await page.goto(`${api.url}/?w=${key}`);
  return key;
}

async function bytesOf(download: Download): Promise<Buffer> {
  return readFile(await download.path());
}

describe('the shared-link page in a browser', () => {
  it('shows the subject and each thumbnail, loaded, with a non-empty alt text on every image', async () => {
    await open({ subject: 'Photos for the annual report', downloadPreview: true });
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Photos for the annual report');
    const images = await page.$$eval('img', (elements) =>
      elements.map((image) => ({ alt: image.getAttribute('alt'), loaded: image.naturalWidth > 0 })),
    );
    expect(images.length).toBeGreaterThan(0);
    expect(images.every((image) => (image.alt ?? '').trim() !== '' && image.loaded)).toBe(true);
    expect(await page.getByRole('img', { name: picture.name }).count()).toBe(1);
    expect(consoleErrors).toEqual([]);
  });

  it('downloads the original by its button: the bytes are those uploaded', async () => {
    await open({ downloadOriginal: true });
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: `Download original of ${picture.name}` }).click(),
    ]);
    expect((await bytesOf(download)).equals(picture.bytes)).toBe(true);
  });

  it('opens the preview from its link', async () => {
    await open({ downloadPreview: true });
    const response = await Promise.all([
      page.waitForNavigation(),
      page.getByRole('link', { name: `View preview of ${picture.name}` }).click(),
    ]).then(([navigation]) => navigation);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-type']).toBe('image/jpeg');
  });

  it('reaches the download button with Tab, shows where the focus is, and downloads it with Enter', async () => {
    await open({ downloadOriginal: true });
    const wanted = `Download original of ${picture.name}`;
    let focused = '';
    for (let presses = 0; presses < 20 && focused !== wanted; presses += 1) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate(() => document.activeElement?.textContent?.trim() ?? '');
    }
    expect(focused).toBe(wanted);
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement as Element).outlineStyle);
    expect(outline).not.toBe('none');
    const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
    expect((await bytesOf(download)).equals(picture.bytes)).toBe(true);
  });

  it('uploads a file through the form into the import folder, and says so', async () => {
    const folder = freshFolder();
    await open({ requestUpload: true, importFolderPath: folder });
    await page.getByLabel('File to send').setInputFiles({
      name: 'from-the-browser.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('sent through the shared-link page'),
    });
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Upload' }).click()]);
    expect(await page.getByRole('status').textContent()).toContain('your file was received');
    const found = await dataOf(
      api,
      'query($f: String!) { assets(folderPath: $f) { edges { node { name size } } } }',
      { f: folder },
      editor.token,
    );
    expect(found.assets.edges.map((edge: any) => edge.node)).toEqual([
      { name: 'from-the-browser.txt', size: Buffer.byteLength('sent through the shared-link page') },
    ]);
  });

  it("approves a file: the page shows the decision, the asset's history records it, the creator is mailed", async () => {
    const mailsBefore = sink.mails.length;
    await open({ requestApproval: true, notifyEmail: 'approver@example.org' });
    await Promise.all([
      page.waitForNavigation(),
      page.getByRole('button', { name: `Approve ${picture.name}` }).click(),
    ]);
    expect(await page.getByRole('status').textContent()).toContain('approved');
    expect(await page.locator('.decision').textContent()).toBe('You approved this file.');
    const history = await dataOf(
      api,
      'query($id: ID!) { asset(id: $id) { history { action details } } }',
      { id: picture.id },
      editor.token,
    );
    expect(history.asset.history.some((entry: any) => entry.details?.action === 'approved')).toBe(true);
    const mail = await eventually(async () => sink.mails[mailsBefore]);
    expect(mail.to).toEqual(['approver@example.org']);
  });
});
