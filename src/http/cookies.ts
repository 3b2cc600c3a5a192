import type { ServerResponse } from 'node:http';
import { stringifySetCookie } from 'cookie';
import type { ResponseCookie } from '../context.js';

/** The Set-Cookie value of a cookie a resolver asked for: HttpOnly, SameSite=Lax, Secure behind https. */
export function setCookieValue(cookie: ResponseCookie, secure: boolean): string {
  return stringifySetCookie({
    name: cookie.name,
    value: cookie.value,
    maxAge: cookie.maxAge,
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure,
  });
}

export function writeCookies(res: ServerResponse, cookies: ResponseCookie[], secure: boolean): void {
  if (cookies.length > 0)
    res.setHeader(
      'set-cookie',
      cookies.map((cookie) => setCookieValue(cookie, secure)),
    );
}
