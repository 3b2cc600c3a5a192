import type { Process } from '../../db/entities/Process.js';
import { BadInput } from '../../errors.js';
import { removeAssets } from '../../resolvers/bulk/bulkRemove.js';
import { updateAssets } from '../../resolvers/bulk/bulkUpdate.js';
import { copyAssets, moveAssets, type TransferInput } from '../../resolvers/bulk/pathTransfers.js';
import { cancelProcess, getProcess } from '../../resolvers/bulk/processes.js';
import type { Endpoint } from './endpoint.js';
import { metadataOf } from './metadataParams.js';
import type { WoodwingParams } from './params.js';
import { sendWoodwingJson } from './responses.js';

/** A finished process as `{processedCount, errorCount}`; one started with async=true as `{processId}`. */
function bulkAnswer(process: Process) {
  return process.status === 'RUNNING'
    ? { processId: process.id }
    : { processedCount: process.processedCount, errorCount: process.errorCount };
}

const background = (params: WoodwingParams) => ({ background: params.boolean('async') ?? false });

function transferOf(params: WoodwingParams): TransferInput {
  const source = params.string('source');
  const target = params.string('target');
  if (!source || !target) throw new BadInput('source and target are required: an asset path or a folder path each');
  return {
    source,
    target,
    folderReplacePolicy: params.string('folderReplacePolicy'),
    fileReplacePolicy: params.string('fileReplacePolicy'),
    filterQuery: params.string('filterQuery'),
    flattenFolders: params.boolean('flattenFolders'),
  };
}

/** How a process is doing, for process/info and process/cancel; the counts so far while it runs. */
function processInfoOf(process: Process) {
  return {
    processId: process.id,
    operation: process.operation,
    status: process.status,
    finished: process.status !== 'RUNNING',
    cancelRequested: process.cancelRequested,
    processedCount: process.processedCount,
    errorCount: process.errorCount,
    startedAt: process.startedAt.getTime(),
    ...(process.finishedAt ? { finishedAt: process.finishedAt.getTime() } : {}),
    ...(process.message ? { message: process.message } : {}),
  };
}

function processIdOf(params: WoodwingParams): string {
  const id = params.string('processId');
  if (!id) throw new BadInput('processId is required: the processId that a call with async=true answered');
  return id;
}

/** WoodWing's calls that change many assets at once, each waiting for the end or, with async=true, not. */
export const bulkEndpoints = {
  remove: {
    async handle({ res, ctx, params }) {
      const target = { query: params.string('q'), ids: params.list('ids'), folderPath: params.string('folderPath') };
      sendWoodwingJson(res, 200, bulkAnswer(await removeAssets(ctx, target, background(params))));
    },
  },

  updatebulk: {
    async handle({ res, ctx, params }) {
      const query = params.string('q');
      if (!query) throw new BadInput('q is required: the query that finds the assets to change');
      const input = {
        query,
        metadata: metadataOf(params, ['q', 'async', 'parseMetadataModifications']),
        parseMetadataModifications: params.boolean('parseMetadataModifications') ?? true,
      };
      sendWoodwingJson(res, 200, bulkAnswer(await updateAssets(ctx, input, background(params))));
    },
  },

  copy: {
    async handle({ res, ctx, params }) {
      sendWoodwingJson(res, 200, bulkAnswer(await copyAssets(ctx, transferOf(params), background(params))));
    },
  },

  move: {
    async handle({ res, ctx, params }) {
      sendWoodwingJson(res, 200, bulkAnswer(await moveAssets(ctx, transferOf(params), background(params))));
    },
  },

  'process/info': {
    async handle({ res, ctx, params }) {
      sendWoodwingJson(res, 200, processInfoOf(await getProcess(ctx, processIdOf(params))));
    },
  },

  'process/cancel': {
    async handle({ res, ctx, params }) {
      sendWoodwingJson(res, 200, processInfoOf(await cancelProcess(ctx, processIdOf(params))));
    },
  },
} satisfies Record<string, Endpoint>;
