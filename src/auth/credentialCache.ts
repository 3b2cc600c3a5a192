import type { SessionCredential } from '../db/credentials.js';
import type { UserView } from '../db/entities/User.js';

/** Who a credential stands for: its user, and its login session (null for an API token). */
export interface Recognised {
  viewer: UserView;
  session: SessionCredential | null;
}

/** A credential as read from the database, not yet checked against the secret presented or the clock. */
export interface StoredCredential extends Recognised {
  secretHash: string;
  /** Null: it lasts until revoked. */
  expiresAt: Date | null;
  /** The credential epoch its rows were read with. */
  epoch: number;
}

const MAX_ENTRIES = 10_000;

/**
 * Credentials read once, with their users, by kind and id. A request presenting one again takes it from here
 * while the credential epoch (which every change to a user, session or API token moves, in any process or
 * instance) is still the one it was read with: one single-row read instead of the join. The secret and the
 * expiry are checked on every request all the same, and only credentials that exist and are not revoked are
 * kept, so made-up tokens cannot fill it.
 */
export class CredentialCache {
  private readonly entries = new Map<string, StoredCredential>();

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** The entry, if it was read at `epoch`; one read earlier is dropped. */
  current(key: string, epoch: number): StoredCredential | undefined {
    const entry = this.entries.get(key);
    if (entry?.epoch === epoch) return entry;
    this.entries.delete(key);
    return undefined;
  }

  /** Frozen, because every request presenting the credential shares its objects. */
  keep(key: string, entry: StoredCredential): void {
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    Object.freeze(entry.viewer);
    if (entry.session) Object.freeze(entry.session);
    this.entries.set(key, Object.freeze(entry));
  }
}
