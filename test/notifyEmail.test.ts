import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configProblemWith } from './support/configSettings.js';
import { uploadAs } from './support/graphqlCalls.js';
import { type SmtpSink, startSmtpSink } from './support/smtpSink.js';
import { startTestServer, startTestServerWithUser, type TestServer } from './support/testServer.js';
import { bearer, bodyOf, expectError, postServices } from './support/woodwingCalls.js';

/*
 * WoodWing's notify/email (reference section 3; the Postman collection and lcpaf post {to, subject, body,
 * htmlBody} as JSON): sent through SMTP_URL's server, or with no SMTP_URL written to the log; with assetId
 * it is recorded in that asset's history.
 */

let sink: SmtpSink;
let api: TestServer;
let editor: { token: string };

const notify = (
  target: TestServer,
  token: string | undefined,
  body: Record<string, unknown>,
  path = 'services/notify/email',
) =>
  fetch(`${target.url}/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? bearer(token) : {}) },
    body: JSON.stringify(body),
  });

async function historyActions(target: TestServer, token: string, assetId: string): Promise<string[]> {
  const response = await postServices(target.url, 'asset/history', { id: assetId }, 'urlencoded', bearer(token));
  const body = await bodyOf(response);
  return body.hits.map((hit: { usageStatsRecord: { action: string } }) => hit.usageStatsRecord.action);
}

beforeAll(async () => {
  sink = await startSmtpSink();
  ({ api, user: editor } = await startTestServerWithUser('EDITOR', {
    env: { SMTP_URL: sink.url, SMTP_FROM: 'dam@example.org' },
  }));
});
afterAll(async () => {
  await api.close();
  await sink.close();
});

describe('notify/email with SMTP_URL', () => {
  it('sends the mail through the SMTP server, from SMTP_FROM to each address of to', async () => {
    const response = await notify(api, editor.token, {
      to: 'a@example.org,b@example.org',
      subject: 'Proofs ready',
      body: 'Please look at the proofs.',
    });
    expect(await bodyOf(response)).toEqual({ delivery: 'sent' });
    const mail = sink.mails.at(-1);
    expect({ from: mail?.from, to: mail?.to }).toEqual({
      from: 'dam@example.org',
      to: ['a@example.org', 'b@example.org'],
    });
    expect(mail?.data).toContain('Subject: Proofs ready');
    expect(mail?.data).toContain('Please look at the proofs.');
  });

  it('sends htmlBody as the HTML part', async () => {
    await notify(api, editor.token, { to: 'c@example.org', subject: 'HTML', htmlBody: '<p>Hello <b>there</b></p>' });
    expect(sink.mails.at(-1)?.data).toContain('<p>Hello <b>there</b></p>');
  });

  it('answers at /notify/email too, as the Postman collection posts it', async () => {
    const response = await notify(api, editor.token, { to: 'd@example.org', subject: 's', body: 'b' }, 'notify/email');
    expect(response.status).toBe(200);
  });

  it('takes the parameters urlencoded too', async () => {
    const params = { to: 'e@example.org', subject: 'form', body: 'sent as a form' };
    const response = await postServices(api.url, 'notify/email', params, 'urlencoded', bearer(editor.token));
    expect(await bodyOf(response)).toEqual({ delivery: 'sent' });
  });

  it('records the mail in the history of the asset named by assetId', async () => {
    const asset = await uploadAs(api, editor.token, { name: 'mailed.txt' });
    await notify(api, editor.token, { to: 'f@example.org', subject: 'about it', body: 'b', assetId: asset.id });
    expect(await historyActions(api, editor.token, asset.id)).toContain('CUSTOM_ACTION_NOTIFY_EMAIL');
  });

  it('answers 502 MailSendException when the SMTP server refuses the mail', async () => {
    sink.refusing = true;
    try {
      const error = await expectError(await notify(api, editor.token, { to: 'g@example.org', body: 'b' }), 502);
      expect(error.errorname).toBe('MailSendException');
    } finally {
      sink.refusing = false;
    }
  });

  it('refuses a caller without a login with 401', async () => {
    await expectError(await notify(api, undefined, { to: 'h@example.org', body: 'b' }), 401);
  });

  it('refuses a mail without to with 400', async () => {
    await expectError(await notify(api, editor.token, { subject: 's', body: 'b' }), 400);
  });

  it('refuses an address that holds a second header with 400', async () => {
    await expectError(await notify(api, editor.token, { to: 'i@example.org>\r\nBcc: j@example.org', body: 'b' }), 400);
  });

  it('refuses more than 20 recipients with 400', async () => {
    const to = Array.from({ length: 21 }, (_, i) => `r${i}@example.org`).join(',');
    await expectError(await notify(api, editor.token, { to, body: 'b' }), 400);
  });

  it('refuses a mail with neither body nor htmlBody with 400', async () => {
    await expectError(await notify(api, editor.token, { to: 'k@example.org', subject: 's' }), 400);
  });
});

describe('notify/email without SMTP_URL', () => {
  let quiet: TestServer;
  let token: string;

  beforeAll(async () => {
    quiet = await startTestServer();
    token = await quiet.adminToken();
  });
  afterAll(() => quiet.close());

  it('accepts the mail and says it was logged, not sent', async () => {
    const response = await notify(quiet, token, { to: 'l@example.org', subject: 's', body: 'b' });
    expect({ status: response.status, body: await bodyOf(response) }).toEqual({
      status: 200,
      body: { delivery: 'logged' },
    });
  });

  it('records the logged mail in the history of the asset named by assetId', async () => {
    const asset = await uploadAs(quiet, token, { name: 'logged.txt' });
    await notify(quiet, token, { to: 'm@example.org', subject: 's', body: 'b', assetId: asset.id });
    expect(await historyActions(quiet, token, asset.id)).toContain('CUSTOM_ACTION_NOTIFY_EMAIL');
  });
});

describe('the SMTP settings', () => {
  it('refuse an SMTP_URL that is not smtp:// or smtps://, naming it', () => {
    expect(configProblemWith({ SMTP_URL: 'http://mail.example' }).message).toMatch(/^SMTP_URL:/);
  });

  it('refuse an SMTP_FROM that is not an address, naming it', () => {
    expect(configProblemWith({ SMTP_FROM: 'nobody' }).message).toMatch(/^SMTP_FROM:/);
  });
});
