// The goals of issue 13: each gateway figure as a share of its anchor, measured in the same run.

export const GOALS = {
  /** GraphQL asset(id): of the raw node:http hello, and of the minimal yoga server. */
  graphqlOfHello: 0.1,
  graphqlOfYoga: 0.7,
  restOfHello: 0.3,
  woodwingSearchOfHello: 0.15,
  mediaOfFileServer: 0.9,
  uploadOfBusboySink: 0.8,
  /** Server RSS during the upload, peak minus idle. */
  uploadRssGrowthMiB: 64,
  /**
   * Issue #16: 24-megapixel JPEGs given a thumbnail and a preview per second, one render at a time (the
   * preview decodes the original, the thumbnail is made from the preview). A floor, not a target: 0.5 was
   * measured on the shared 2-core machine under a load average of 20.
   */
  renditionImagesPerSecond: 0.25,
  /** Server RSS while rendering them, peak minus idle: one file's bytes and one shrunk decode at a time. */
  renditionRssGrowthMiB: 256,
} as const;

/** `0.123 (goal >= 0.10: PASS)`. */
export function ratioVerdict(ratio: number, goal: number): string {
  return `${ratio.toFixed(3)} (goal >= ${goal.toFixed(2)}: ${ratio >= goal ? 'PASS' : 'FAIL'})`;
}
