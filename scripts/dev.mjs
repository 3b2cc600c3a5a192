// `npm run dev`: the compiler in watch mode, and the service restarted by `node --watch` whenever its compiled
// files change. Its JSON log is made readable by pino-pretty when stdout is a terminal; piped elsewhere it stays
// JSON, as in production.
// Compiled output rather than Node's type stripping: the sources import `./x.js` for `./x.ts`, which only the
// compiler maps (Node would need `.ts` in every import).
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const TSC = join(root, 'node_modules/.bin/tsc');
const MAIN = join(root, 'dist/src/main.js');
const children = [];

function stopAll(code) {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  process.exitCode = code;
}
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => stopAll(0));

async function prettyLog() {
  const { default: pinoPretty } = await import('pino-pretty');
  return pinoPretty({ colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' });
}

let service;
async function startService() {
  const pretty = process.stdout.isTTY ? await prettyLog() : undefined;
  service = spawn(process.execPath, ['--watch', '--watch-preserve-output', MAIN], {
    cwd: root,
    stdio: ['inherit', pretty ? 'pipe' : 'inherit', 'inherit'],
  });
  children.push(service);
  if (pretty) service.stdout.pipe(pretty);
  service.once('exit', (code) => stopAll(code ?? 0));
}

const compiler = spawn(TSC, ['-p', 'tsconfig.build.json', '--watch', '--preserveWatchOutput'], {
  cwd: root,
  stdio: ['ignore', 'pipe', 'inherit'],
});
children.push(compiler);
compiler.once('exit', (code) => stopAll(code ?? 1));
for await (const line of createInterface({ input: compiler.stdout })) {
  if (line.trim() !== '') process.stderr.write(`tsc: ${line}\n`);
  // The first build is done (with or without type errors: the JavaScript is written either way).
  if (service === undefined && /Found \d+ errors?\./.test(line)) await startService();
}
