import { ConflictError } from '@switchboard/client';
import { InputError, SwitchboardError } from '@switchboard/core';
import type { Command } from 'commander';
import { fromClientError, serverClient } from '../server-backend.js';
import { registerFeedbackExportCommand } from './feedback-export.js';

/** Options of `switchboard feedback`. */
export interface FeedbackCommandOptions {
  server: string;
  apiKey?: string;
  index?: string;
  correct?: boolean;
}

const HELP = `
Tells a Switchboard HTTP server which label is right for a job's answer
(POST /v1/jobs/{id}/feedback). JOB_ID is the "id" of a /v1/classify answer; LABEL one of the
model's labels, or give --correct when the predicted label was right. Sending again replaces the
earlier feedback. Only the API key that created the job may rate it.

Exit codes: 0 recorded; 2 unknown job, a label the model lacks, a job not completed or past its
feedback window; 4 server unreachable.

  pnpm switchboard feedback http-0f3c... negative --server http://127.0.0.1:8080
  pnpm switchboard feedback export --since 7d > fb.tsv
`;

/** Registers `switchboard feedback` and `switchboard feedback export`. */
export function registerFeedbackCommand(program: Command): void {
  const feedback = program
    .command('feedback')
    .description('Say which label is right for an answer of the HTTP API, or export what people said.')
    .argument('[job-id]', 'the job that answered')
    .argument('[label]', 'the right label')
    .option('--correct', 'the predicted label was right (instead of LABEL)')
    .option('--index <n>', 'which text of the job, from 0', '0')
    .option('--server <url>', 'the Switchboard HTTP server', 'http://127.0.0.1:8080')
    .option('--api-key <key>', 'API key (default: $SWITCHBOARD_API_KEY)')
    .addHelpText('after', HELP)
    .action(async (jobId: string | undefined, label: string | undefined, options: FeedbackCommandOptions) => {
      if (!jobId) throw new InputError('Give the job id: switchboard feedback JOB_ID LABEL', 'job-id');
      if (label === undefined && !options.correct)
        throw new InputError(
          'Give the right LABEL, or --correct when the predicted label was right.',
          'label',
        );
      if (label !== undefined && options.correct)
        throw new InputError('Give either LABEL or --correct, not both.', 'label');
      const index = Number(options.index ?? '0');
      if (!Number.isInteger(index) || index < 0) throw new InputError('--index must be 0 or more.', 'index');
      const client = serverClient({
        url: options.server,
        apiKey: options.apiKey ?? process.env.SWITCHBOARD_API_KEY,
        timeoutMs: 30_000,
      });
      try {
        const receipt = await client.feedback(jobId, label ?? { correct: true }, { index });
        const verdict = receipt.correct ? 'right' : `wrong (predicted ${receipt.predicted})`;
        process.stdout.write(
          `Recorded ${receipt.label} for ${receipt.id}${index ? ` text ${index}` : ''}: the answer was ${verdict}${receipt.replaced ? '; your earlier feedback was replaced' : ''}.\n`,
        );
      } catch (err) {
        if (err instanceof ConflictError) throw new SwitchboardError('invalid_input', err.message);
        throw fromClientError(err, options.server);
      }
    });
  registerFeedbackExportCommand(feedback);
}
