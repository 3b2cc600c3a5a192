/**
 * The sides a size asked for in a URL (`?size=`, `maxWidth_W_maxHeight_H`) is rounded up to: each about a
 * quarter to a half larger than the one before, the thumbnail's 256 and the preview's 1600 among them. Any
 * number a client makes up lands on one of these, so one file has at most a few dozen sides to be made at,
 * and clients that ask for nearby sizes share one stored rendition.
 */
const SIDE_STEPS = [
  16, 32, 48, 64, 96, 128, 160, 192, 256, 320, 384, 512, 640, 768, 1024, 1280, 1600, 2048, 2560, 3200, 4096, 5120, 6400,
  8192, 10240, 12800, 16383,
];

/** The step a side asked for is rounded up to (never smaller than asked, so never blurrier), at most `maxSize`. */
export function sideStepOf(asked: number, maxSize: number): number {
  const step = SIDE_STEPS.find((side) => side >= asked) ?? maxSize;
  return Math.min(step, maxSize);
}
