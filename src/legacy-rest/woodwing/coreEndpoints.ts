import type { ServerResponse } from 'node:http';
import { BadInput, DomainError, RateLimited, retryAfterOf } from '../../errors.js';
import { writeCookies } from '../../http/cookies.js';
import { login, logout } from '../../resolvers/accounts/users.js';
import { checkout, undoCheckout } from '../../resolvers/assets/checkout.js';
import { requireViewer } from '../../resolvers/policy/access.js';
import { parseDate } from '../../resolvers/search/dateMath.js';
import { searchAssets } from '../../resolvers/search/searchAssets.js';
import { downloadableFile } from '../../resolvers/serving/downloads.js';
import {
  clientUrlsOf,
  createAuthKey,
  plainKeyOf,
  revokeAuthKeys,
  updateAuthKey,
} from '../../resolvers/sharing/authKeys.js';
import type { Endpoint } from './endpoint.js';
import { sendOriginal } from './fileRoutes.js';
import { hitOf } from './hits.js';
import type { WoodwingParams } from './params.js';
import { sendWoodwingJson } from './responses.js';
import { searchArgsOf } from './searchParams.js';

const SERVER_VERSION = '6.0.0-asset-gateway';

function dateParam(params: WoodwingParams, name: string): Date | undefined {
  const text = params.string(name);
  if (text === undefined) return undefined;
  const parsed = parseDate(text);
  if (!parsed) {
    throw new BadInput(`${name}: ${JSON.stringify(text)} is not a date (epoch ms, YYYY-MM-DD, ISO-8601 or NOW+1DAY)`);
  }
  return parsed.date;
}

/** The parameters createAuthKey and updateAuthKey share (seeds 001 and 003). */
function authKeyFields(params: WoodwingParams) {
  return {
    description: params.string('description'),
    downloadOriginal: params.boolean('downloadOriginal'),
    downloadPreview: params.boolean('downloadPreview'),
    requestApproval: params.boolean('requestApproval'),
    requestUpload: params.boolean('requestUpload'),
    containerId: params.string('containerId'),
    containerIds: params.list('containerIds'),
    importFolderPath: params.string('importFolderPath'),
    notifyEmail: params.string('notifyEmail'),
    sort: params.string('sort'),
    downloadPresetIds: params.list('downloadPresetIds'),
    watermarked: params.boolean('watermarked'),
  };
}

function credentialsOf(params: WoodwingParams): { username: string; password: string } {
  const cred = params.string('cred');
  if (cred) {
    const decoded = Buffer.from(cred, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  return { username: params.string('username') ?? '', password: params.string('password') ?? '' };
}

/**
 * A failed login as clients read it: `loginSuccess:false` and why, with 200 (reference section 2.1). A rate
 * limit's refusal is 429 with Retry-After instead, and carries WoodWing's error fields besides.
 */
function sendLoginFailure(res: ServerResponse, error: DomainError): void {
  const failure = { loginSuccess: false, loginFaultMessage: error.message, serverVersion: SERVER_VERSION };
  if (!(error instanceof RateLimited)) {
    sendWoodwingJson(res, 200, failure);
    return;
  }
  const refusal = { errorname: 'TooManyRequestsException', message: error.message, errorcode: 429 };
  sendWoodwingJson(res, 429, { ...failure, ...refusal }, { 'retry-after': String(retryAfterOf(error)) });
}

/** WoodWing's session, profile, search, checkout and shared-link calls. */
export const coreEndpoints = {
  ping: {
    public: true,
    async handle({ res }) {
      sendWoodwingJson(res, 200, {
        state: 'running',
        version: SERVER_VERSION,
        available: true,
        server: 'asset-gateway',
      });
    },
  },

  login: {
    public: true,
    async handle({ res, ctx, params }) {
      const { username, password } = credentialsOf(params);
      try {
        const session = await login(ctx, username, password, params.string('clientId') ?? null);
        writeCookies(res, ctx.responseCookies, ctx.config.publicUrl.startsWith('https:'));
        const profile = params.boolean('returnProfile') ? { userProfile: profileOf(session.user) } : {};
        sendWoodwingJson(res, 200, {
          loginSuccess: true,
          serverVersion: SERVER_VERSION,
          csrfToken: session.csrfToken,
          ...profile,
        });
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        sendLoginFailure(res, error);
      }
    },
  },

  apilogin: {
    public: true,
    async handle({ res, ctx, params }) {
      const { username, password } = credentialsOf(params);
      try {
        const session = await login(ctx, username, password, params.string('clientId') ?? null, { forApi: true });
        sendWoodwingJson(res, 200, {
          loginSuccess: true,
          loginFaultMessage: null,
          serverVersion: SERVER_VERSION,
          authToken: session.token,
        });
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        sendLoginFailure(res, error);
      }
    },
  },

  logout: {
    async handle({ res, ctx }) {
      await logout(ctx);
      writeCookies(res, ctx.responseCookies, ctx.config.publicUrl.startsWith('https:'));
      sendWoodwingJson(res, 200, { logoutSuccess: true });
    },
  },

  profile: {
    async handle({ res, ctx }) {
      sendWoodwingJson(res, 200, profileOf(requireViewer(ctx)));
    },
  },

  search: {
    async handle({ res, ctx, params }) {
      const { args, paging, fields } = searchArgsOf(params);
      const page = await searchAssets(ctx, args, paging);
      const hits = await Promise.all(
        page.assets.map((asset) => hitOf(ctx, asset, { fields, relation: page.relations.get(asset.id) })),
      );
      sendWoodwingJson(res, 200, {
        firstResult: paging.offset,
        maxResultHits: paging.limit,
        totalHits: page.totalCount,
        hits,
        facets: Object.fromEntries(page.facets.map((facet) => [facet.field, facet.values])),
      });
    },
  },

  checkout: {
    async handle({ req, res, ctx, params, rest }) {
      const download = params.boolean('download') ?? false;
      // With download=true the bytes must be servable before anything is locked.
      if (download) await downloadableFile(ctx, rest);
      const asset = await checkout(ctx, rest, { client: params.string('clientId'), defaultClient: 'api' });
      if (!download) {
        sendWoodwingJson(res, 200, {
          checkedOut: asset.checkedOutAt?.getTime(),
          checkedOutBy: ctx.viewer?.username,
          checkedOutOnClient: asset.checkedOutOnClient,
        });
        return;
      }
      await sendOriginal(req, res, ctx, asset, 'attachment');
    },
  },

  undocheckout: {
    async handle({ res, ctx, rest }) {
      await undoCheckout(ctx, rest);
      sendWoodwingJson(res, 200, {});
    },
  },

  createAuthKey: {
    statusFor: { BAD_USER_INPUT: 500 },
    async handle({ res, ctx, params }) {
      const subject = params.string('subject');
      const validUntil = dateParam(params, 'validUntil');
      if (!subject) throw new BadInput('subject is required');
      if (!validUntil) throw new BadInput('validUntil is required');
      const authKey = await createAuthKey(ctx, {
        subject,
        validUntil,
        assetIds: params.list('assetIds'),
        ...authKeyFields(params),
      });
      const key = plainKeyOf(ctx, authKey);
      sendWoodwingJson(res, 200, { authKey: key, ...clientUrlsOf(ctx, key) });
    },
  },

  updateAuthKey: {
    statusFor: { BAD_USER_INPUT: 500 },
    async handle({ res, ctx, params }) {
      const key = params.string('key');
      if (!key) throw new BadInput('key is required');
      // Seed 003: subject and validUntil may be left out, but not sent empty.
      const subject = params.sent('subject') ? (params.string('subject') ?? '') : undefined;
      const validUntil = params.sent('validUntil') ? (dateParam(params, 'validUntil') ?? null) : undefined;
      await updateAuthKey(ctx, key, { subject, validUntil, ...authKeyFields(params) });
      sendWoodwingJson(res, 200, {});
    },
  },

  revokeAuthKeys: {
    statusFor: { BAD_USER_INPUT: 500 },
    async handle({ res, ctx, params }) {
      const keys = params.list('keys');
      if (!keys) throw new BadInput('keys is required: a comma-separated list of authKeys');
      await revokeAuthKeys(ctx, keys);
      sendWoodwingJson(res, 200, {});
    },
  },
} satisfies Record<string, Endpoint>;

function profileOf(user: { username: string; fullName?: string | null; email?: string | null; role: string }) {
  return {
    username: user.username,
    fullName: user.fullName ?? user.username,
    ...(user.email ? { email: user.email } : {}),
    groups: [],
    authorities: [`ROLE_${user.role}`],
  };
}
