import { randomBytes } from 'node:crypto';

/**
 * A multipart body sent as a stream, with no Content-Length: `head` (the parts before the file and the
 * file part's headers), then `fileBytes` random bytes in 64 KiB chunks, then the closing boundary.
 */
export function streamedMultipart(head: Buffer, boundary: string, fileBytes: number): ReadableStream<Uint8Array> {
  const chunk = randomBytes(64 * 1024);
  let sent = 0;
  let headSent = false;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (!headSent) {
        headSent = true;
        controller.enqueue(head);
      } else if (sent < fileBytes) {
        sent += chunk.length;
        controller.enqueue(chunk);
      } else {
        controller.enqueue(Buffer.from(`\r\n--${boundary}--\r\n`));
        controller.close();
      }
    },
  });
}
