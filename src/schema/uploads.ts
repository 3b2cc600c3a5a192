import type { IncomingFile } from '../resolvers/assets/files.js';
import type { StagedBlob } from '../storage/BlobStore.js';

/**
 * A file of a GraphQL multipart request, as the `Upload` scalar's promise gives it: the part's name and types,
 * and its bytes, already staged in the blob store (kept if a resolver stores them, discarded otherwise).
 */
export interface FileUpload {
  filename: string;
  mimetype: string;
  encoding: string;
  staged: StagedBlob;
}

/**
 * What the multipart request's parser puts in the variables where its map places a file; the `Upload`
 * scalar accepts nothing else, so a JSON request cannot pass a file.
 */
export class PendingUpload {
  constructor(readonly promise: Promise<FileUpload>) {}
}

/** A GraphQL multipart file as resolvers take files. */
export async function incomingFile(upload: Promise<FileUpload>): Promise<IncomingFile> {
  const file = await upload;
  return { filename: file.filename, staged: file.staged };
}
