import { runCommandLine } from './commandTable.js';

// `npm run verify`: the admin CLI's `verify` (asset-gateway verify), kept under its first name.
process.exitCode = await runCommandLine(['verify', ...process.argv.slice(2)]);
