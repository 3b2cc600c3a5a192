import type { IncomingMessage, ServerResponse } from 'node:http';

/** The most of a refused body read and dropped after the answer, and for how long, before the connection is closed. */
export const DRAIN_MAX_BYTES = 16 * 1024 * 1024;
export const DRAIN_MAX_MS = 5_000;

/**
 * After a body is refused (413, or a form that cannot be read), reads the rest of it and drops it, so that a
 * client still sending (fetch, curl) gets to read the answer: closing a socket with unread bytes resets the
 * connection, and the client's unread answer is lost with it ("fetch failed"). Past DRAIN_MAX_BYTES or
 * DRAIN_MAX_MS the connection is closed anyway, so that a refused gigabyte does not occupy the server.
 * A body read to its end leaves the connection open for the next request.
 */
export function drainRefusedBody(req: IncomingMessage, res: ServerResponse): void {
  if (req.complete || req.destroyed) return;
  req.unpipe();
  let drained = 0;
  const cutOff = () => {
    if (req.complete) return;
    if (res.writableFinished) req.socket.destroy();
    else res.once('finish', () => req.socket.destroy());
  };
  const timer = setTimeout(cutOff, DRAIN_MAX_MS);
  timer.unref();
  req.once('close', () => clearTimeout(timer));
  req.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > DRAIN_MAX_BYTES) {
      clearTimeout(timer);
      cutOff();
    }
  });
  req.resume();
}
