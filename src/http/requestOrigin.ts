import type { IncomingMessage } from 'node:http';

function firstValue(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  return value?.split(',')[0]?.trim() || undefined;
}

/** The host the client asked for: X-Forwarded-Host (behind a proxy) before Host, as GOV.UK honours it. */
export function requestHost(req: IncomingMessage): string {
  return (firstValue(req.headers['x-forwarded-host']) ?? req.headers.host ?? 'localhost').toLowerCase();
}

export function requestScheme(req: IncomingMessage): string {
  const proto = firstValue(req.headers['x-forwarded-proto']);
  return proto === 'https' || proto === 'http' ? proto : 'http';
}

export function requestOrigin(req: IncomingMessage): string {
  return `${requestScheme(req)}://${requestHost(req)}`;
}
