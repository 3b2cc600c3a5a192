import { jwtVerify } from 'jose';

/** What a GOV.UK draft-access JWT grants (reference section 2, "Media access"). */
export interface DraftGrant {
  /** An auth-bypass id: opens the drafts that list it in authBypassIds. */
  sub: string | null;
  /** Opens every draft that is not access-limited. */
  draftAccess: boolean;
}

/**
 * Verifies an HS256 JWT signed with JWT_AUTH_SECRET. A token that is malformed, badly signed or expired
 * counts as no token at all, as in GOV.UK.
 */
export async function verifyDraftToken(
  token: string | undefined,
  secret: string | undefined,
): Promise<DraftGrant | null> {
  if (!token || !secret) return null;
  try {
    const { payload } = await jwtVerify(token, new TextEncoder().encode(secret), { algorithms: ['HS256'] });
    return {
      sub: typeof payload.sub === 'string' ? payload.sub : null,
      draftAccess: payload.draft_asset_manager_access === true,
    };
  } catch {
    return null;
  }
}
