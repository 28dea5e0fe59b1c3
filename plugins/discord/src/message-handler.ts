import type { Message } from 'discord.js';
import type { HandlerContext } from './handler-context.js';
import { parseMention } from './mention-parser.js';
import type { MentionTarget, WatchTarget } from './reply-target.js';
import { mentionUsage, refusalMessage } from './user-messages.js';
import type { GuildWatch, WatchList } from './watch-config.js';

/**
 * Handles new messages: a mention of the bot with a text is classified and answered with a reply;
 * a message in a watched channel is checked by the guild's moderation models. Messages from bots
 * (the bot itself included) and webhooks are ignored, so bots cannot loop through each other.
 */
export class MessageHandler {
  private readonly ctx: HandlerContext;
  private readonly watch: WatchList;
  private readonly botId: () => string | undefined;

  constructor(ctx: HandlerContext, watch: WatchList, botId: () => string | undefined) {
    this.ctx = ctx;
    this.watch = watch;
    this.botId = botId;
  }

  /** Handles one `messageCreate`. */
  async handle(message: Message): Promise<void> {
    if (message.author.bot || message.webhookId || message.system) return;
    const work: Promise<void>[] = [];
    const botId = this.botId();
    if (botId && message.content.includes(botId)) work.push(this.mention(message, botId));
    const guild = message.guildId ? this.watch.get(message.guildId) : undefined;
    if (guild && this.isWatched(message, guild)) work.push(this.moderate(message, guild));
    await Promise.all(work);
  }

  private isWatched(message: Message, guild: GuildWatch): boolean {
    if (guild.channels.has(message.channelId)) return true;
    const parent = message.channel.isThread() ? message.channel.parentId : null;
    return parent !== null && guild.channels.has(parent);
  }

  private async mention(message: Message, botId: string): Promise<void> {
    const models = await this.ctx.catalog.names().catch(() => []);
    const ask = parseMention(message.content, botId, models);
    if (!ask) return;
    if (ask.text === '') {
      // The usage lists models by name; `name@version` words are accepted but would crowd it.
      const names = await this.ctx.catalog.modelNames().catch(() => models);
      await message.reply({
        content: mentionUsage(botId, names, this.ctx.defaultModel),
        allowedMentions: { parse: [], repliedUser: false },
      });
      return;
    }
    const replyTo: MentionTarget = {
      kind: 'mention',
      channelId: message.channelId,
      ...(message.guildId ? { guildId: message.guildId } : {}),
      messageId: message.id,
      userId: message.author.id,
    };
    const outcome = await this.ctx.runtime.submit({
      eventKey: ['mention', message.id],
      model: ask.model ?? this.ctx.defaultModel,
      text: ask.text,
      requester: { id: message.author.id, name: message.author.username },
      replyTo,
    });
    if (!outcome.queued) {
      await message.reply({
        content: refusalMessage(outcome),
        allowedMentions: { parse: [], repliedUser: false },
      });
    }
  }

  private async moderate(message: Message, guild: GuildWatch): Promise<void> {
    // Without the MESSAGE_CONTENT intent the content of others' messages arrives empty.
    if (message.content.trim() === '') return;
    await Promise.all(
      guild.rules.map(async (rule) => {
        const replyTo: WatchTarget = {
          kind: 'watch',
          guildId: guild.guildId,
          channelId: message.channelId,
          messageId: message.id,
          authorId: message.author.id,
          authorName: message.author.username,
          modLog: guild.modLog,
          alerts: rule.alerts,
        };
        // Nobody asked for this check: it does not count against the author's rate limit.
        const outcome = await this.ctx.runtime.submit({
          eventKey: ['watch', message.id, rule.model],
          model: rule.model,
          text: message.content,
          requester: { id: message.author.id, name: message.author.username },
          replyTo,
          rateLimited: false,
        });
        if (!outcome.queued)
          this.ctx.log.warn(
            { message: message.id, model: rule.model, reason: outcome.reason },
            'watched message not checked',
          );
      }),
    );
  }
}
