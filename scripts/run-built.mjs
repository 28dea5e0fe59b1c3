#!/usr/bin/env node
// Runs a compiled entry point of the workspace (`pnpm switchboard`, `pnpm bench`), building first
// when a source is newer than its build: `node scripts/run-built.mjs plugins/cli/dist/main.js --help`.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildIfStale, ROOT } from './lib/build-if-stale.mjs';

const [entryArg, ...args] = process.argv.slice(2);
if (!entryArg) {
  process.stderr.write('usage: node scripts/run-built.mjs <compiled entry> [args...]\n');
  process.exit(2);
}
const entry = resolve(ROOT, entryArg);

if (!buildIfStale()) {
  process.stderr.write('The build failed (errors above): fix them, then run the command again.\n');
  process.exit(1);
}
if (!existsSync(entry)) {
  process.stderr.write(`${entryArg} does not exist: build the workspace with \`pnpm build\`.\n`);
  process.exit(1);
}
// Run the entry in this process, as `node <entry> args...` would: one Node start-up, and signals
// (Ctrl-C, SIGTERM) reach it directly.
process.argv = [process.argv[0], entry, ...args];
await import(pathToFileURL(entry).href);
