import type { App, MessageShortcut } from '@slack/bolt';
import type { Logger } from 'pino';
import type { ClassifyIntake } from './classify-intake.js';

/**
 * The "Classify message" shortcut: the chosen message's whole text goes to the default model and
 * the answer comes privately, in that message's thread. Refusals come at once through the
 * shortcut's `response_url`, which needs no channel membership.
 */
export function registerMessageShortcut(
  app: App,
  options: {
    callbackId: string;
    intake: ClassifyIntake;
    log: Logger;
    track: <T>(work: Promise<T>, kind: string) => Promise<T>;
  },
): void {
  app.shortcut<MessageShortcut>(
    { callback_id: options.callbackId, type: 'message_action' },
    async ({ shortcut, ack, respond, context }) => {
      await ack();
      const message = shortcut.message;
      const team = shortcut.team?.id ?? shortcut.user.team_id;
      const outcome = await options.track(
        options.intake.handle({
          text: message.text ?? '',
          parseModel: false,
          eventKey: [team ?? '', shortcut.trigger_id],
          user: { id: shortcut.user.id, name: shortcut.user.name, ...(team ? { team } : {}) },
          retry: context.retryNum !== undefined,
          replyTo: {
            kind: 'shortcut',
            ...(team ? { team_id: team } : {}),
            channel_id: shortcut.channel.id,
            user_id: shortcut.user.id,
            response_url: shortcut.response_url,
            thread_ts: (message.thread_ts as string | undefined) ?? message.ts,
            visibility: 'ephemeral',
          },
        }),
        'shortcut',
      );
      if (outcome.queued) return;
      await respond({ response_type: 'ephemeral', replace_original: false, ...outcome.message }).catch(
        (err: Error) => options.log.warn({ err: err.message }, 'could not tell the person why'),
      );
    },
  );
}
