import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/*
 * `npm start`'s prestart, scripts/build-if-stale.mjs, in a small project of its own whose `build` script only
 * leaves a mark: it builds when dist/ is missing or older than a source, and otherwise starts at once.
 */

const SCRIPT = resolve(import.meta.dirname, '../scripts/build-if-stale.mjs');
const BUILD_MARK = 'built-by-npm-run-build';
const AN_HOUR_AGO = new Date(Date.now() - 3_600_000);
const A_DAY_AGO = new Date(Date.now() - 86_400_000);

let folder: string;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'asset-gateway-build-if-stale-'));
});
afterAll(() => rm(folder, { recursive: true, force: true }));

/** A project with src/main.ts, the script, a `build` that marks it was run, and dist/ if `builtAt` is given. */
async function project(options: { builtAt?: Date; sourcesAt: Date; compiler: boolean }): Promise<string> {
  const root = await mkdtemp(join(folder, 'project-'));
  await mkdir(join(root, 'scripts'));
  await cp(SCRIPT, join(root, 'scripts/build-if-stale.mjs'));
  const build = `node -e "require('fs').writeFileSync('${BUILD_MARK}', '')"`;
  await writeFile(join(root, 'package.json'), JSON.stringify({ name: 'project', scripts: { build } }));
  await mkdir(join(root, 'src'));
  await writeFile(join(root, 'src/main.ts'), 'export {};\n');
  await utimes(join(root, 'src/main.ts'), options.sourcesAt, options.sourcesAt);
  for (const folderOfSources of ['src', 'scripts']) {
    await utimes(join(root, folderOfSources), options.sourcesAt, options.sourcesAt);
  }
  if (options.compiler) await mkdir(join(root, 'node_modules/typescript'), { recursive: true });
  if (options.builtAt) {
    await mkdir(join(root, 'dist/src'), { recursive: true });
    await writeFile(join(root, 'dist/src/main.js'), 'export {};\n');
    await utimes(join(root, 'dist/src/main.js'), options.builtAt, options.builtAt);
  }
  return root;
}

/** Runs the script in `root`: its exit code, its stderr, and whether it ran `npm run build`. */
async function buildIfStale(root: string): Promise<{ code: number | null; stderr: string; built: boolean }> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));
  const child = spawn(process.execPath, [join(root, 'scripts/build-if-stale.mjs')], { cwd: root, env });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  child.stdout.resume();
  const code = await new Promise<number | null>((done) => child.once('close', done));
  return { code, stderr, built: existsSync(join(root, BUILD_MARK)) };
}

describe('npm start (build-if-stale)', () => {
  it('builds when dist/ has not been built', async () => {
    const outcome = await buildIfStale(await project({ sourcesAt: AN_HOUR_AGO, compiler: true }));
    expect(outcome).toMatchObject({ code: 0, built: true });
    expect(outcome.stderr).toContain('dist/ has not been built yet; compiling (npm run build)');
  });

  it('does not build when dist/ is newer than every source', async () => {
    const root = await project({ builtAt: AN_HOUR_AGO, sourcesAt: A_DAY_AGO, compiler: true });
    expect(await buildIfStale(root)).toEqual({ code: 0, stderr: '', built: false });
  });

  it('builds when a source changed after dist/ was built', async () => {
    const root = await project({ builtAt: A_DAY_AGO, sourcesAt: AN_HOUR_AGO, compiler: true });
    const outcome = await buildIfStale(root);
    expect(outcome).toMatchObject({ code: 0, built: true });
    expect(outcome.stderr).toContain('the sources changed since dist/ was built');
  });

  it('stops with exit code 1 and says to build, when dist/ is stale and no compiler is installed', async () => {
    const root = await project({ builtAt: A_DAY_AGO, sourcesAt: AN_HOUR_AGO, compiler: false });
    const outcome = await buildIfStale(root);
    expect(outcome).toMatchObject({ code: 1, built: false });
    expect(outcome.stderr).toContain('TypeScript is not installed');
    expect(outcome.stderr).toContain('npm run build');
  });
});
