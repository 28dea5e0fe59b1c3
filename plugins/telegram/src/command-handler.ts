import { parseCommandText } from '@switchboard/channel';
import type { CommandContext, Context } from 'grammy';
import type { Message } from 'grammy/types';
import type { HandlerContext } from './handler-context.js';
import type { CommandTarget } from './reply-target.js';
import {
  helpMessage,
  MAX_MESSAGE_CHARS,
  modelsMessage,
  NO_TEXT_MESSAGE,
  refusalMessage,
  tooLongMessage,
  unknownModelMessage,
  unknownVersionMessage,
  usageMessage,
} from './user-messages.js';

/**
 * Answers `/classify`, `/models`, `/help` (and `/start`, which Telegram sends first in a private
 * chat). `/classify` is queued through the runtime and answered by the delivery queue with a reply
 * to the command; whatever stops it before it is queued is answered at once, the same way.
 */
export class CommandHandler {
  constructor(private readonly ctx: HandlerContext) {}

  /** `/classify [model] text`, or `/classify [model]` as a reply to a message. */
  async classify(tg: CommandContext<Context>): Promise<void> {
    const receivedAt = Date.now();
    const message = tg.message;
    if (!message || !tg.from) return;
    const { catalog, defaultModel, runtime } = this.ctx;
    // Bare names for parsing and messages; every `name@version` word to check a version asked for.
    const models = await catalog.modelNames().catch((): string[] => []);
    let parsed = parseCommandText(tg.match, models, defaultModel);
    const replied = repliedText(message);
    if (parsed.kind === 'empty' && replied !== undefined) {
      if (replied === '') return this.answer(tg, NO_TEXT_MESSAGE);
      const model = parsed.model ?? defaultModel;
      parsed = {
        kind: 'classify',
        model,
        ...(parsed.version ? { version: parsed.version } : {}),
        text: replied,
      };
    }
    if (parsed.kind === 'help') return this.answer(tg, helpMessage(models, defaultModel));
    if (parsed.kind === 'empty') return this.answer(tg, usageMessage(models, defaultModel, parsed.model));
    if (parsed.kind === 'unknown-model') return this.answer(tg, unknownModelMessage(parsed.model, models));
    if (parsed.text.length > MAX_MESSAGE_CHARS) return this.answer(tg, tooLongMessage(parsed.text.length));
    const ref = parsed.version ? `${parsed.model}@${parsed.version}` : parsed.model;
    if (parsed.version && !(await catalog.names().catch((): string[] => [])).includes(ref)) {
      const held = await catalog.get(parsed.model).then(
        (m) => m.version,
        () => undefined,
      );
      return this.answer(tg, unknownVersionMessage(parsed.model, parsed.version, held));
    }
    const replyTo: CommandTarget = {
      kind: 'command',
      chatId: message.chat.id,
      messageId: message.message_id,
      ...(message.is_topic_message && message.message_thread_id !== undefined
        ? { threadId: message.message_thread_id }
        : {}),
    };
    const outcome = await runtime.submit({
      eventKey: ['command', message.chat.id, message.message_id],
      model: ref,
      text: parsed.text,
      requester: { id: String(tg.from.id), ...(tg.from.username ? { name: tg.from.username } : {}) },
      replyTo,
      receivedAt,
    });
    if (!outcome.queued) await this.answer(tg, refusalMessage(outcome));
  }

  /** `/models`: names, versions and labels, read from the repository each time. */
  async models(tg: CommandContext<Context>): Promise<void> {
    const { models } = await this.ctx.catalog.list();
    await this.answer(
      tg,
      modelsMessage(
        models.map((m) => ({ name: m.name, version: m.version, labels: m.labels })),
        this.ctx.defaultModel,
      ),
    );
  }

  /** `/help` and `/start`. */
  async help(tg: CommandContext<Context>): Promise<void> {
    const models = await this.ctx.catalog.modelNames().catch((): string[] => []);
    await this.answer(tg, helpMessage(models, this.ctx.defaultModel));
  }

  /** A reply to the command, in its chat and topic. */
  private async answer(tg: Context, html: string): Promise<void> {
    const message = tg.message;
    await tg.reply(html, {
      parse_mode: 'HTML',
      link_preview_options: { is_disabled: true },
      ...(message
        ? { reply_parameters: { message_id: message.message_id, allow_sending_without_reply: true } }
        : {}),
    });
  }
}

/**
 * The text of the message a command replies to: `undefined` when it replies to none, `''` when
 * that message has no text. In forum topics every message "replies" to the topic's first
 * message, which does not count.
 */
function repliedText(message: Message): string | undefined {
  const replied = message.reply_to_message;
  if (!replied || replied.forum_topic_created) return undefined;
  return (replied.text ?? replied.caption ?? '').trim();
}
