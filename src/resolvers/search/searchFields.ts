/**
 * The fields a query, a sort or a facet may name, with the WoodWing names and ours, and the SQL each reads
 * (on the assets table, aliased `a`). Any other name is a metadata field.
 */
export type FieldKind = 'text' | 'number' | 'date';

export interface ColumnField {
  kind: FieldKind;
  sql: string;
  /** Stored in lower case, so that an equality needs no case folding and can use a plain index. */
  lowercase?: boolean;
  /** Compared exactly, case included (ids), so that the primary key answers. */
  exact?: boolean;
  /** A user named by username: the assets column that holds the user's id. */
  userColumn?: string;
  /** The entity property behind it, when a sort by it can page by cursor. */
  property?:
    | 'name'
    | 'folderPath'
    | 'size'
    | 'createdAt'
    | 'modifiedAt'
    | 'extension'
    | 'assetDomain'
    | 'versionNumber';
}

const ASSET_PATH = `(case when a.folder_path = '/' then '/' || a.name else a.folder_path || '/' || a.name end)`;
const MIME_TYPE = `trim(substr(a.content_type, 1, instr(a.content_type || ';', ';') - 1))`;

function userField(column: string): ColumnField {
  return { kind: 'text', sql: `(select u.username from users u where u.id = a.${column})`, userColumn: `a.${column}` };
}

export const COLUMN_FIELDS: Record<string, ColumnField> = {
  id: { kind: 'text', sql: 'a.id', exact: true },
  name: { kind: 'text', sql: 'a.name', property: 'name' },
  filename: { kind: 'text', sql: 'a.name', property: 'name' },
  folderPath: { kind: 'text', sql: 'a.folder_path', property: 'folderPath' },
  assetPath: { kind: 'text', sql: ASSET_PATH },
  assetDomain: { kind: 'text', sql: 'a.asset_domain', property: 'assetDomain', lowercase: true },
  extension: { kind: 'text', sql: 'a.extension', property: 'extension', lowercase: true },
  mimeType: { kind: 'text', sql: MIME_TYPE },
  contentType: { kind: 'text', sql: 'a.content_type' },
  fileSize: { kind: 'number', sql: 'a.size', property: 'size' },
  size: { kind: 'number', sql: 'a.size', property: 'size' },
  assetCreated: { kind: 'date', sql: 'a.created_at', property: 'createdAt' },
  createdAt: { kind: 'date', sql: 'a.created_at', property: 'createdAt' },
  assetModified: { kind: 'date', sql: 'a.modified_at', property: 'modifiedAt' },
  modifiedAt: { kind: 'date', sql: 'a.modified_at', property: 'modifiedAt' },
  assetCreator: userField('created_by_id'),
  assetModifier: userField('modified_by_id'),
  checkedOutBy: userField('checked_out_by_id'),
  versionNumber: { kind: 'number', sql: 'a.version_number', property: 'versionNumber' },
  state: { kind: 'text', sql: 'a.state' },
};

/** ancestorPaths:/a/b matches everything in /a/b and below it. */
export const ANCESTOR_PATHS = 'ancestorPaths';

/** relatedTo:<id> relationTarget:child|parent|any relationType:<type> select by relation. */
export const RELATION_FIELDS = ['relatedTo', 'relationTarget', 'relationType'] as const;

const METADATA_FIELD = /^[A-Za-z_][\w.-]{0,127}$/;

export function isMetadataFieldName(name: string): boolean {
  return METADATA_FIELD.test(name);
}
