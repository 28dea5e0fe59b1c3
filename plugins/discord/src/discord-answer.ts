import type { ChannelRenderer } from '@switchboard/channel';
import type { APIEmbed } from 'discord.js';
import type { ReplyTarget } from './reply-target.js';
import { resultEmbed } from './result-embed.js';
import { errorMessage } from './user-messages.js';

/** An answer as Discord shows it: a result embed, or a line saying what went wrong. */
export interface DiscordAnswer {
  readonly content?: string;
  readonly embeds: APIEmbed[];
}

/**
 * How Discord renders answers. Watched messages get no embed here: what a moderator sees is
 * the mod-log post, built from the flags at delivery (mod-log-message.ts).
 */
export const DISCORD_RENDERER: ChannelRenderer<ReplyTarget, DiscordAnswer> = {
  result: (request, result, target) => ({
    embeds: target.kind === 'watch' ? [] : [resultEmbed(request, result)],
  }),
  failure: (_request, error) => ({ content: errorMessage(error), embeds: [] }),
};
