#!/usr/bin/env node
import { runCommandLine } from './commandTable.js';

// `npx asset-gateway ...` after a build: see `asset-gateway --help`.
process.exitCode = await runCommandLine(process.argv.slice(2));
