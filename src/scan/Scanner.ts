import type { Readable } from 'node:stream';

export type ScanVerdict = { infected: false } | { infected: true; signature: string };

/** Looks at a file's bytes and says whether they carry a known virus. */
export interface Scanner {
  /** False when scanning is switched off: the bytes are then not read at all. */
  readonly enabled: boolean;
  scan(bytes: Readable): Promise<ScanVerdict>;
  /** Throws when the scanner cannot be reached (for the readiness check). */
  ping(): Promise<void>;
  describe(): string;
}

/** Scanning switched off (no CLAMD_URL): every file counts as clean. */
export const scanningOff: Scanner = {
  enabled: false,
  async scan() {
    return { infected: false };
  },
  async ping() {},
  describe() {
    return 'off (no CLAMD_URL): files are served without a virus scan';
  },
};
