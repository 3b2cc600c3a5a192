import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { delimiter, dirname, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChildServer, type ChildServerData, childServerData } from './support/childServer.js';
import { ADMIN } from './support/testServer.js';

/*
 * The README's "Using it" examples are scripts/try-it.sh (issue 18): the script runs them in order against a
 * fresh server (the built one, `npm run build`), and its example blocks are the README's, word for word.
 */

const ROOT = resolve(import.meta.dirname, '..');
const SCRIPT = resolve(ROOT, 'scripts/try-it.sh');
/** Subsections of "Using it" whose blocks start or set up a server rather than talk to one. */
const NOT_RUN_AGAINST_A_SERVER = ['Virus scanning with ClamAV'];
/** A whole run on a loaded machine takes under a minute; this only ends a hung one. */
const RUN_TIMEOUT_MS = 240_000;

interface CodeBlock {
  language: string;
  code: string;
  subsection: string;
}

/** The fenced blocks of the README's "Using it" section, each with its indentation (inside a list) removed. */
async function usingItBlocks(): Promise<CodeBlock[]> {
  const readme = await readFile(resolve(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('\n## Using it\n');
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end);
  const blocks: CodeBlock[] = [];
  let subsection = '';
  const fence = /^(?:### (.+)|( *)```(\w*)\n([\s\S]*?)\n\2```)$/gm;
  for (const match of section.matchAll(fence)) {
    if (match[1] !== undefined) {
      subsection = match[1];
      continue;
    }
    const indent = match[2] ?? '';
    const code = (match[4] ?? '')
      .split('\n')
      .map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line))
      .join('\n');
    blocks.push({ language: match[3] ?? '', code, subsection });
  }
  return blocks;
}

async function scriptExamples(): Promise<string[]> {
  const script = await readFile(SCRIPT, 'utf8');
  return [...script.matchAll(/run <<'EXAMPLE'\n([\s\S]*?)\nEXAMPLE\n/g)].map((match) => match[1] ?? '');
}

interface ScriptRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runTryIt(baseUrl: string, password: string): Promise<ScriptRun> {
  return new Promise((done, reject) => {
    const child = spawn('bash', [SCRIPT], {
      env: {
        // The node running the tests first: the script's `node -e` must not find an older one.
        PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`,
        HOME: process.env.HOME ?? '/tmp',
        BASE_URL: baseUrl,
        ADMIN_USERNAME: ADMIN.username,
        ADMIN_PASSWORD: password,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS - 10_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

describe('README examples and scripts/try-it.sh', () => {
  it('holds every sh block of "Using it" word for word as the script runs it, in the same order', async () => {
    const readmeExamples = (await usingItBlocks())
      .filter((block) => block.language === 'sh' && !NOT_RUN_AGAINST_A_SERVER.includes(block.subsection))
      .map((block) => block.code);
    expect(readmeExamples.length).toBeGreaterThan(20);
    expect(readmeExamples).toEqual(await scriptExamples());
  });

  it('writes every example of "Using it" as a sh block, so that the script runs it', async () => {
    const otherLanguages = (await usingItBlocks())
      .filter((block) => block.language !== 'sh')
      .map((block) => `${block.subsection}: ${block.language}`);
    expect(otherLanguages).toEqual([]);
  });

  describe('against a fresh server', () => {
    let data: ChildServerData;
    let server: ChildServer;

    beforeAll(async () => {
      data = await childServerData();
      server = await data.start();
    });

    afterAll(() => data?.remove());

    it(
      'runs every example and ends with "all examples ran"',
      async () => {
        const run = await runTryIt(server.url, ADMIN.password);
        expect(run.stderr).not.toContain('FAILED');
        expect(run.code).toBe(0);
        expect(run.stdout.trimEnd().split('\n').at(-1)).toBe(`try-it: all examples ran against ${server.url}`);
      },
      RUN_TIMEOUT_MS,
    );

    it(
      'stops at the login with a wrong password, exits non-zero and names that step',
      async () => {
        const run = await runTryIt(server.url, 'not-the-admin-password');
        expect(run.code).not.toBe(0);
        expect(run.stderr).toContain('try-it: FAILED at step "GraphQL: log in"');
        expect(run.stdout).not.toContain('all examples ran');
      },
      RUN_TIMEOUT_MS,
    );
  });
});
