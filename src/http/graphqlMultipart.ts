import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import type { GraphQLParams } from 'graphql-yoga';
import { BadInput, PayloadTooLarge } from '../errors.js';
import { type FileUpload, PendingUpload } from '../schema/uploads.js';
import type { StagedBlob } from '../storage/BlobStore.js';
import { drainRefusedBody } from './refusedBody.js';

/** `operations` and `map` are read whole: they hold a query and its variables, never a file's bytes. */
const MAX_FIELD_BYTES = 1024 * 1024;
/** Text fields: the spec has two (operations, map); a few more are read past and ignored. */
const MAX_FIELDS = 10;

export type GraphqlBody = GraphQLParams | GraphQLParams[];

export interface MultipartLimits {
  maxFiles: number;
  /** Streams a file part into the blob store's staging area, failing it past the upload size limit. */
  stage: (bytes: Readable) => Promise<StagedBlob>;
}

/** A file the map names: its promise, settled once, and whether its part has begun to arrive. */
interface ExpectedFile {
  resolve: (file: FileUpload) => void;
  reject: (error: Error) => void;
  promise: Promise<FileUpload>;
  arriving: boolean;
}

function expectedFile(): ExpectedFile {
  const { promise, resolve, reject } = Promise.withResolvers<FileUpload>();
  // The operation may never ask for it (a validation error, a field not reached): its failure is nobody's.
  promise.catch(() => {});
  return { promise, resolve, reject, arriving: false };
}

function parseJsonField(name: string, value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    throw new BadInput(`The ${name} field of the multipart request is not valid JSON`);
  }
}

const isContainer = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/**
 * Puts `value` at a map's dotted path (`variables.file`, `0.variables.files.1`) in the operations. Every step
 * but the last must already be there, own properties only, so that a path cannot reach a prototype.
 */
function placeAt(operations: unknown, path: string, value: PendingUpload): void {
  const keys = path.split('.');
  const last = keys.pop() as string;
  let target = operations;
  for (const key of keys) target = isContainer(target) && Object.hasOwn(target, key) ? target[key] : undefined;
  if (!isContainer(target) || (Array.isArray(target) && !Object.hasOwn(target, last))) {
    throw new BadInput(`The map names the path ${JSON.stringify(path)}, which the operations do not have`);
  }
  target[last] = value;
}

/** The map's files, each placed at its paths in `operations`, by the name of the part that carries it. */
function placeFiles(operations: unknown, map: unknown, maxFiles: number): Map<string, ExpectedFile> {
  if (!isContainer(map) || Array.isArray(map)) {
    throw new BadInput('The map field must be a JSON object of file part names to lists of paths');
  }
  const entries = Object.entries(map);
  if (entries.length > maxFiles) throw new PayloadTooLarge(`A request may carry at most ${maxFiles} files`);
  const files = new Map<string, ExpectedFile>();
  for (const [name, paths] of entries) {
    if (!Array.isArray(paths) || paths.length === 0 || !paths.every((path) => typeof path === 'string')) {
      throw new BadInput(`The map's entry ${JSON.stringify(name)} must be a list of paths such as "variables.file"`);
    }
    const file = expectedFile();
    files.set(name, file);
    const pending = new PendingUpload(file.promise);
    for (const path of paths) placeAt(operations, path, pending);
  }
  return files;
}

/**
 * Reads a GraphQL multipart request (the graphql-multipart-request-spec): the `operations` field, then `map`,
 * then the files in any order. Resolves once `map` is read, with the operations holding a PendingUpload at
 * each path the map names, so that the operation runs while its files arrive. Each file part streams straight
 * into the blob store's staging area, hashed as it goes, and its Upload resolves once it is all there; parts
 * the map does not name are drained. Staged files that no resolver kept are discarded once the response is
 * over. When the response is over first, or the client goes, the parts still arriving are cut off (their
 * staged bytes removed) and the rest of the body is drained.
 */
export function readGraphqlMultipart(
  req: IncomingMessage,
  res: ServerResponse,
  { maxFiles, stage }: MultipartLimits,
): Promise<GraphqlBody> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        // Clients send file names in UTF-8 (browsers, curl, apollo-upload-client), not busboy's default latin1.
        defParamCharset: 'utf8',
        limits: { fieldSize: MAX_FIELD_BYTES, fields: MAX_FIELDS, files: maxFiles, parts: MAX_FIELDS + maxFiles },
      });
    } catch (error) {
      reject(new BadInput(`The multipart request cannot be read: ${(error as Error).message}`));
      return;
    }
    let operations: unknown;
    let files: Map<string, ExpectedFile> | undefined;
    const arriving = new Set<Readable>();
    const staged: StagedBlob[] = [];
    let done = false;

    /** Stops reading: everything not settled yet fails with `error`, and the rest of the body is drained. */
    const stop = (error: Error) => {
      if (done) return;
      done = true;
      reject(error);
      for (const file of files?.values() ?? []) file.reject(error);
      for (const bytes of arriving) bytes.destroy(error);
      drainRefusedBody(req, res);
    };

    parser.on('field', (name, value, info) => {
      try {
        if (info.valueTruncated) throw new PayloadTooLarge(`The ${name} field is larger than 1 MiB`);
        if (name === 'operations' && operations === undefined) {
          operations = parseJsonField(name, value);
        } else if (name === 'map' && files === undefined) {
          if (operations === undefined) throw new BadInput('The map field must follow the operations field');
          files = placeFiles(operations, parseJsonField(name, value), maxFiles);
          resolve(operations as GraphqlBody);
        }
      } catch (error) {
        stop(error as Error);
      }
    });

    parser.on('file', (name, bytes, info) => {
      const file = files?.get(name);
      if (!files) {
        bytes.resume();
        stop(new BadInput('The file parts must follow the operations and map fields'));
        return;
      }
      if (!file || file.arriving) {
        bytes.resume();
        return;
      }
      file.arriving = true;
      arriving.add(bytes);
      stage(bytes).then(
        (blob) => {
          arriving.delete(bytes);
          if (res.closed) void blob.discard();
          else staged.push(blob);
          file.resolve({
            filename: info.filename ?? '',
            mimetype: info.mimeType,
            encoding: info.encoding,
            staged: blob,
          });
        },
        (error: Error) => {
          arriving.delete(bytes);
          file.reject(error);
          // busboy waits for a destroyed file stream forever: the parts after this one cannot be read.
          stop(new BadInput(`The request was not read past the file part ${JSON.stringify(name)}: ${error.message}`));
        },
      );
    });

    parser.on('fieldsLimit', () => stop(new PayloadTooLarge(`A request may carry at most ${MAX_FIELDS} text fields`)));
    parser.on('partsLimit', () =>
      stop(new PayloadTooLarge(`A request may carry at most ${MAX_FIELDS + maxFiles} parts`)),
    );
    parser.on('filesLimit', () => stop(new PayloadTooLarge(`A request may carry at most ${maxFiles} files`)));
    parser.on('error', (error) =>
      stop(new BadInput(`The multipart request cannot be read: ${(error as Error).message}`)),
    );
    parser.on('close', () => {
      if (done) return;
      done = true;
      if (!files) {
        const missing = operations === undefined ? 'operations' : 'map';
        reject(new BadInput(`The multipart request has no ${missing} field`));
        return;
      }
      for (const [name, file] of files) {
        if (!file.arriving)
          file.reject(new BadInput(`The request ended without the file part ${JSON.stringify(name)}`));
      }
    });

    req.once('close', () => {
      if (!req.complete) stop(new BadInput('The request was cut off before its end'));
    });
    res.once('close', () => {
      stop(new BadInput('The response was sent before the request ended'));
      for (const blob of staged) void blob.discard();
    });
    req.pipe(parser);
  });
}
