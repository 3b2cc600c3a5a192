import { ConfigError, type Env } from './configValues.js';

/** The requests that are rate limited: everything else (reads, downloads, searches) is not. */
export const RATE_LIMITED_ACTIONS = ['login', 'tokenCreation', 'sharedLinkUse', 'upload'] as const;
export type RateLimitedAction = (typeof RATE_LIMITED_ACTIONS)[number];

/** At most `points` requests in `windowSeconds`; 0 points: no limit. */
export interface RateLimit {
  points: number;
  windowSeconds: number;
}

/** `perSubject` counts per user; for shared-link use, per link (its holder has no login). */
export type RateLimitSettings = Record<RateLimitedAction, { perSubject: RateLimit; perAddress: RateLimit }>;

const MAX_RATE_LIMIT_WINDOW_SECONDS = 7 * 86_400;

/** `<points>/<seconds>`, e.g. `30/60` for 30 requests a minute, or `0` for no limit. */
function readRateLimit(env: Env, name: string, fallback: RateLimit): RateLimit {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw === '0') return { points: 0, windowSeconds: 0 };
  const match = /^(\d{1,9})\/(\d{1,9})$/.exec(raw);
  if (!match) throw new ConfigError(name, `expected <requests>/<seconds> (e.g. 30/60) or 0 for no limit, got "${raw}"`);
  const points = Number(match[1]);
  const windowSeconds = Number(match[2]);
  if (points === 0) return { points: 0, windowSeconds: 0 };
  if (windowSeconds < 1 || windowSeconds > MAX_RATE_LIMIT_WINDOW_SECONDS) {
    throw new ConfigError(
      name,
      `the window must be 1 to ${MAX_RATE_LIMIT_WINDOW_SECONDS} seconds, got ${windowSeconds}`,
    );
  }
  return { points, windowSeconds };
}

/** Generous by default: they stop floods and guessing, not people at work nor scripted imports. */
const RATE_LIMIT_DEFAULTS: Record<
  RateLimitedAction,
  { names: [string, string]; perSubject: RateLimit; perAddress: RateLimit }
> = {
  login: {
    names: ['RATE_LIMIT_LOGIN_PER_USER', 'RATE_LIMIT_LOGIN_PER_ADDRESS'],
    perSubject: { points: 100, windowSeconds: 60 },
    perAddress: { points: 1000, windowSeconds: 60 },
  },
  tokenCreation: {
    names: ['RATE_LIMIT_TOKEN_CREATION_PER_USER', 'RATE_LIMIT_TOKEN_CREATION_PER_ADDRESS'],
    perSubject: { points: 100, windowSeconds: 3600 },
    perAddress: { points: 1000, windowSeconds: 3600 },
  },
  sharedLinkUse: {
    names: ['RATE_LIMIT_SHARED_LINK_PER_LINK', 'RATE_LIMIT_SHARED_LINK_PER_ADDRESS'],
    perSubject: { points: 6000, windowSeconds: 60 },
    perAddress: { points: 3000, windowSeconds: 60 },
  },
  upload: {
    names: ['RATE_LIMIT_UPLOAD_PER_USER', 'RATE_LIMIT_UPLOAD_PER_ADDRESS'],
    perSubject: { points: 1000, windowSeconds: 60 },
    perAddress: { points: 3000, windowSeconds: 60 },
  },
};

export function readRateLimits(env: Env): RateLimitSettings {
  const entries = RATE_LIMITED_ACTIONS.map((action) => {
    const { names, perSubject, perAddress } = RATE_LIMIT_DEFAULTS[action];
    return [
      action,
      { perSubject: readRateLimit(env, names[0], perSubject), perAddress: readRateLimit(env, names[1], perAddress) },
    ];
  });
  return Object.fromEntries(entries) as RateLimitSettings;
}
