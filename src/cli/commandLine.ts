import { type ParseArgsOptionsConfig, parseArgs } from 'node:util';
import { isWellFormedId } from '../ids.js';

/** A command line that names something wrong: one line on stderr, exit code 2. */
export class UsageError extends Error {}

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

export interface ParsedArguments {
  /** The positional arguments, by the names the command gives them. */
  args: Record<string, string | undefined>;
  options: Record<string, string | boolean | undefined>;
}

/** One subcommand: what it takes, its help text, and what it does (its exit code). */
export interface Command {
  /** As typed: `users add`, `import`. */
  name: string;
  summary: string;
  /** Positional arguments; a name ending in `?` is optional. */
  arguments: readonly string[];
  options: ParseArgsOptionsConfig;
  /** The lines after `Usage:`: the options, one a line, and an example. */
  help: string;
  run(parsed: ParsedArguments): Promise<number>;
}

export const PROGRAM = 'asset-gateway';

export function usageLine(command: Command): string {
  const args = command.arguments.map((name) => (name.endsWith('?') ? `[${name.slice(0, -1)}]` : name));
  return [PROGRAM, command.name, ...args, Object.keys(command.options).length > 0 ? '[options]' : '']
    .filter(Boolean)
    .join(' ');
}

export function helpOf(command: Command): string {
  return `${command.summary}\n\nUsage: ${usageLine(command)}\n\n${command.help.trim()}\n`;
}

/** node:util's messages, shortened to name the one wrong argument. */
function usageErrorOf(error: unknown): unknown {
  const { code, message } = error as { code?: string; message: string };
  const quoted = /'([^']+)'/.exec(message)?.[1]?.split(' ')[0];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return new UsageError(`unknown option ${quoted}`);
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    return new UsageError(
      message.includes('argument missing') ? `option ${quoted} needs a value` : `option ${quoted} takes no value`,
    );
  }
  return error;
}

/** Parses the arguments after the command's name; `--help` is answered by the caller (null here). */
export function parseCommandLine(command: Command, argv: readonly string[]): ParsedArguments | null {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    // One id in 64 begins with a dash, which parseArgs takes for options.
    const dashedId = argv.find((arg) => arg.startsWith('-') && isWellFormedId(arg));
    if (dashedId) throw new UsageError(`${dashedId} was read as options: an ID that begins with - goes after --`);
    throw usageErrorOf(error);
  }
  if (parsed.values.help) return null;
  const { positionals } = parsed;
  const required = command.arguments.filter((name) => !name.endsWith('?'));
  if (positionals.length < required.length) throw new UsageError(`missing ${required[positionals.length]}`);
  if (positionals.length > command.arguments.length) {
    throw new UsageError(`unexpected argument ${JSON.stringify(positionals[command.arguments.length])}`);
  }
  const args: Record<string, string | undefined> = {};
  for (const [index, name] of command.arguments.entries()) args[name.replace(/\?$/, '')] = positionals[index];
  return { args, options: parsed.values as ParsedArguments['options'] };
}

const DURATION_UNITS_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `30d`, `12h`, `90m`, `2w`: a duration in milliseconds. */
export function parseDuration(option: string, text: string): number {
  const match = /^(\d{1,6})([mhdw])$/.exec(text.trim());
  const amount = Number(match?.[1] ?? 0);
  if (!match || amount === 0) {
    throw new UsageError(`${option} must be a number and a unit (m, h, d or w), e.g. 30d; not ${JSON.stringify(text)}`);
  }
  return amount * (DURATION_UNITS_MS[match[2] as string] as number);
}
