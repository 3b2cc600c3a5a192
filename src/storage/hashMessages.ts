// What the main thread and a hash thread (hashThread.ts) say to each other, about one job (one stream) each.

export type HashRequest =
  /** A new job, whose bytes will come through `slots`, memory shared by both threads. */
  | { job: number; op: 'open'; slots: SharedArrayBuffer; slotBytes: number }
  /** The next `length` bytes of the job's stream are in slot `slot`; it is the thread's until hashed. */
  | { job: number; op: 'bytes'; slot: number; length: number }
  /** The stream ended: report its digests. */
  | { job: number; op: 'end' }
  /** The stream failed: forget the job. */
  | { job: number; op: 'abort' };

export type HashReply =
  | { job: number; op: 'hashed'; slot: number }
  | { job: number; op: 'digests'; md5: string; sha256: string }
  | { job: number; op: 'failed'; message: string };
