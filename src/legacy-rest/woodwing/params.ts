import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestContext } from '../../context.js';
import { BadInput } from '../../errors.js';
import type { RequestUrl } from '../../http/requestUrl.js';
import type { IncomingFile } from '../../resolvers/assets/files.js';
import { addJsonFields, addValue, readForm, readJsonBody } from '../formBody.js';

/**
 * WoodWing's clients send the same parameters four ways: in the query string, urlencoded, multipart and
 * as JSON (reference section 0, item 3). They all end up here, one value list per name; an empty value
 * counts as absent. A multipart `Filedata` part streams into the blob store as it arrives.
 */
export class WoodwingParams {
  constructor(
    private readonly values: Map<string, string[]>,
    readonly file: IncomingFile | null,
    /** The JSON body as sent, for calls that take a structured body (the AssetSearch of search). */
    readonly json: unknown,
  ) {}

  /** The last non-empty value. */
  string(name: string): string | undefined {
    return this.values
      .get(name)
      ?.filter((value) => value !== '')
      .at(-1);
  }

  /** Whether the parameter was sent at all, even empty (updateAuthKey refuses `subject=`). */
  sent(name: string): boolean {
    return this.values.has(name);
  }

  boolean(name: string): boolean | undefined {
    const value = this.string(name)?.toLowerCase();
    if (value === undefined) return undefined;
    if (value === 'true' || value === '1') return true;
    if (value === 'false' || value === '0') return false;
    throw new BadInput(`${name} must be true or false (or 1 or 0), got ${JSON.stringify(value)}`);
  }

  integer(name: string): number | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    if (!/^\d+$/.test(value)) throw new BadInput(`${name} must be a whole number, got ${JSON.stringify(value)}`);
    return Number(value);
  }

  /** Every non-empty value of a repeatable parameter, as sent (createFolder's path). */
  all(name: string): string[] | undefined {
    const values = this.values.get(name)?.filter((value) => value !== '');
    return values?.length ? values : undefined;
  }

  /** Comma-separated (also repeated) values, blanks dropped. */
  list(name: string): string[] | undefined {
    const values = this.values.get(name);
    if (!values) return undefined;
    const items = values
      .flatMap((value) => value.split(','))
      .map((item) => item.trim())
      .filter(Boolean);
    return items.length ? items : undefined;
  }

  names(): string[] {
    return [...this.values.keys()];
  }

  /** Every parameter whose name starts with `prefix`, e.g. `facet.` */
  withPrefix(prefix: string): [string, string][] {
    return [...this.values.entries()]
      .filter(([name]) => name.startsWith(prefix))
      .flatMap(([name, values]) => values.filter(Boolean).map((value) => [name, value] as [string, string]));
  }
}

export async function readWoodwingParams(
  ctx: RequestContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: RequestUrl,
): Promise<WoodwingParams> {
  const values = new Map<string, string[]>();
  for (const [name, value] of url.searchParams) addValue(values, name, value);
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  let file: IncomingFile | null = null;
  let json: unknown;
  if (req.method === 'POST' || req.method === 'PUT') {
    if (type.startsWith('application/json')) {
      json = await readJsonBody(req, res);
      addJsonFields(values, json);
    } else if (type.startsWith('multipart/form-data') || type.startsWith('application/x-www-form-urlencoded')) {
      file = await readForm(ctx, req, res, 'Filedata', (name, value) => addValue(values, name, value), {
        // WoodWing's own Postman collection sends the file so.
        fileAsDataUri: true,
      });
    }
  }
  return new WoodwingParams(values, file, json);
}
