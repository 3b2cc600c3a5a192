import { copyFolder, moveFolder, removeFolder } from '../resolvers/folders/folderContents.js';
import { updateFolderMetadataAt } from '../resolvers/folders/folderRecords.js';
import {
  childFolders,
  createFolder,
  type FolderCreation,
  type FolderView,
  folderViewOf,
  getFolder,
} from '../resolvers/folders/folders.js';
import { lastSegmentOf, parentOf } from '../resolvers/folders/folderTree.js';
import { checkedFirst, DEFAULT_LIST_SIZE, MAX_LIST_SIZE } from '../resolvers/listSizes.js';
import { builder } from './builder.js';

export const FolderRef = builder.objectRef<FolderView>('Folder');

FolderRef.implement({
  description: 'A folder; its assets are assets(folderPath:)',
  fields: (t) => ({
    id: t.id({
      nullable: true,
      description:
        "the folder's id (as WoodWing's /api/folder shows it); null for the root and for a folder known only from the assets in it",
      resolve: (folder) => folder.id,
    }),
    path: t.exposeString('path'),
    name: t.string({
      description: 'the last segment of the path; empty for the root',
      resolve: (folder) => lastSegmentOf(folder.path),
    }),
    parentPath: t.string({
      nullable: true,
      description: 'null for the root',
      resolve: (folder) => parentOf(folder.path),
    }),
    createdAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'null for the root and for a folder known only from the assets in it',
      resolve: (folder) => folder.createdAt,
    }),
    metadata: t.field({
      type: 'JSON',
      description: 'the folder\'s own fields, e.g. {"owner": "desk"}; {} when it has none',
      resolve: (folder) => folder.metadata,
    }),
    folders: t.field({
      type: [FolderRef],
      description: `the folders directly inside, by path: the first \`first\` of them, at most ${MAX_LIST_SIZE}`,
      args: { first: t.arg.int({ defaultValue: DEFAULT_LIST_SIZE }) },
      resolve: (folder, { first }, ctx) => childFolders(ctx, folder.path, { offset: 0, limit: checkedFirst(first) }),
    }),
  }),
});

const FolderCreationEnum = builder.enumType('FolderCreation', {
  values: ['CREATED', 'ALREADY_EXISTS'] as const satisfies readonly FolderCreation[],
});

const CreateFolderResultRef = builder
  .objectRef<{ path: string; status: FolderCreation }>('CreateFolderResult')
  .implement({
    fields: (t) => ({
      path: t.exposeString('path', { description: 'as stored: without a trailing "/"' }),
      status: t.field({ type: FolderCreationEnum, resolve: (result) => result.status }),
    }),
  });

builder.queryField('folder', (t) =>
  t.field({
    type: FolderRef,
    nullable: true,
    description: 'The folder at path ("/" is the root); null when there is none',
    args: { path: t.arg.string({ required: true }) },
    resolve: (_root, { path }, ctx) => getFolder(ctx, path),
  }),
);

builder.mutationFields((t) => ({
  createFolder: t.field({
    type: CreateFolderResultRef,
    description: 'Creates the folder and those above it (CONTRIBUTOR or above); one that exists is no error',
    args: { path: t.arg.string({ required: true }) },
    resolve: (_root, { path }, ctx) => createFolder(ctx, path),
  }),
  moveFolder: t.field({
    type: FolderRef,
    description:
      'Moves or renames a folder with everything below it (EDITOR or above, or a CONTRIBUTOR who created every asset in it); CONFLICT when to exists',
    args: { from: t.arg.string({ required: true }), to: t.arg.string({ required: true }) },
    resolve: (_root, { from, to }, ctx) => moveFolder(ctx, from, to),
  }),
  copyFolder: t.field({
    type: FolderRef,
    description:
      'Copies a folder with its subfolders and the assets you may see, as new assets of yours; CONFLICT when to exists',
    args: { from: t.arg.string({ required: true }), to: t.arg.string({ required: true }) },
    resolve: (_root, { from, to }, ctx) => copyFolder(ctx, from, to),
  }),
  updateFolderMetadata: t.field({
    type: FolderRef,
    description:
      "Sets fields of the folder's metadata (CONTRIBUTOR or above): those given are set, one set to null is removed",
    args: { path: t.arg.string({ required: true }), metadata: t.arg({ type: 'JSON', required: true }) },
    resolve: async (_root, { path, metadata }, ctx) => folderViewOf(await updateFolderMetadataAt(ctx, path, metadata)),
  }),
  removeFolder: t.int({
    description: 'Deletes (softly) a folder, the folders below it and their assets; returns how many assets it deleted',
    args: { path: t.arg.string({ required: true }) },
    resolve: (_root, { path }, ctx) => removeFolder(ctx, path),
  }),
}));
