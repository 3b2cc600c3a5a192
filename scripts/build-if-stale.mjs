// `npm start`'s prestart: compiles only when dist/ is missing or older than what it is compiled from, so a fresh
// clone still starts with `npm ci && npm start` and a second start does not wait for the compiler.
// Plain JavaScript: it runs before anything is compiled, on any Node the project supports.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
// tsc writes every output on each build, so the entry point's time is the build's time.
const BUILT = join(root, 'dist/src/main.js');
const SOURCE_FOLDERS = ['src', 'scripts', 'bench'];
const SOURCE_FILES = ['tsconfig.json', 'tsconfig.build.json'];

/** The latest modification time of a TypeScript file under `folder`, or of the folder itself (a file removed). */
function newestUnder(folder) {
  let newest = statSync(folder).mtimeMs;
  for (const entry of readdirSync(folder, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name);
    if (entry.isDirectory() || entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function whyBuild() {
  if (!existsSync(BUILT)) return 'dist/ has not been built yet';
  const builtAt = statSync(BUILT).mtimeMs;
  const sources = [
    ...SOURCE_FOLDERS.map((folder) => join(root, folder)).filter(existsSync),
    ...SOURCE_FILES.map((file) => join(root, file)).filter(existsSync),
  ];
  const newest = Math.max(
    ...sources.map((path) => (statSync(path).isDirectory() ? newestUnder(path) : statSync(path).mtimeMs)),
  );
  return newest > builtAt ? 'the sources changed since dist/ was built' : undefined;
}

const reason = whyBuild();
if (reason === undefined) process.exit(0);
if (!existsSync(join(root, 'node_modules/typescript'))) {
  process.stderr.write(
    `asset-gateway: ${reason}, and TypeScript is not installed (a production install?): ` +
      'run `npm ci` (with dev dependencies) and `npm run build` where you build, then start with `node dist/src/main.js`\n',
  );
  process.exit(1);
}
process.stderr.write(`asset-gateway: ${reason}; compiling (npm run build)\n`);
const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
process.exit(build.status ?? 1);
