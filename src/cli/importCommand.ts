import { realpath, stat } from 'node:fs/promises';
import type { RequestContext } from '../context.js';
import type { UserView } from '../db/entities/User.js';
import { BadInput } from '../errors.js';
import { assetPathOf, checkedFolderPath } from '../resolvers/folders/paths.js';
import { type Command, EXIT_FAILED, EXIT_OK, PROGRAM, UsageError } from './commandLine.js';
import { openTreeFile, readTree, sha256Of, type TreeFile } from './importTree.js';
import { type OperatorSession, viewOf, withOperatorSession } from './operatorSession.js';
import { byteCount, duration, ProgressLine } from './progressLine.js';
import { printLine, printNote } from './textOutput.js';

const DEFAULT_PROGRESS_EVERY = 100;

/*
 * The CLI scans nothing itself: run with other settings than the server's (no CLAMD_URL), it would pass files
 * unscanned. The scan queue is the assets table: a running server takes the new files within seconds, a
 * stopped one at its start, and queues their renditions once they are clean.
 */
const SCANNED_BY_THE_SERVER =
  'import: the new assets are UNSCANNED until the server scans them (at once if it runs, else when it starts)';

interface Tally {
  imported: number;
  skipped: number;
  failed: number;
  files: number;
  bytes: number;
}

/** What an import runs on, loaded when it runs: --help stays quick. */
async function loadResolvers() {
  const [{ Asset }, { findUserNamed }, { uploadAsset }, { checkedFilename }] = await Promise.all([
    import('../db/entities/Asset.js'),
    import('../resolvers/accounts/accountAdministration.js'),
    import('../resolvers/assets/assets.js'),
    import('../resolvers/assets/files.js'),
  ]);
  return { Asset, findUserNamed, uploadAsset, checkedFilename };
}
type ImportResolvers = Awaited<ReturnType<typeof loadResolvers>>;

/** Where a file of the tree goes: DIR's folders kept under the target folder. */
function placeOf(
  { checkedFilename }: ImportResolvers,
  folder: string,
  file: TreeFile,
): { folderPath: string; name: string } {
  const segments = file.path.split('/');
  const name = checkedFilename(segments.pop() as string);
  const folderPath = checkedFolderPath([folder === '/' ? '' : folder, ...segments].join('/') || '/');
  return { folderPath, name };
}

/**
 * Imported before (a rerun resumes): a live asset at the same folder and name with the same size and sha256.
 * Only when one of that size is there is the file read to hash it: a first run reads each file once.
 */
async function alreadyImported(
  { Asset }: ImportResolvers,
  ctx: RequestContext,
  file: TreeFile,
  folderPath: string,
  name: string,
): Promise<boolean> {
  const candidates = await ctx.em.find(
    Asset,
    { folderPath, name, size: file.size, deletedAt: null },
    { fields: ['sha256'], limit: 20 },
  );
  if (candidates.length === 0) return false;
  const sha256 = await sha256Of(file);
  return candidates.some((asset) => asset.sha256 === sha256);
}

async function checkedRoot(dir: string): Promise<string> {
  const info = await stat(dir).catch(() => null);
  if (!info) throw new UsageError(`DIR ${JSON.stringify(dir)} does not exist`);
  if (!info.isDirectory()) throw new UsageError(`DIR ${JSON.stringify(dir)} is not a folder`);
  return realpath(dir);
}

function checkedCount(option: string, value: unknown): number {
  if (value === undefined) return DEFAULT_PROGRESS_EVERY;
  const count = Number(value);
  if (!Number.isInteger(count) || count < 1) throw new UsageError(`${option} must be a whole number above 0`);
  return count;
}

function progressText(tally: Tally, total: { files: number; bytes: number }, startedAt: number): string {
  const seconds = (Date.now() - startedAt) / 1000;
  const rate = seconds > 0 ? tally.bytes / seconds : 0;
  const eta = rate > 0 ? (total.bytes - tally.bytes) / rate : Number.POSITIVE_INFINITY;
  return (
    `import: ${tally.files}/${total.files} files, ${byteCount(tally.bytes)}/${byteCount(total.bytes)}, ` +
    `${byteCount(rate)}/s, ETA ${duration(eta)} (imported ${tally.imported}, skipped ${tally.skipped}, failed ${tally.failed})`
  );
}

async function importFiles(
  resolvers: ImportResolvers,
  session: OperatorSession,
  files: TreeFile[],
  options: { folder: string; owner: UserView; progressEvery: number; interrupted: () => boolean },
): Promise<Tally> {
  const { owner } = options;
  const total = { files: files.length, bytes: files.reduce((sum, file) => sum + file.size, 0) };
  const tally: Tally = { imported: 0, skipped: 0, failed: 0, files: 0, bytes: 0 };
  const progress = new ProgressLine();
  const startedAt = Date.now();
  const report = (line: string) => {
    progress.end();
    printLine(line);
  };
  for (const file of files) {
    if (options.interrupted()) break;
    // A context per file, as per request: its EntityManager holds only this file's rows.
    const ctx = session.contextAs(owner);
    try {
      const { folderPath, name } = placeOf(resolvers, options.folder, file);
      if (file.size === 0) {
        tally.skipped++;
        report(`skipped ${file.path}: empty (the service stores no empty files)`);
      } else if (await alreadyImported(resolvers, ctx, file, folderPath, name)) {
        tally.skipped++;
      } else {
        const stream = await openTreeFile(file);
        // Closed also when the upload is refused before reading it.
        const asset = await resolvers
          .uploadAsset(ctx, { filename: name, stream }, { folderPath })
          .finally(() => stream.destroy());
        tally.imported++;
        if (!file.path.endsWith(`/${asset.name}`) && file.path !== asset.name) {
          report(`imported ${file.path} as ${assetPathOf(asset.folderPath, asset.name)}`);
        }
      }
    } catch (error) {
      tally.failed++;
      report(`failed ${file.path}: ${(error as Error).message}`);
    }
    tally.files++;
    tally.bytes += file.size;
    const due = tally.files % options.progressEvery === 0;
    progress.show(progressText(tally, total, startedAt), { due, final: tally.files === total.files });
  }
  progress.end();
  return tally;
}

export const importCommand: Command = {
  name: 'import',
  summary: 'Upload a folder tree, folders kept, through the same resolvers as an upload; a rerun resumes.',
  arguments: ['DIR'],
  options: {
    folder: { type: 'string' },
    as: { type: 'string' },
    'progress-every': { type: 'string' },
  },
  help: `Options:
  --folder /X            the folder to import into (default: /); DIR's folders are kept under it
  --as USERNAME          who the assets are created by, CONTRIBUTOR or above (default: ADMIN_USERNAME, admin)
  --progress-every N     off a terminal, a progress line every N files (default: ${DEFAULT_PROGRESS_EVERY})

Each file is streamed into the store as an upload is; the running server scans it and makes its
renditions (a stopped one when it starts). A file is skipped when a live asset with its folder, name, size
and sha256 is there already: rerun the same command after a stop and it resumes. Empty files and what is
not a regular file are skipped; a symbolic link leading out of DIR is refused. At the end: imported,
skipped, failed; exit code 1 if any failed.

Example:
  ${PROGRAM} import ./photos --folder /archive/photos`,
  async run({ args, options }) {
    const root = await checkedRoot(args.DIR as string);
    let folder: string;
    try {
      folder = checkedFolderPath((options.folder as string | undefined) ?? '/');
    } catch (error) {
      if (error instanceof BadInput) throw new UsageError(`--folder: ${error.message}`);
      throw error;
    }
    const progressEvery = checkedCount('--progress-every', options['progress-every']);
    const tree = await readTree(root);
    const resolvers = await loadResolvers();
    let interrupted = false;
    const onInterrupt = () => {
      interrupted = true;
      process.stderr.write('\nimport: stopping after the current file (rerun to resume)\n');
    };
    process.once('SIGINT', onInterrupt);
    process.once('SIGTERM', onInterrupt);
    try {
      return await withOperatorSession(async (session) => {
        const ownerName = (options.as as string | undefined) ?? session.config.adminUsername;
        const owner = viewOf(await resolvers.findUserNamed(session.contextAs(), ownerName));
        for (const refusal of tree.refused)
          printLine(`${refusal.failed ? 'failed' : 'skipped'} ${refusal.path}: ${refusal.reason}`);
        const tally = await importFiles(resolvers, session, tree.files, {
          folder,
          owner,
          progressEvery,
          interrupted: () => interrupted,
        });
        const refusedFailed = tree.refused.filter((refusal) => refusal.failed).length;
        const failed = tally.failed + refusedFailed;
        const skipped = tally.skipped + tree.refused.length - refusedFailed;
        const left = tree.files.length - tally.files;
        printLine(
          `imported ${tally.imported}, skipped ${skipped}, failed ${failed}` +
            (left > 0 ? `; interrupted with ${left} files left: rerun to resume` : ''),
        );
        if (tally.imported > 0) printNote(SCANNED_BY_THE_SERVER);
        return failed > 0 || left > 0 ? EXIT_FAILED : EXIT_OK;
      });
    } finally {
      process.off('SIGINT', onInterrupt);
      process.off('SIGTERM', onInterrupt);
    }
  },
};
