import { ClassifyQueue, InputError } from '@switchboard/core';
import type { Command } from 'commander';
import { channelReport } from '../channel-report.js';
import { redisTarget, withFeedbackStore } from '../feedback-source.js';
import { reportMarkdown, reportTable } from '../format-report.js';
import { parseSince } from '../parse-since.js';

/** Options of `switchboard report`. */
export interface ReportOptions {
  since: string;
  json?: boolean;
  md?: boolean;
}

const HELP = `
The channel report: one row per channel × model × version over the window.
  asked, answered, availability   finished jobs (answered or failed) and the answered share;
                                  failures by reason in --json/--md
  time to answer p50 / p95        from the request's arrival to its result
  rated, agreement (95% CI)       feedback records, share marked right, Wilson interval
  recommendations                 agreement below 80% with 30+ rated; p95 above the channel's
                                  target (Slack, Discord 3 s; others 10 s); availability below 99%
                                  with 20+ asked; fewer than 30 rated of 100+ answered
Reads Redis (REDIS_URL, SWITCHBOARD_QUEUE_PREFIX). Jobs come from the finished jobs the queue still
keeps: completed ones for an hour and failed ones for 7 days by default (at most 10,000 each), so
asked/answered/latency cover at most that, whatever --since says. Feedback is kept longer
(SWITCHBOARD_FEEDBACK_MAX_AGE_DAYS). See docs/feedback.md.

--json prints an array of rows: channel, model, version, asked, answered, failed, failures,
availability, time_to_answer_p50_ms, time_to_answer_p95_ms, rated, agreement, agreement_low,
agreement_high, confusion [{predicted, label, count}], recommendations.
--md prints Markdown with the confusion of corrections.
`;

/** Registers `switchboard report`. */
export function registerReportCommand(program: Command): void {
  program
    .command('report')
    .description('Report each channel × model × version: availability, time to answer, agreement.')
    .option('--since <when>', 'window start: 30m, 12h, 7d, 2w or a date', '7d')
    .option('--json', 'print the rows as JSON')
    .option('--md', 'print Markdown, with the confusion of corrections')
    .addHelpText('after', HELP)
    .action(async (options: ReportOptions) => {
      if (options.json && options.md) throw new InputError('Give --json or --md, not both.', 'format');
      const since = parseSince(options.since);
      const { redisUrl, prefix } = redisTarget();
      const queue = await ClassifyQueue.connect({ redisUrl, prefix });
      let rows: ReturnType<typeof channelReport>;
      try {
        const jobs = (await queue.finishedJobs(since)).filter((j) => j.request.createdAt >= since);
        const feedback = await withFeedbackStore((store) => store.list({ since }));
        rows = channelReport(jobs, feedback);
      } finally {
        await queue.close();
      }
      const window = `since ${new Date(since).toISOString()}`;
      if (options.json) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      else if (options.md) process.stdout.write(reportMarkdown(rows, window));
      else process.stdout.write(reportTable(rows, window));
    });
}
