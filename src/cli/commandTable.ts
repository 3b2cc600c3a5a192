import { ConfigError, loadEnvFile } from '../config.js';
import { DomainError } from '../errors.js';
import {
  type Command,
  EXIT_FAILED,
  EXIT_OK,
  EXIT_USAGE,
  helpOf,
  PROGRAM,
  parseCommandLine,
  UsageError,
  usageLine,
} from './commandLine.js';
import { importCommand } from './importCommand.js';
import { storeCommands } from './storeCommands.js';
import { tokenCommands } from './tokenCommands.js';
import { userCommands } from './userCommands.js';

/** Every subcommand, by the words that name it. Each loads what it runs on only when run: --help stays quick. */
const COMMANDS: readonly Command[] = [...userCommands, ...tokenCommands, importCommand, ...storeCommands];

const GROUPS = new Set(COMMANDS.filter((command) => command.name.includes(' ')).map((c) => c.name.split(' ')[0]));

function overview(commands: readonly Command[], title: string): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  const lines = commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`);
  return `${title}\n\nCommands:\n${lines.join('\n')}\n\nRun '${PROGRAM} <command> --help' for a command's options and an example.\n`;
}

const TOP_HELP = `The admin CLI of asset-gateway: users, API tokens, imports, blob verification, migrations.
It uses the server's settings (DATA_DIR, DATABASE_URL, STORAGE_URL, ...; see the README) and may run beside a
running server on the same data.

Usage: ${PROGRAM} <command> [arguments] [options]
       ${PROGRAM} help [command]
Exit codes: 0 done, 1 failed, 2 wrong command line.

Example:
  DATA_DIR=/srv/asset-gateway ${PROGRAM} users add alice --role EDITOR`;

/** Which command the words name, and the arguments left for it. */
function commandOf(argv: readonly string[]): { command: Command; rest: string[] } | { help: string } {
  const [first, second] = argv;
  // `help users add`: npx takes a --help after the command name for its own.
  if (first === 'help') return commandOf([...argv.slice(1), '--help']);
  if (first === undefined || first === '--help' || first === '-h') return { help: overview(COMMANDS, TOP_HELP) };
  if (GROUPS.has(first)) {
    const group = COMMANDS.filter((command) => command.name.startsWith(`${first} `));
    const groupHelp = overview(group, `${PROGRAM} ${first}: ${group.map((c) => c.name.split(' ')[1]).join(', ')}`);
    if (second === undefined || second === '--help' || second === '-h') return { help: groupHelp };
    const command = group.find((candidate) => candidate.name === `${first} ${second}`);
    if (!command) throw new UsageError(`unknown command '${first} ${second}' (see ${PROGRAM} ${first} --help)`);
    return { command, rest: argv.slice(2) };
  }
  const command = COMMANDS.find((candidate) => candidate.name === first);
  if (!command) throw new UsageError(`unknown command '${first}' (see ${PROGRAM} --help)`);
  return { command, rest: argv.slice(1) };
}

/** Runs one command line; answers the exit code. Nothing is thrown: every failure is one line on stderr. */
export async function runCommandLine(argv: readonly string[]): Promise<number> {
  let command: Command | undefined;
  try {
    const found = commandOf(argv);
    if ('help' in found) {
      process.stdout.write(found.help);
      return EXIT_OK;
    }
    command = found.command;
    const parsed = parseCommandLine(command, found.rest);
    if (!parsed) {
      process.stdout.write(helpOf(command));
      return EXIT_OK;
    }
    // The same settings as the service it works on: .env (or ENV_FILE) first, the environment winning.
    loadEnvFile();
    return await command.run(parsed);
  } catch (error) {
    const prefix = command ? `${PROGRAM} ${command.name}` : PROGRAM;
    if (error instanceof UsageError) {
      const usage = command ? ` (usage: ${usageLine(command)}; see --help)` : '';
      process.stderr.write(`${prefix}: ${error.message}${usage}\n`);
      return EXIT_USAGE;
    }
    // What the operator can act on is said as it is; anything else without its stack, SQL or paths.
    const known = error instanceof DomainError || error instanceof ConfigError;
    const { DriverException } = await import('@mikro-orm/core');
    const said = error instanceof DriverException ? `the database failed (${error.name})` : (error as Error).message;
    process.stderr.write(`${prefix}: ${known ? said : `failed: ${said}`}\n`);
    return EXIT_FAILED;
  }
}
