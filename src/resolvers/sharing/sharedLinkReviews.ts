import type { RequestContext } from '../../context.js';
import { Asset } from '../../db/entities/Asset.js';
import type { AuthKey } from '../../db/entities/AuthKey.js';
import { HistoryEntry } from '../../db/entities/HistoryEntry.js';
import { User } from '../../db/entities/User.js';
import { BadInput, Forbidden, NotFound } from '../../errors.js';
import { MailNotSent } from '../../notify/emailNotifier.js';
import { recordHistory } from '../assets/history.js';
import { findUsableAuthKey } from './authKeys.js';
import { sharedAssetIdsOf } from './sharedLinks.js';

export const REVIEW_DECISIONS = ['approved', 'rejected'] as const;
/** What the holder of a link that asks for approval said of one shared asset. */
export type ReviewDecision = (typeof REVIEW_DECISIONS)[number];

/** Whether the key's creator heard of it: by mail, in the log (no SMTP_URL), not at all, or had no address. */
export type ReviewNotice = 'sent' | 'logged' | 'not sent' | 'no address';

export function isReviewDecision(value: string): value is ReviewDecision {
  return (REVIEW_DECISIONS as readonly string[]).includes(value);
}

/**
 * Each asset's latest decision through this link. Decisions are SHARE entries of the asset's history (the
 * same entries that record the link's creation), with the link's id and `action` approved or rejected.
 */
export async function reviewsOf(
  ctx: RequestContext,
  authKey: AuthKey,
  assets: readonly Asset[],
): Promise<Map<string, ReviewDecision>> {
  const reviews = new Map<string, ReviewDecision>();
  if (assets.length === 0) return reviews;
  const entries = await ctx.em.find(
    HistoryEntry,
    { asset: { $in: assets.map((asset) => asset.id) }, action: 'SHARE' },
    { orderBy: { id: 'asc' } },
  );
  for (const entry of entries) {
    const decision = String(entry.details?.action);
    if (entry.details?.authKeyId === authKey.id && isReviewDecision(decision)) reviews.set(entry.asset.id, decision);
  }
  return reviews;
}

/** Who hears of a decision: the link's notifyEmail, else the address of the user who created it. */
async function reviewRecipientOf(ctx: RequestContext, authKey: AuthKey): Promise<string | null> {
  if (authKey.notifyEmail) return authKey.notifyEmail;
  const creator = authKey.createdBy ? await ctx.em.findOne(User, { id: authKey.createdBy.id }) : null;
  return creator?.email ?? null;
}

/**
 * Approves or rejects one asset a link shares, for a link that asks for approval: recorded in the asset's
 * history first, then the link's creator is told by the notifier that notify/email uses. A mail that does not
 * go out leaves the decision recorded and says so.
 */
export async function reviewSharedAsset(
  ctx: RequestContext,
  key: string,
  assetId: string,
  decision: string,
): Promise<{ asset: Asset; decision: ReviewDecision; notice: ReviewNotice }> {
  if (!isReviewDecision(decision)) throw new BadInput('decision must be approved or rejected');
  const authKey = await findUsableAuthKey(ctx, key);
  if (!authKey.requestApproval) throw new Forbidden('This shared link does not ask for approval');
  const asset = (await sharedAssetIdsOf(ctx, authKey)).has(assetId)
    ? await ctx.em.findOne(Asset, { id: assetId, deletedAt: null })
    : null;
  if (!asset) throw new NotFound(`No asset ${assetId} is shared by this link`);
  recordHistory(ctx, asset, 'SHARE', { authKeyId: authKey.id, subject: authKey.subject, action: decision });
  await ctx.em.flush();

  const to = await reviewRecipientOf(ctx, authKey);
  if (!to) return { asset, decision, notice: 'no address' };
  try {
    const notice = await ctx.notifier.send({
      to: [to],
      subject: `${asset.name} was ${decision}: ${authKey.subject}`.replace(/[\r\n]+/g, ' '),
      text: `${asset.name} (asset ${asset.id}) was ${decision} through the shared link "${authKey.subject}" at ${new Date().toISOString()}.`,
      html: undefined,
      requestedBy: { username: `shared link ${authKey.id}`, email: null },
    });
    return { asset, decision, notice };
  } catch (error) {
    if (error instanceof MailNotSent) return { asset, decision, notice: 'not sent' };
    throw error;
  }
}
