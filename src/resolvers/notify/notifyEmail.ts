import type { RequestContext } from '../../context.js';
import { BadInput, NotFound } from '../../errors.js';
import { findReadableAsset } from '../assets/assetLookups.js';
import { recordHistory } from '../assets/history.js';
import { requireViewer } from '../policy/access.js';

export interface NotifyEmailInput {
  to: string[];
  subject: string | undefined;
  body: string | undefined;
  htmlBody: string | undefined;
  /** The asset the mail is about: the mail is recorded in its history. */
  assetId: string | undefined;
}

const MAX_RECIPIENTS = 20;
const MAX_SUBJECT = 998;
const MAX_BODY = 256 * 1024;
// One address, no display name: nothing that could smuggle a header or a second recipient.
const ADDRESS = /^[^\s@<>,;"]{1,64}@[^\s@<>,;"]{1,255}$/;

function checkedInput(input: NotifyEmailInput): void {
  if (input.to.length === 0) throw new BadInput('to is required: one or more e-mail addresses, comma-separated');
  if (input.to.length > MAX_RECIPIENTS) throw new BadInput(`At most ${MAX_RECIPIENTS} recipients per mail`);
  const bad = input.to.find((address) => !ADDRESS.test(address));
  if (bad !== undefined) throw new BadInput(`to: ${JSON.stringify(bad)} is not an e-mail address`);
  if (/[\r\n]/.test(input.subject ?? '') || (input.subject ?? '').length > MAX_SUBJECT) {
    throw new BadInput(`subject must be one line of at most ${MAX_SUBJECT} characters`);
  }
  if (input.body === undefined && input.htmlBody === undefined) throw new BadInput('Send body, htmlBody or both');
  if ((input.body?.length ?? 0) + (input.htmlBody?.length ?? 0) > MAX_BODY) {
    throw new BadInput(`body and htmlBody may hold at most ${MAX_BODY} characters together`);
  }
}

/**
 * WoodWing's notify/email: any logged-in user may send a short mail to a few addresses. It goes out through
 * SMTP_URL's server, or without one to the log; when it names an asset the viewer may read, that asset's
 * history records it (a USAGE entry, CUSTOM_ACTION_NOTIFY_EMAIL, with the recipients and subject).
 */
export async function notifyEmail(ctx: RequestContext, input: NotifyEmailInput): Promise<'sent' | 'logged'> {
  const viewer = requireViewer(ctx);
  checkedInput(input);
  const asset = input.assetId ? await findReadableAsset(ctx, input.assetId) : undefined;
  if (asset?.deletedAt) throw new NotFound(`Asset ${asset.id} is deleted`);
  const delivery = await ctx.notifier.send({
    to: input.to,
    subject: input.subject ?? '',
    text: input.body,
    html: input.htmlBody,
    requestedBy: { username: viewer.username, email: viewer.email ?? null },
  });
  if (asset) {
    recordHistory(ctx, asset, 'USAGE', {
      action: 'CUSTOM_ACTION_NOTIFY_EMAIL',
      to: input.to.join(', '),
      subject: input.subject ?? '',
      delivery,
    });
    await ctx.em.flush();
  }
  return delivery;
}
