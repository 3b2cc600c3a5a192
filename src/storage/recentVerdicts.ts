/** How many blobs' verdicts are kept; past it the oldest go (and are hashed again when next read). */
const KEPT = 100_000;

/**
 * What hashing a blob found, per key, with what identified the bytes hashed (a file's inode, size and
 * times; an object's ETag): a blob whose identity is unchanged needs no new hash. Per process: every
 * process hashes each blob it serves once after its start.
 */
export class RecentVerdicts<Identity> {
  private readonly verdicts = new Map<string, { identity: Identity; intact: boolean }>();

  constructor(private readonly same: (a: Identity, b: Identity) => boolean) {}

  /** True: hashed intact as it is now; false: hashed damaged as it is now; undefined: not hashed as it is now. */
  intact(key: string, identity: Identity): boolean | undefined {
    const verdict = this.verdicts.get(key);
    return verdict && this.same(verdict.identity, identity) ? verdict.intact : undefined;
  }

  record(key: string, identity: Identity, intact: boolean): void {
    this.verdicts.delete(key);
    if (this.verdicts.size >= KEPT) this.verdicts.delete(this.verdicts.keys().next().value as string);
    this.verdicts.set(key, { identity, intact });
  }
}
