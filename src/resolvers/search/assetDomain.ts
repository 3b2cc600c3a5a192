/**
 * WoodWing's assetDomain: the kind of file, from its extension first and its content type second.
 */
export const ASSET_DOMAINS = [
  'image',
  'video',
  'audio',
  'pdf',
  'document',
  'presentation',
  'spreadsheet',
  'text',
  'container',
  'generic',
] as const;
export type AssetDomain = (typeof ASSET_DOMAINS)[number];

const BY_EXTENSION: Record<string, AssetDomain> = {
  collection: 'container',
  dossier: 'container',
  task: 'container',
  pdf: 'pdf',
  doc: 'document',
  docx: 'document',
  dot: 'document',
  odt: 'document',
  rtf: 'document',
  pages: 'document',
  ppt: 'presentation',
  pptx: 'presentation',
  odp: 'presentation',
  key: 'presentation',
  xls: 'spreadsheet',
  xlsx: 'spreadsheet',
  xlsm: 'spreadsheet',
  xlt: 'spreadsheet',
  ods: 'spreadsheet',
  numbers: 'spreadsheet',
  csv: 'spreadsheet',
  txt: 'text',
  md: 'text',
  html: 'text',
  htm: 'text',
  xml: 'text',
  json: 'text',
};

export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 && dot < name.length - 1 ? name.slice(dot + 1).toLowerCase() : '';
}

export function assetDomainOf(name: string, contentType: string): AssetDomain {
  const byExtension = BY_EXTENSION[extensionOf(name)];
  if (byExtension) return byExtension;
  const type = contentType.toLowerCase();
  if (type.startsWith('image/')) return 'image';
  if (type.startsWith('video/')) return 'video';
  if (type.startsWith('audio/')) return 'audio';
  if (type === 'application/pdf') return 'pdf';
  if (type.startsWith('text/')) return 'text';
  return 'generic';
}
