import { html, SafeHtml } from './markup.js';
import { PAGE_STYLE } from './pageStyle.js';
import type { AssetCardView, CardSection, SharedLinkPageView } from './pageView.js';

const DATE = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' });

function layout(title: string, body: SafeHtml): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<link rel="icon" href="data:,">
<title>${title}</title>
<style>${new SafeHtml(PAGE_STYLE)}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`.text;
}

function reviewForm(card: AssetCardView, key: string): SafeHtml | null {
  if (!card.review) return null;
  const { decision } = card.review;
  return html`<form class="review" method="post" action="shared-link/review">
<input type="hidden" name="key" value="${key}">
<input type="hidden" name="assetId" value="${card.id}">
<span class="decision">${decision ? `You ${decision} this file.` : 'Not reviewed yet.'}</span>
<button class="button" type="submit" name="decision" value="approved">Approve<span class="visually-hidden"> ${card.name}</span></button>
<button class="button reject" type="submit" name="decision" value="rejected">Reject<span class="visually-hidden"> ${card.name}</span></button>
</form>`;
}

function cardOf(card: AssetCardView, key: string): SafeHtml {
  const thumbnail = card.thumbnail
    ? html`<img src="${card.thumbnail.src}" alt="${card.name}"${card.thumbnail.width ? html` width="${card.thumbnail.width}" height="${card.thumbnail.height ?? ''}"` : ''}>`
    : html`<span>${card.placeholder}</span>`;
  const hidden = html`<span class="visually-hidden"> of ${card.name}</span>`;
  return html`<li class="card">
<div class="thumb">${thumbnail}</div>
<h3>${card.name}</h3>
<p class="facts">${card.facts}</p>
${card.previewHref ? html`<a href="${card.previewHref}">View preview${hidden}</a>` : ''}
${
  card.downloads.length
    ? html`<p class="actions">${card.downloads.map(
        (link) => html`<a class="button" href="${link.href}" download>${link.label}${hidden}</a>`,
      )}</p>`
    : ''
}
${reviewForm(card, key)}
</li>`;
}

function sectionOf(section: CardSection, index: number, key: string): SafeHtml {
  const id = `section-${index}`;
  return html`<section aria-labelledby="${id}">
<h2 id="${id}">${section.heading}</h2>
${section.cards.length ? html`<ul class="cards">${section.cards.map((card) => cardOf(card, key))}</ul>` : html`<p>Nothing here yet.</p>`}
</section>`;
}

function uploadForm(key: string): SafeHtml {
  return html`<section aria-labelledby="upload-heading">
<h2 id="upload-heading">Send a file</h2>
<form class="upload" method="post" enctype="multipart/form-data" action="shared-link/upload?key=${encodeURIComponent(key)}">
<label for="upload-file">File to send</label>
<input id="upload-file" type="file" name="file" required>
<div><button class="button" type="submit">Upload</button></div>
</form>
</section>`;
}

/** The page a person opens from a shared link. */
export function sharedLinkPage(view: SharedLinkPageView): string {
  const notice = view.notice
    ? html`<p class="notice${view.notice.problem ? ' problem' : ''}" role="status">${view.notice.text}</p>`
    : '';
  const allowances = view.allowances.length
    ? `With this link you may ${view.allowances.join('; ')}.`
    : 'With this link you may view thumbnails.';
  return layout(
    `${view.subject} - shared files`,
    html`<h1>${view.subject}</h1>
${view.description ? html`<p>${view.description}</p>` : ''}
${notice}
<p class="meta">${allowances} The link works until <time datetime="${view.validUntil.toISOString()}">${DATE.format(view.validUntil)} UTC</time>.</p>
${view.sections.map((section, index) => sectionOf(section, index, view.key))}
${view.omitted > 0 ? html`<p class="meta">${view.omitted} more shared files are not listed here.</p>` : ''}
${view.acceptsUploads ? uploadForm(view.key) : ''}`,
  );
}

/** A page that says why nothing else is shown, with a way back where there is one. */
export function problemPage(heading: string, message: string, backHref?: string): string {
  return layout(
    heading,
    html`<h1>${heading}</h1>
<p>${message}</p>
${backHref ? html`<p><a href="${backHref}">Back to the shared files</a></p>` : ''}`,
  );
}

/** `/` without a key: what this server is, and where its API is. */
export function landingPage(): string {
  return layout(
    'asset-gateway',
    html`<h1>asset-gateway</h1>
<p>This server keeps digital assets. Its API is <a href="graphql">GraphQL at /graphql</a>.</p>
<p>Were you sent a link to shared files? Open the whole link you were sent: it ends in <code>?w=</code> and a key.</p>`,
  );
}
