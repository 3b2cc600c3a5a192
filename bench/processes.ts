// Child processes for the benchmark: starting them, waiting for them to listen, stopping them, and their RSS.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Child {
  process: ChildProcess;
  pid: number;
  url: string;
}

const running = new Set<ChildProcess>();

export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  if (!address || typeof address === 'string') throw new Error('no port from the probe server');
  return address.port;
}

/** Starts `node <script>` with `env` added and PORT set, and waits until `readyPath` answers 200. */
export async function startNode(script: string, env: Record<string, string>, readyPath: string): Promise<Child> {
  const port = await freePort();
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  if (child.pid === undefined) throw new Error(`could not start ${script}`);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${script} exited with code ${child.exitCode} before it listened`);
    const ok = await fetch(url + readyPath).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return { process: child, pid: child.pid, url };
    if (Date.now() > deadline) throw new Error(`${script} did not answer ${readyPath} within 30 s`);
    await sleep(100);
  }
}

/** SIGTERM, then SIGKILL if the child is still there after 5 s. */
export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

export async function stopAll(): Promise<void> {
  await Promise.all([...running].map(stop));
}

/** For a signal handler: no waiting. */
export function killAllNow(): void {
  for (const child of running) child.kill('SIGKILL');
}

const MIB = 1024 * 1024;

/** The resident set size of a process, in MiB, from /proc/<pid>/status. */
export function rssMiB(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match?.[1]) throw new Error(`no VmRSS for process ${pid}`);
  return (Number(match[1]) * 1024) / MIB;
}

export interface RssSamples {
  peak: number;
  median: number;
  count: number;
}

/** Runs `work` while sampling a process' RSS every `intervalMs`; the samples' peak and median, in MiB. */
export async function whileSamplingRss<T>(
  pid: number,
  work: () => Promise<T>,
  intervalMs = 20,
): Promise<{ value: T; rss: RssSamples }> {
  const samples: number[] = [];
  const sample = () => {
    try {
      samples.push(rssMiB(pid));
    } catch {
      // The process is gone; `work` will say why.
    }
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  try {
    const value = await work();
    sample();
    const sorted = samples.sort((a, b) => a - b);
    const rss = { peak: sorted.at(-1) ?? 0, median: sorted[Math.floor(sorted.length / 2)] ?? 0, count: samples.length };
    return { value, rss };
  } finally {
    clearInterval(timer);
  }
}

/** Runs a command to completion; its stdout, or an error with its stderr. */
export function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    child.stderr.on('data', (chunk) => {
      err += chunk;
    });
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${command} exited with ${code}: ${err.trim()}`)),
    );
  });
}
