import type { App } from '@slack/bolt';
import type { Logger } from 'pino';
import type { ClassifyIntake } from './classify-intake.js';
import { stripLeadingMentions } from './slack-text.js';

/**
 * `@Switchboard [model] text`: answered in the thread of the mention, for everyone there.
 * Refusals (help, usage, limits) go to the person only. Slack retries an event it thinks was
 * missed; the job id comes from its `event_id`, so a retry never classifies twice.
 */
export function registerAppMention(
  app: App,
  options: { intake: ClassifyIntake; log: Logger; track: <T>(work: Promise<T>, kind: string) => Promise<T> },
): void {
  app.event('app_mention', async ({ event, body, context, client }) => {
    if (!event.user) return;
    const bot = context.botUserId;
    // Only the app's own mention goes: others (`@ann is rude`) are part of the text.
    const text = bot
      ? event.text.replaceAll(new RegExp(`<@${bot}(?:\\|[^>]*)?>`, 'g'), ' ')
      : stripLeadingMentions(event.text);
    const thread_ts = event.thread_ts ?? event.ts;
    const team = body.team_id;
    const outcome = await options.track(
      options.intake.handle({
        text,
        parseModel: true,
        eventKey: body.event_id ? [body.event_id] : [team, event.channel, event.client_msg_id ?? event.ts],
        user: { id: event.user, team },
        retry: context.retryNum !== undefined,
        replyTo: {
          kind: 'mention',
          team_id: team,
          channel_id: event.channel,
          user_id: event.user,
          thread_ts,
          visibility: 'in_channel',
        },
      }),
      'mention',
    );
    if (outcome.queued) return;
    await client.chat
      .postEphemeral({ channel: event.channel, user: event.user, thread_ts, ...outcome.message })
      .catch((err: Error) => options.log.warn({ err: err.message }, 'could not tell the person why'));
  });
}
