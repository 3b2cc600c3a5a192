import type { IncomingMessage, ServerResponse } from 'node:http';
import { BadInput, PayloadTooLarge } from '../errors.js';
import { drainRefusedBody } from './refusedBody.js';

/**
 * Reads a small body (JSON, never a file) whole as UTF-8 text, refusing it with PayloadTooLarge by its
 * Content-Length before a byte is read, or as soon as more than `maxBytes` have come. The rest of a refused
 * body is drained, bounded, so that the client reads the refusal (see drainRefusedBody).
 */
export function readBodyText(
  req: IncomingMessage,
  res: ServerResponse,
  maxBytes: number,
  tooLargeMessage: string,
): Promise<string> {
  if (Number(req.headers['content-length']) > maxBytes) {
    drainRefusedBody(req, res);
    return Promise.reject(new PayloadTooLarge(tooLargeMessage));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) {
        chunks.push(chunk);
        return;
      }
      req.off('data', onData);
      req.off('end', onEnd);
      drainRefusedBody(req, res);
      reject(new PayloadTooLarge(tooLargeMessage));
    };
    const onEnd = () => resolve((chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)).toString('utf8'));
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('close', () => {
      if (!req.complete) reject(new BadInput('The request was cut off before its end'));
    });
  });
}
