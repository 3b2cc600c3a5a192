import { BadInput } from '../../errors.js';
import type { Endpoint } from './endpoint.js';
import { sendWoodwingJson } from './responses.js';

/** When these labels last changed: `ifModifiedSince` at or after it is answered 304 (reference section 3). */
const LABELS_CHANGED_AT = Date.UTC(2026, 10, 22);

const FIELD_LABELS: Record<string, string> = {
  id: 'ID',
  name: 'Name',
  filename: 'Filename',
  folderPath: 'Folder',
  assetPath: 'Path',
  assetDomain: 'Kind',
  extension: 'Extension',
  mimeType: 'MIME type',
  fileSize: 'File size',
  assetCreated: 'Created',
  assetCreator: 'Created by',
  assetModified: 'Modified',
  assetModifier: 'Modified by',
  checkedOut: 'Checked out',
  checkedOutBy: 'Checked out by',
  checkedOutOnClient: 'Checked out on',
  versionNumber: 'Version',
  title: 'Title',
  description: 'Description',
  headline: 'Headline',
  tags: 'Tags',
};

const DOMAIN_LABELS: Record<string, string> = {
  image: 'Image',
  video: 'Video',
  audio: 'Audio',
  pdf: 'PDF',
  document: 'Document',
  presentation: 'Presentation',
  spreadsheet: 'Spreadsheet',
  text: 'Text',
  container: 'Collection',
  generic: 'Other',
};

/** WoodWing's labels as its clients read them: one flat object of dotted keys, in US English only. */
const LABELS: Record<string, string> = {
  ...Object.fromEntries(Object.entries(FIELD_LABELS).map(([field, label]) => [`field_label.${field}`, label])),
  ...Object.fromEntries(Object.entries(DOMAIN_LABELS).map(([domain, label]) => [`assetDomain.${domain}`, label])),
};

const BUNDLES = ['web', 'acm'];
const LOCALE = /^[a-z]{2,3}(?:_[A-Z]{2})?$/;

/**
 * The labels of WoodWing's clients. `localeChain` names the locales to try in turn; every one falls back to
 * en_US, the only one there is. `bundle` is web (the default) or acm; both hold the same labels here.
 */
export const messagesEndpoint: Endpoint = {
  async handle({ res, params }) {
    for (const locale of params.list('localeChain') ?? []) {
      if (!LOCALE.test(locale)) throw new BadInput(`localeChain: ${JSON.stringify(locale)} is not a locale like en_US`);
    }
    const bundle = params.string('bundle') ?? 'web';
    if (!BUNDLES.includes(bundle)) throw new BadInput(`bundle must be web or acm; got ${JSON.stringify(bundle)}`);
    const since = params.integer('ifModifiedSince');
    if (since !== undefined && since >= LABELS_CHANGED_AT) {
      res.writeHead(304, { 'cache-control': 'no-cache' });
      res.end();
      return;
    }
    res.setHeader('last-modified', new Date(LABELS_CHANGED_AT).toUTCString());
    sendWoodwingJson(res, 200, LABELS);
  },
};
