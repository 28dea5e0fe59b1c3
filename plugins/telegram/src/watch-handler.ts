import type { Context } from 'grammy';
import type { HandlerContext } from './handler-context.js';
import type { WatchTarget } from './reply-target.js';
import type { WatchList } from './watch-config.js';

/**
 * Checks each message of a watched chat with the chat's moderation models. Nothing is said in the
 * chat when a message is queued: only a flagged message gets a Bot API call, at delivery. Messages
 * from bots are skipped so that bots cannot loop through each other.
 */
export class WatchHandler {
  constructor(
    private readonly ctx: HandlerContext,
    private readonly watch: WatchList,
  ) {}

  /** Handles one message (new or edited); ignores chats that are not watched. */
  async handle(tg: Context): Promise<void> {
    const message = tg.message ?? tg.editedMessage;
    if (!message || message.from?.is_bot) return;
    const chat = this.watch.get(message.chat.id);
    const text = (message.text ?? message.caption ?? '').trim();
    if (!chat || text === '') return;
    const author = message.from
      ? [message.from.first_name, message.from.last_name].filter(Boolean).join(' ') +
        (message.from.username ? ` (@${message.from.username})` : '')
      : (message.sender_chat?.title ?? 'unknown');
    const edited = message.edit_date ?? 0;
    await Promise.all(
      chat.rules.map(async (rule) => {
        const replyTo: WatchTarget = {
          kind: 'watch',
          chatId: message.chat.id,
          messageId: message.message_id,
          ...(message.is_topic_message && message.message_thread_id !== undefined
            ? { threadId: message.message_thread_id }
            : {}),
          ...('username' in message.chat && message.chat.username
            ? { chatUsername: message.chat.username }
            : {}),
          ...('title' in message.chat && message.chat.title ? { chatTitle: message.chat.title } : {}),
          authorName: author,
          action: chat.action,
          ...(chat.notify !== undefined ? { notify: chat.notify } : {}),
          alerts: rule.alerts,
        };
        // Nobody asked for this check: it does not count against the author's rate limit.
        const outcome = await this.ctx.runtime.submit({
          eventKey: ['watch', message.chat.id, message.message_id, edited, rule.model],
          model: rule.model,
          text,
          requester: { id: String(message.from?.id ?? message.chat.id) },
          replyTo,
          rateLimited: false,
        });
        if (!outcome.queued) {
          this.ctx.log.warn(
            { chat: message.chat.id, message: message.message_id, model: rule.model, reason: outcome.reason },
            'watched message not checked',
          );
        }
      }),
    );
  }
}
