import type { Command } from 'commander';
import { withFeedbackStore } from '../feedback-source.js';
import { parseSince } from '../parse-since.js';

/** Options of `switchboard feedback export`. */
export interface FeedbackExportOptions {
  model?: string;
  channel?: string;
  since?: string;
}

const HELP = `
Writes the feedback records that kept their text as the trainer's TSV (a "label<TAB>text" header,
then one example a line; the label is the one people gave), ready for
"pnpm switchboard train --data fb.tsv". Tabs and line breaks inside a text become spaces.
Reads Redis (REDIS_URL, SWITCHBOARD_QUEUE_PREFIX) directly. Records of channels that keep no
text are left out; the count exported and left out goes to stderr.

  pnpm switchboard feedback export --model sentiment --since 7d > fb.tsv
`;

/** Registers `switchboard feedback export`. */
export function registerFeedbackExportCommand(feedback: Command): void {
  feedback
    .command('export')
    .description('Write feedback as label<TAB>text training data to stdout.')
    .option('--model <model>', 'only this model (name, or name@version)')
    .option('--channel <channel>', 'only this channel (http, slack, ...)')
    .option('--since <when>', 'only feedback since then: 30m, 12h, 7d, 2w or a date')
    .addHelpText('after', HELP)
    .action(async (options: FeedbackExportOptions) => {
      const since = options.since === undefined ? undefined : parseSince(options.since);
      const records = await withFeedbackStore((store) =>
        store.list({
          ...(since !== undefined ? { since } : {}),
          ...(options.model ? { model: options.model } : {}),
          ...(options.channel ? { channel: options.channel } : {}),
        }),
      );
      const lines = ['label\ttext'];
      let withoutText = 0;
      for (const r of records) {
        const text = r.text?.replace(/[\t\r\n]+/g, ' ').trim();
        if (!text) {
          withoutText++;
          continue;
        }
        lines.push(`${r.label}\t${text}`);
      }
      process.stdout.write(`${lines.join('\n')}\n`);
      process.stderr.write(
        `Exported ${lines.length - 1} example(s)${withoutText ? `; ${withoutText} record(s) kept no text` : ''}.\n`,
      );
    });
}
