import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import busboy from 'busboy';
import type { RequestContext } from '../context.js';
import { BadInput, PayloadTooLarge } from '../errors.js';
import { readBodyText } from '../http/bodyText.js';
import { drainRefusedBody } from '../http/refusedBody.js';
import { type IncomingFile, stageFile } from '../resolvers/assets/files.js';

const MAX_FIELDS = 500;
/** Parts sent as files besides the file itself, read as the values they hold (see readForm). */
const MAX_VALUE_FILE_PARTS = 9;
const MAX_FILES = 1 + MAX_VALUE_FILE_PARTS;
const MAX_PARTS = MAX_FIELDS + MAX_FILES;
const MAX_JSON_BYTES = 1024 * 1024;
const MAX_FIELD_BYTES = 1024 * 1024;

/**
 * Reads a multipart or urlencoded body with busboy, handing each field to `onField`. The part named
 * `fileField` streams into the blob store's staging area as it arrives, because the legacy clients may send
 * fields after the file: every field is known before a resolver decides anything. Unless a resolver stored
 * it, the staged file is discarded once the response is over. Any other part sent as a file (clients send
 * JSON `metadata` as a Blob, with a file name or a content type) is a field whose value is its text, of at
 * most 1 MiB; a second `fileField` is drained. With
 * `fileAsDataUri`, `fileField` may also be a text field holding a data: URI (of at most 1 MiB).
 */
export function readForm(
  ctx: RequestContext,
  req: IncomingMessage,
  res: ServerResponse,
  fileField: string,
  onField: (name: string, value: string) => void,
  { fileAsDataUri = false }: { fileAsDataUri?: boolean } = {},
): Promise<IncomingFile | null> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const succeed = (file: IncomingFile | null) => {
      if (!settled) resolve(file);
      settled = true;
    };
    /** Stops reading: the rest of the body is drained (bounded), so that the client reads the refusal. */
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      reject(error);
      drainRefusedBody(req, res);
    };
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        // Clients send file names in UTF-8 (curl, fetch, rest-client, Guzzle), not busboy's default latin1.
        defParamCharset: 'utf8',
        limits: {
          files: MAX_FILES,
          fields: MAX_FIELDS,
          parts: MAX_PARTS,
          fieldSize: MAX_FIELD_BYTES,
          fileSize: ctx.config.maxUploadBytes + 1,
        },
      });
    } catch {
      reject(new BadInput('The body is not a form: send multipart/form-data or application/x-www-form-urlencoded'));
      return;
    }
    let stored: Promise<IncomingFile> | null = null;
    const valueParts: Promise<void>[] = [];
    const stage = (filename: string, bytes: Promise<Readable>) => {
      stored = bytes
        .then((stream) => stageFile(ctx, stream))
        .then((staged) => {
          if (res.closed) void staged.discard();
          else res.once('close', () => void staged.discard());
          return { filename, staged };
        });
      // A failed store destroys busboy's file stream, after which busboy never finishes: answer now.
      stored.catch(fail);
    };
    parser.on('field', (name, value, info) => {
      if (settled) return;
      if (fileAsDataUri && name === fileField && !stored && value.startsWith('data:')) {
        if (info.valueTruncated) {
          fail(new BadInput(`${fileField} as a data: URI may be at most 1 MiB; send a larger file as a file part`));
        } else stage('', bytesOfDataUri(fileField, value));
        return;
      }
      if (info.valueTruncated) {
        fail(new PayloadTooLarge(`The field ${name} is larger than ${MAX_FIELD_BYTES / 1024 / 1024} MiB`));
        return;
      }
      onField(name, value);
    });
    parser.once('fieldsLimit', () => fail(new PayloadTooLarge(`A form may have at most ${MAX_FIELDS} fields`)));
    parser.once('filesLimit', () => fail(new PayloadTooLarge(`A form may have at most ${MAX_FILES} files`)));
    parser.once('partsLimit', () => fail(new PayloadTooLarge(`A form may have at most ${MAX_PARTS} parts`)));
    parser.on('file', (name, stream, info) => {
      if (name !== fileField) {
        const part = textOfPart(name, stream).then((value) => onField(name, value));
        part.catch(fail);
        valueParts.push(part);
        return;
      }
      if (stored) {
        stream.resume();
        return;
      }
      stage(info.filename ?? '', Promise.resolve(stream));
    });
    parser.once('error', (error) => fail(new BadInput(`The form cannot be read: ${(error as Error).message}`)));
    parser.once('close', () => {
      Promise.all(valueParts)
        .then(() => stored)
        .then(succeed, fail);
    });
    req.once('aborted', () => fail(new BadInput('The request was cut off')));
    req.pipe(parser);
  });
}

/** The bytes of a `data:` URI, decoded by fetch (base64 or percent-encoded); nothing else is fetched. */
async function bytesOfDataUri(fieldName: string, uri: string): Promise<Readable> {
  try {
    if (new URL(uri).protocol !== 'data:') throw new Error('not a data: URI');
    // At most 1 MiB, already in memory as the field's value.
    return Readable.from([Buffer.from(await (await fetch(uri)).arrayBuffer())]);
  } catch {
    throw new BadInput(`${fieldName} is neither a file part nor a valid data: URI`);
  }
}

/** The UTF-8 text of a part sent as a file that holds a field's value; refused past 1 MiB, drained either way. */
function textOfPart(name: string, stream: Readable): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    stream.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes <= MAX_FIELD_BYTES) chunks.push(chunk);
    });
    stream.once('error', reject);
    stream.once('end', () => {
      if (bytes > MAX_FIELD_BYTES) reject(new BadInput(`${name} is larger than 1 MiB`));
      else resolve(Buffer.concat(chunks).toString('utf8'));
    });
  });
}

/** Adds one value of a parameter that may be sent several times. */
export function addValue(values: Map<string, string[]>, name: string, value: string): void {
  const list = values.get(name);
  if (list) list.push(value);
  else values.set(name, [value]);
}

/** A JSON body of at most 1 MiB, read whole (it holds parameters, never a file); undefined when empty. */
export async function readJsonBody(req: IncomingMessage, res: ServerResponse): Promise<unknown> {
  const text = await readBodyText(req, res, MAX_JSON_BYTES, 'The JSON body may be at most 1 MiB');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new BadInput('The body is not valid JSON');
  }
}

/** The scalar and list fields of a JSON object as parameter values; an empty list is kept, as sent. */
export function addJsonFields(values: Map<string, string[]>, object: unknown): void {
  if (!object || typeof object !== 'object' || Array.isArray(object)) return;
  for (const [name, value] of Object.entries(object)) {
    if (Array.isArray(value)) {
      if (!values.has(name)) values.set(name, []);
      for (const item of value) addValue(values, name, String(item));
    } else if (value !== null && typeof value !== 'object') addValue(values, name, String(value));
  }
}
