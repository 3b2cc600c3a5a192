import type { FileUpload } from 'graphql-upload-ts';
import type { IncomingFile } from '../resolvers/assets/files.js';

/** A GraphQL multipart file as resolvers take files: its bytes stream while the request is still arriving. */
export async function incomingFile(upload: Promise<FileUpload>): Promise<IncomingFile> {
  const file = await upload;
  return { filename: file.filename, stream: file.createReadStream() };
}
