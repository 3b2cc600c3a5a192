import { createHash } from 'node:crypto';

/** The pages' only style, inline: allowed by its hash in the Content-Security-Policy, nothing else is. */
export const PAGE_STYLE = `
:root{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1b1b;background:#f6f6f4;line-height:1.45}
body{margin:0}main{max-width:72rem;margin:0 auto;padding:1.5rem}
h1{margin:.2rem 0 .5rem;font-size:1.8rem}h2{font-size:1.3rem;margin:2rem 0 .75rem}h3{font-size:1rem;margin:.5rem 0 .2rem;overflow-wrap:anywhere}
.meta{color:#505a5f}.notice{padding:.75rem 1rem;border-left:5px solid #00703c;background:#e7f4ec}
.notice.problem{border-color:#d4351c;background:#fbeae7}
.cards{list-style:none;padding:0;margin:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(15rem,1fr));gap:1rem}
.card{background:#fff;border:1px solid #d8d8d8;border-radius:6px;padding:.75rem;display:flex;flex-direction:column;gap:.35rem}
.thumb{display:flex;align-items:center;justify-content:center;height:11rem;background:#eee;border-radius:4px;overflow:hidden}
.thumb img{max-width:100%;max-height:100%}.thumb span{font-weight:700;color:#505a5f}
.facts{color:#505a5f;font-size:.9rem;margin:0}.actions{display:flex;flex-wrap:wrap;gap:.4rem;margin:.3rem 0 0}
.button{display:inline-block;padding:.4rem .7rem;border:2px solid #1d70b8;border-radius:4px;background:#1d70b8;color:#fff;text-decoration:none;font:inherit;font-size:.9rem;cursor:pointer}
.button.reject{border-color:#d4351c;background:#fff;color:#d4351c}
a{color:#1d70b8}a:focus-visible,button:focus-visible,input:focus-visible{outline:3px solid #ffdd00;outline-offset:2px;box-shadow:0 0 0 5px #0b0c0c}
.review{margin:.3rem 0 0;display:flex;flex-wrap:wrap;gap:.4rem;align-items:center}.decision{font-weight:700}
.upload{background:#fff;border:1px solid #d8d8d8;border-radius:6px;padding:1rem}.upload label{display:block;font-weight:700;margin-bottom:.4rem}
.upload input{margin-bottom:.75rem;font:inherit}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
`;

const STYLE_HASH = createHash('sha256').update(PAGE_STYLE).digest('base64');

/**
 * No script, no frame, no other origin: images and forms go to this server only (data: only for the empty
 * icon, which keeps browsers from asking for /favicon.ico), and the one style is the one above. The page holds the key in its URL, hence no referrer and no cache.
 */
export const PAGE_HEADERS: Record<string, string> = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': `default-src 'none'; img-src 'self' data:; style-src 'sha256-${STYLE_HASH}'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
  'x-frame-options': 'DENY',
};
