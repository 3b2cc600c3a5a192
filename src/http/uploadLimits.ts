import type { IncomingMessage } from 'node:http';
import type { Config } from '../config.js';

/** Room for the multipart framing and the other fields around a file of the maximum size. */
const MULTIPART_OVERHEAD_BYTES = 1024 * 1024;

/** Decided from Content-Length alone, before a byte of the body is read. */
export function declaredBodyTooLarge(req: IncomingMessage, config: Config): boolean {
  return Number(req.headers['content-length'] ?? 0) > config.maxUploadBytes + MULTIPART_OVERHEAD_BYTES;
}
