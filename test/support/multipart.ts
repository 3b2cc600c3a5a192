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

/** The parts of a GraphQL multipart request (`query` with its one file, field "0") before and after the file's bytes. */
export function graphqlUploadFrame(query: string, boundary: string, filename: string): { head: Buffer; tail: Buffer } {
  const operations = JSON.stringify({ query, variables: { file: null } });
  const map = JSON.stringify({ 0: ['variables.file'] });
  const head =
    `--${boundary}\r\ncontent-disposition: form-data; name="operations"\r\n\r\n${operations}\r\n` +
    `--${boundary}\r\ncontent-disposition: form-data; name="map"\r\n\r\n${map}\r\n` +
    `--${boundary}\r\ncontent-disposition: form-data; name="0"; filename="${filename}"\r\n` +
    'content-type: application/octet-stream\r\n\r\n';
  return { head: Buffer.from(head), tail: Buffer.from(`\r\n--${boundary}--\r\n`) };
}

/** POSTs to <baseUrl>/graphql the upload `query` of a file of `fileBytes` random bytes, streamed with no Content-Length. */
export function postStreamedGraphqlUpload(
  baseUrl: string,
  token: string,
  query: string,
  fileBytes: number,
): Promise<Response> {
  const boundary = 'streamed-boundary';
  const { head } = graphqlUploadFrame(query, boundary, 'big.bin');
  return fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': `multipart/form-data; boundary=${boundary}`,
      'apollo-require-preflight': 'true',
      authorization: `Bearer ${token}`,
    },
    body: streamedMultipart(head, boundary, fileBytes),
    duplex: 'half',
  } as RequestInit);
}
