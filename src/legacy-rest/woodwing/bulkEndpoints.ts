import type { ServerResponse } from 'node:http';
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

const background = (params: WoodwingParams) => ({ background: params.boolean('async') ?? false });

/**
 * A call with async=true is answered `{processId}`, even when its process is over by the time the answer is
 * written (a small one can be); any other as `{processedCount, errorCount}`.
 */
async function sendBulkAnswer(
  res: ServerResponse,
  params: WoodwingParams,
  run: (options: { background: boolean }) => Promise<Process>,
): Promise<void> {
  const options = background(params);
  const process = await run(options);
  sendWoodwingJson(
    res,
    200,
    options.background
      ? { processId: process.id }
      : { processedCount: process.processedCount, errorCount: process.errorCount },
  );
}

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
      await sendBulkAnswer(res, params, (options) => removeAssets(ctx, target, options));
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
      await sendBulkAnswer(res, params, (options) => updateAssets(ctx, input, options));
    },
  },

  copy: {
    async handle({ res, ctx, params }) {
      await sendBulkAnswer(res, params, (options) => copyAssets(ctx, transferOf(params), options));
    },
  },

  move: {
    async handle({ res, ctx, params }) {
      await sendBulkAnswer(res, params, (options) => moveAssets(ctx, transferOf(params), options));
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
