#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { cliVersion } from './cli-version.js';
import { registerClassifyCommand } from './commands/classify.js';
import { registerEvalCommand } from './commands/eval.js';
import { registerFeedbackCommand } from './commands/feedback.js';
import { registerModelsCommand } from './commands/models.js';
import { registerQuantizeCommand } from './commands/quantize.js';
import { registerReportCommand } from './commands/report.js';
import { registerRunCommand } from './commands/run.js';
import { registerServicesCommand } from './commands/services.js';
import { registerStartCommand } from './commands/start.js';
import { registerTrainCommand } from './commands/train.js';
import { registerWorkerCommand } from './commands/worker.js';
import { EXIT, reportError } from './report-error.js';

const program = new Command('switchboard')
  .description('Switchboard: run text classifiers where people already work.')
  .version(cliVersion(), '-V, --version', 'print the switchboard version and exit')
  // Program options only before the command: `train --version 1.2.0` is the model's version, not
  // a request for the CLI's.
  .enablePositionalOptions()
  .showHelpAfterError()
  .exitOverride();

// Each command lives in ./commands/<name>.ts and registers itself here.
registerClassifyCommand(program);
registerModelsCommand(program);
registerStartCommand(program);
registerServicesCommand(program);
registerRunCommand(program);
registerWorkerCommand(program);
registerTrainCommand(program);
registerEvalCommand(program);
registerQuantizeCommand(program);
registerFeedbackCommand(program);
registerReportCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // Help and version end with 0; every other commander error is a usage mistake.
    const benign = ['commander.helpDisplayed', 'commander.help', 'commander.version'].includes(err.code);
    process.exit(benign ? 0 : EXIT.usage);
  }
  process.exit(reportError(err));
}
