import { createHash } from 'node:crypto';
import { PostgreSqlConnection } from '@mikro-orm/postgresql';
import { SqliteConnection } from '@mikro-orm/sqlite';
import type { Logger } from 'pino';
import {
  type RateLimiterAbstract,
  RateLimiterPostgres,
  RateLimiterRes,
  RateLimiterSQLite,
} from 'rate-limiter-flexible';
import { RATE_LIMITED_ACTIONS, type RateLimit, type RateLimitedAction, type RateLimitSettings } from '../config.js';
import type { Orm } from '../db/orm.js';
import { RateLimited } from '../errors.js';

/** Made by the migration RateLimits on either database, in the layout rate-limiter-flexible reads and writes. */
const TABLE = 'rate_limits';
const CLEAN_EVERY_MS = 5 * 60_000;
/** Rows whose window ended longer ago than this are deleted (they no longer count for anything). */
const KEEP_EXPIRED_MS = 60 * 60_000;

/** Counts the requests that are rate limited, in the database, so that the counts hold across instances. */
export interface RateLimits {
  /**
   * Counts one request of this kind for its subject (a user, a username tried at login, a shared link; null:
   * none) and its client address; throws RateLimited when it is one too many for either.
   */
  consume(action: RateLimitedAction, subject: string | null, address: string): Promise<void>;
  /** Stops the periodic clean-up of old rows; the ORM's connection stays the ORM's to close. */
  close(): void;
}

type Scope = 'perSubject' | 'perAddress';
type StoreOptions = { storeClient: unknown; storeType: string; tableName: string; tableCreated: true };
type Limiter = { limiter: RateLimiterAbstract; limit: RateLimit; action: RateLimitedAction; scope: Scope };

const NOUNS: Record<RateLimitedAction, string> = {
  login: 'logins',
  tokenCreation: 'API tokens created',
  sharedLinkUse: 'uses of shared links',
  upload: 'uploads',
};

function whose(action: RateLimitedAction, scope: Scope): string {
  if (scope === 'perAddress') return 'from this address';
  if (action === 'login') return 'for this username';
  return action === 'sharedLinkUse' ? 'of this shared link' : 'by this user';
}

/** The ORM's own connection: its better-sqlite3 database, or its pg pool. No connection of our own is opened. */
async function storeOf(orm: Orm): Promise<{ options: StoreOptions; create: typeof RateLimiterSQLite }> {
  const connection = orm.em.getConnection();
  const base = { tableName: TABLE, tableCreated: true } as const;
  if (connection instanceof SqliteConnection) {
    const storeClient = await connection.getNativeClient();
    return { options: { ...base, storeClient, storeType: 'better-sqlite3' }, create: RateLimiterSQLite };
  }
  if (connection instanceof PostgreSqlConnection) {
    const storeClient = await connection.getNativeClient();
    return { options: { ...base, storeClient, storeType: 'pool' }, create: RateLimiterPostgres };
  }
  throw new Error('rate limits need SQLite or PostgreSQL');
}

/** Keys are hashed, so that the table holds neither usernames nor addresses. */
function keyOf(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

function refusal(rejection: unknown, { limit, action, scope }: Limiter): unknown {
  if (!(rejection instanceof RateLimiterRes)) return rejection;
  const retryAfterSeconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
  return new RateLimited(
    `Too many ${NOUNS[action]} ${whose(action, scope)}: at most ${limit.points} in ${limit.windowSeconds} seconds; try again in ${retryAfterSeconds} seconds`,
    retryAfterSeconds,
  );
}

async function consumeOne(entry: Limiter | undefined, key: string): Promise<void> {
  if (!entry) return;
  try {
    await entry.limiter.consume(keyOf(key));
  } catch (rejection) {
    throw refusal(rejection, entry);
  }
}

/** One limiter per action and scope that has a limit (0 points: none), all in one table, apart by key prefix. */
export async function openRateLimits(orm: Orm, settings: RateLimitSettings, log: Logger): Promise<RateLimits> {
  const { options, create } = await storeOf(orm);
  const limiters = {} as Record<RateLimitedAction, Partial<Record<Scope, Limiter>>>;
  for (const action of RATE_LIMITED_ACTIONS) {
    limiters[action] = {};
    for (const scope of ['perSubject', 'perAddress'] as const) {
      const limit = settings[action][scope];
      if (limit.points === 0) continue;
      const limiter = new create({
        ...options,
        keyPrefix: `${action}.${scope}`,
        points: limit.points,
        duration: limit.windowSeconds,
        // Cleaned below, once for the whole table, on a timer that close() stops.
        clearExpiredByTimeout: false,
      });
      limiters[action][scope] = { limiter, limit, action, scope };
    }
  }
  // Both stores have clearExpired, which their types leave out; one call cleans the whole table.
  const anyLimiter = Object.values(limiters).flatMap((scopes) => Object.values(scopes))[0]?.limiter as
    | (RateLimiterAbstract & { clearExpired(before: number): Promise<void> })
    | undefined;
  const cleaner = anyLimiter
    ? setInterval(() => {
        anyLimiter.clearExpired(Date.now() - KEEP_EXPIRED_MS).catch((error: unknown) => {
          log.warn({ err: error }, 'could not delete old rate limit counts');
        });
      }, CLEAN_EVERY_MS).unref()
    : undefined;

  return {
    async consume(action, subject, address) {
      const scopes = limiters[action];
      if (subject !== null) await consumeOne(scopes.perSubject, subject);
      await consumeOne(scopes.perAddress, address);
    },
    close() {
      clearInterval(cleaner);
    },
  };
}
