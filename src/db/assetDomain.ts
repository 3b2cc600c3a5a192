/**
 * What a file is, from its name: its extension, WoodWing's assetDomain (from the extension first and the
 * content type second), and whether it is a container. The Asset entity derives its columns from these, so
 * they live beside the entities.
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

/** The extensions of WoodWing's container assets (collections, dossiers, tasks), which hold other assets. */
export const CONTAINER_EXTENSIONS: readonly string[] = ['collection', 'dossier', 'task'];

const BY_EXTENSION: Record<string, AssetDomain> = {
  ...Object.fromEntries(CONTAINER_EXTENSIONS.map((extension) => [extension, 'container' as const])),
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

/** The extension of a file name, lower case, without its dot; '' for none (`notes`, `.bashrc`, `notes.`). */
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
