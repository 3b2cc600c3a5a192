import { FILE_REPLACE_POLICIES, FOLDER_REPLACE_POLICIES, moveAssets } from '../../resolvers/bulk/pathTransfers.js';
import { builder } from '../builder.js';
import { ProcessRef } from '../Process.js';

const FolderReplacePolicyEnum = builder.enumType('FolderReplacePolicy', {
  description: 'When the target folder exists: AUTO_RENAME to <target>-1, MERGE into it, or THROW_EXCEPTION (CONFLICT)',
  values: FOLDER_REPLACE_POLICIES,
});

const FileReplacePolicyEnum = builder.enumType('FileReplacePolicy', {
  description:
    'When an asset of the same name is at the target: AUTO_RENAME to name-1.ext; OVERWRITE deletes (softly) the one there; OVERWRITE_IF_NEWER only when the source file is newer, else leaves both; REMOVE_SOURCE keeps the one there and deletes the source; THROW_EXCEPTION counts an error; DO_NOTHING leaves both',
  values: FILE_REPLACE_POLICIES,
});

export const TransferAssetsInput = builder.inputType('TransferAssetsInput', {
  fields: (t) => ({
    source: t.string({ required: true, description: 'an asset path (/Photos/a.jpg) or a folder path' }),
    target: t.string({
      required: true,
      description: "an asset's new path, or a folder that exists to put it in; a folder's new path",
    }),
    folderReplacePolicy: t.field({ type: FolderReplacePolicyEnum, defaultValue: 'AUTO_RENAME' }),
    fileReplacePolicy: t.field({ type: FileReplacePolicyEnum, defaultValue: 'AUTO_RENAME' }),
    filterQuery: t.string({ description: 'only the source assets this query finds' }),
    flattenFolders: t.boolean({
      defaultValue: false,
      description: 'every asset of the source folder and below lands directly in the target folder',
    }),
  }),
});

builder.mutationField('moveAssets', (t) =>
  t.field({
    type: ProcessRef,
    description:
      'Moves or renames an asset or a folder with everything in it (within one folder it is a rename); each asset you may not move counts as an error. With async: true it goes on in the background',
    args: {
      input: t.arg({ type: TransferAssetsInput, required: true }),
      async: t.arg.boolean({ defaultValue: false }),
    },
    resolve: (_root, { input, async }, ctx) => moveAssets(ctx, input, { background: async }),
  }),
);
