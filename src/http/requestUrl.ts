/** A dot segment (`.`, `..`, also percent-encoded) or a backslash, which WHATWG URL parsing rewrites. */
const NEEDS_URL_PARSING = /\/(?:\.|%2e)|\\/i;

/**
 * The request target, split once into its raw path and query. The query is parsed only when a handler
 * reads `searchParams`; `pathname` and `search` mean what they mean on a WHATWG `URL`.
 */
export class RequestUrl {
  #searchParams: URLSearchParams | undefined;

  constructor(
    /** Still percent-encoded. */
    readonly pathname: string,
    /** The query with its `?`, or '' when there is none or it is empty. */
    readonly search: string,
  ) {}

  get searchParams(): URLSearchParams {
    this.#searchParams ??= new URLSearchParams(this.search);
    return this.#searchParams;
  }
}

/**
 * Splits `req.url` at its `?` (a `#` ends it too). Only an absolute URL, or a path with dot segments or
 * backslashes, goes through `new URL`, so that `/a/../b` still means `/b` as when every request was parsed so.
 */
export function requestUrlOf(target: string): RequestUrl {
  if (!target.startsWith('/')) {
    // The absolute form (`http://host/path`), which proxies are sent: rare enough to parse whole.
    const url = new URL(target, 'http://any');
    return new RequestUrl(url.pathname, url.search);
  }
  let end = target.length;
  const hash = target.indexOf('#');
  if (hash !== -1) end = hash;
  const question = target.indexOf('?');
  const pathEnd = question !== -1 && question < end ? question : end;
  const path = target.slice(0, pathEnd);
  const search = end - pathEnd > 1 ? target.slice(pathEnd, end) : '';
  if (NEEDS_URL_PARSING.test(path)) return new RequestUrl(new URL(path, 'http://any').pathname, search);
  return new RequestUrl(path, search);
}
