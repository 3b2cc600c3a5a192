import { expect } from 'vitest';

/** The four ways WoodWing's clients send the same parameters (reference section 0, item 3). */
export const ENCODINGS = ['query string', 'urlencoded', 'multipart', 'json'] as const;
export type Encoding = (typeof ENCODINGS)[number];
export type Params = Record<string, string | number | boolean>;

/** POSTs `params` to <baseUrl>/services/<path> in the given encoding, with the given headers. */
export function postServices(
  baseUrl: string,
  path: string,
  params: Params = {},
  encoding: Encoding = 'urlencoded',
  headers: Record<string, string> = {},
): Promise<Response> {
  const url = new URL(`${baseUrl}/services/${path}`);
  const pairs = Object.entries(params).map(([name, value]) => [name, String(value)] as [string, string]);
  switch (encoding) {
    case 'query string':
      for (const [name, value] of pairs) url.searchParams.append(name, value);
      return fetch(url, { method: 'POST', headers });
    case 'urlencoded':
      return fetch(url, { method: 'POST', headers, body: new URLSearchParams(pairs) });
    case 'multipart': {
      const form = new FormData();
      for (const [name, value] of pairs) form.append(name, value);
      return fetch(url, { method: 'POST', headers, body: form });
    }
    case 'json':
      return fetch(url, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify(params),
      });
  }
}

/** A multipart POST to <baseUrl>/services/<path> as create and update take it: the fields, then Filedata if given. */
export function postServicesFile(
  baseUrl: string,
  path: string,
  fields: Record<string, string>,
  file: { name: string; content: string } | undefined,
  headers: Record<string, string>,
): Promise<Response> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  if (file) form.append('Filedata', new Blob([file.content]), file.name);
  return fetch(`${baseUrl}/services/${path}`, { method: 'POST', headers, body: form });
}

export async function bodyOf(response: Response): Promise<any> {
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`not JSON (status ${response.status}): ${text.slice(0, 300)}`);
  }
}

/** err(N) of reference section 8: HTTP N and {errorname, message, errorcode: N}. */
export async function expectError(response: Response, status: number): Promise<any> {
  const body = await bodyOf(response);
  expect({ status: response.status, errorcode: body.errorcode }).toEqual({ status, errorcode: status });
  expect(typeof body.errorname).toBe('string');
  expect(typeof body.message).toBe('string');
  return body;
}

/** "err" of reference section 8 when it names no status: a 4xx/5xx whose errorcode is the status. */
export async function expectAnyError(response: Response): Promise<any> {
  const body = await bodyOf(response);
  expect(response.status).toBeGreaterThanOrEqual(400);
  expect(body.errorcode).toBe(response.status);
  expect(typeof body.errorname).toBe('string');
  expect(typeof body.message).toBe('string');
  return body;
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** The headers of a browser session from POST /services/login: the cookie, and the csrf header unless told not to. */
export async function cookieSession(
  baseUrl: string,
  username: string,
  password: string,
  withCsrf = true,
): Promise<Record<string, string>> {
  const response = await postServices(baseUrl, 'login', { username, password });
  const body = await bodyOf(response);
  const cookie = response.headers
    .getSetCookie()
    .map((header) => header.split(';')[0] ?? '')
    .find((pair) => pair.startsWith('authToken='));
  if (!body.loginSuccess || !cookie) throw new Error(`login failed: ${JSON.stringify(body)}`);
  return { cookie, ...(withCsrf ? { 'x-csrf-token': body.csrfToken } : {}) };
}

/** process/info of a process started with async=true, once it has finished. */
export async function finishedProcess(
  baseUrl: string,
  headers: Record<string, string>,
  processId: string,
): Promise<any> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const response = await postServices(baseUrl, 'process/info', { processId }, 'urlencoded', headers);
    const info = await bodyOf(response);
    if (response.status !== 200) throw new Error(`process/info failed: ${response.status} ${JSON.stringify(info)}`);
    if (info.finished) return info;
    if (Date.now() > deadline) throw new Error(`process ${processId} did not finish: ${JSON.stringify(info)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A query-language term that takes the value literally, quotes and all (folder paths hold "/" and spaces). */
export const termOf = (field: string, value: string) =>
  `${field}:"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
