import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { assetDomainOf, extensionOf } from '../assetDomain.js';
import { User } from './User.js';

export const ASSET_STATES = ['UNSCANNED', 'CLEAN', 'INFECTED', 'UPLOADED'] as const;
export type AssetState = (typeof ASSET_STATES)[number];

export type Metadata = Record<string, unknown>;

export const Asset = defineEntity({
  name: 'Asset',
  tableName: 'assets',
  indexes: [
    { properties: ['folderPath', 'name'] },
    { properties: ['state', 'nextScanAt'] },
    { properties: ['sha256'] },
    { properties: ['blobKey'] },
  ],
  properties: {
    id: p.string().length(22).primary(),
    name: p.string().length(512),
    folderPath: p.string().length(2048),
    contentType: p.string().length(256),
    // Derived from the name and type at every write, so that search, sort and facets can use an index.
    extension: p
      .string()
      .length(64)
      .onCreate((asset: { name: string }) => extensionOf(asset.name))
      .onUpdate((asset: { name: string }) => extensionOf(asset.name)),
    assetDomain: p
      .string()
      .length(32)
      .onCreate((asset: { name: string; contentType: string }) => assetDomainOf(asset.name, asset.contentType))
      .onUpdate((asset: { name: string; contentType: string }) => assetDomainOf(asset.name, asset.contentType)),
    size: p.bigint('number'),
    md5: p.string().length(32),
    sha256: p.string().length(64),
    blobKey: p.string().length(128),
    state: p.enum(() => ASSET_STATES).$type<AssetState>(),
    scanAttempts: p.integer().default(0),
    nextScanAt: p.datetime().nullable(),
    draft: p.boolean().default(false),
    metadata: p.json<Metadata>(),
    versionNumber: p.integer(),
    checkedOutAt: p.datetime().nullable(),
    checkedOutBy: () => p.manyToOne(User).ref().nullable(),
    checkedOutOnClient: p.string().length(256).nullable(),
    redirectUrl: p.string().length(2048).nullable(),
    replacement: () => p.manyToOne(Asset).ref().nullable(),
    parentDocumentUrl: p.string().length(2048).nullable(),
    accessLimitedUserIds: p.json<string[]>(),
    accessLimitedOrganisationIds: p.json<string[]>(),
    authBypassIds: p.json<string[]>(),
    // Also unique among live assets: a partial index that only the LiveLegacyPaths migrations make (schema
    // comes from migrations alone, never from comparing entities, as with assets_deleted_index).
    legacyUrlPath: p.string().length(2048).nullable().index(),
    legacyEtag: p.string().length(256).nullable(),
    legacyLastModified: p.datetime().nullable(),
    /** When the current file was stored: the media Last-Modified and ETag are made from it. */
    fileStoredAt: p.datetime().nullable(),
    createdBy: () => p.manyToOne(User).ref().nullable(),
    modifiedBy: () => p.manyToOne(User).ref().nullable(),
    createdAt: p
      .datetime()
      .onCreate(() => new Date())
      .index(),
    modifiedAt: p
      .datetime()
      .onCreate(() => new Date())
      .index(),
    deletedAt: p.datetime().nullable(),
  },
});
export type Asset = InferEntity<typeof Asset>;

type Related = { readonly id: string };

/**
 * An asset as a request that changes nothing reads it: the entity's values, with each many-to-one only its id.
 * Every Asset entity is one too, so rules and presenters that take an AssetView serve both.
 */
export type AssetView = Omit<Asset, 'checkedOutBy' | 'replacement' | 'createdBy' | 'modifiedBy'> & {
  checkedOutBy?: Related | null;
  replacement?: Related | null;
  createdBy?: Related | null;
  modifiedBy?: Related | null;
};
