import type { App } from '@slack/bolt';
import type { ClassifyIntake } from './classify-intake.js';
import type { ResponseVisibility } from './slack-config.js';

/**
 * `/classify [model] text`: queued and acknowledged with an ephemeral note inside Slack's 3 s; the
 * answer follows through the `response_url`. Help, usage and refusals are the acknowledgement.
 */
export function registerSlashCommand(
  app: App,
  options: {
    command: string;
    visibility: ResponseVisibility;
    intake: ClassifyIntake;
    track: <T>(work: Promise<T>, kind: string) => Promise<T>;
  },
): void {
  app.command(options.command, async ({ command, ack, context }) => {
    const outcome = await options.track(
      options.intake.handle({
        text: command.text ?? '',
        parseModel: true,
        eventKey: [command.team_id, command.trigger_id],
        user: { id: command.user_id, name: command.user_name, team: command.team_id },
        retry: context.retryNum !== undefined,
        replyTo: {
          kind: 'command',
          team_id: command.team_id,
          channel_id: command.channel_id,
          user_id: command.user_id,
          response_url: command.response_url,
          visibility: options.visibility,
        },
      }),
      'command',
    );
    await ack({ response_type: 'ephemeral', ...outcome.message });
  });
}
