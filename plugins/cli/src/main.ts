#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { registerClassifyCommand } from './commands/classify.js';
import { registerModelsCommand } from './commands/models.js';
import { reportError } from './report-error.js';

const program = new Command('switchboard')
  .description('Switchboard: run text classifiers where people already work.')
  .showHelpAfterError()
  .exitOverride();

// Each command lives in ./commands/<name>.ts and registers itself here.
registerClassifyCommand(program);
registerModelsCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode);
  process.exit(reportError(err));
}
