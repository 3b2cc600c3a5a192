import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';

/*
 * `node dist/src/main.js` as an operator starts it: from a working directory of the test's choosing (where a
 * `.env` may lie), with only the settings the test gives, none of the shell's (DATABASE_URL, AWS_*, ...).
 */

/** The service built by `npm run build` in this checkout. */
export const BUILT_MAIN = resolve(import.meta.dirname, '../../dist/src/main.js');

export interface MainProcess {
  child: ChildProcess;
  /** The start banner's JSON log line, once it listens; rejects with stderr if it exits first. */
  banner: Promise<Record<string, unknown>>;
  /** Every JSON log line written so far. */
  logLines: Record<string, unknown>[];
  /** Everything written to stderr so far. */
  stderr(): string;
  /** Its exit code once it has exited and its output is read to the end. */
  closed: Promise<number | null>;
  /** SIGKILL, and resolves once it has exited. */
  kill(): Promise<void>;
}

export function startMain(options: { cwd: string; env: Record<string, string>; main?: string }): MainProcess {
  const child = spawn(process.execPath, [options.main ?? BUILT_MAIN], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const closed = new Promise<number | null>((done) => child.once('close', (code) => done(code)));
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const logLines: Record<string, unknown>[] = [];
  const banner = new Promise<Record<string, unknown>>((resolveBanner, reject) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      const entry = JSON.parse(line) as Record<string, unknown>;
      logLines.push(entry);
      if (typeof entry.listening === 'string') resolveBanner(entry);
    });
    closed.then((code) => reject(new Error(`the service exited (${code}) before listening: ${stderr}`)));
  });
  return {
    child,
    banner,
    logLines,
    stderr: () => stderr,
    closed,
    async kill() {
      banner.catch(() => undefined);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await closed;
    },
  };
}

/** The process's exit code and stderr, once it has stopped by itself (a refused start). */
export async function outcomeOf(started: MainProcess): Promise<{ code: number | null; stderr: string }> {
  started.banner.catch(() => undefined);
  return { code: await started.closed, stderr: started.stderr() };
}

/** A bearer token from GraphQL `login` on the service listening at `listening`, or the response that refused. */
export async function loginAt(listening: string, username: string, password: string): Promise<string> {
  const response = await fetch(`${listening}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      query: 'mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }',
      variables: { u: username, p: password },
    }),
  });
  const body = (await response.json()) as { data?: { login?: { token: string } } };
  if (!body.data?.login) throw new Error(`login failed: ${JSON.stringify(body)}`);
  return body.data.login.token;
}
