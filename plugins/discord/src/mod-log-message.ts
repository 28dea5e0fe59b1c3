import { excerpt, type Flag, scoreLines } from '@switchboard/channel';
import type { ClassifyRequest, ClassifyResult } from '@switchboard/core';
import type { RESTPostAPIChannelMessageJSONBody } from 'discord.js';
import type { WatchTarget } from './reply-target.js';

/** A message link that opens the message in any Discord client. */
export function messageLink(guildId: string | undefined, channelId: string, messageId: string): string {
  return `https://discord.com/channels/${guildId ?? '@me'}/${channelId}/${messageId}`;
}

/** Red: a mod-log post asks a moderator to look. */
const ALERT_COLOR = 0xed4245;

/**
 * The mod-log post about a flagged message: what was flagged and how strongly, who wrote it,
 * where, a link to it and the scores. Mentions render but ping nobody.
 */
export function modLogMessage(
  target: WatchTarget,
  request: ClassifyRequest,
  result: ClassifyResult,
  flags: readonly Flag[],
  notes: readonly string[] = [],
): RESTPostAPIChannelMessageJSONBody {
  const top = flags[0]!;
  const link = messageLink(target.guildId, target.channelId, target.messageId);
  return {
    embeds: [
      {
        title: `Flagged: ${top.label} ${Math.round(top.score * 100)}% (${result.model})`.slice(0, 256),
        url: link,
        description: excerpt(request.texts[0] ?? '', 500),
        fields: [
          {
            name: 'Author',
            value: `<@${target.authorId}> (${excerpt(target.authorName, 80)})`,
            inline: true,
          },
          { name: 'Channel', value: `<#${target.channelId}>`, inline: true },
          { name: 'Message', value: `[Jump to message](${link})`, inline: true },
          {
            name: 'Scores',
            value: `\`\`\`\n${scoreLines(result.results[0]!.labels)}\n\`\`\``,
          },
          {
            name: 'Thresholds',
            value: flags.map((f) => `${f.label} ≥ ${Math.round(f.threshold * 100)}%`).join(', '),
          },
          ...(notes.length > 0 ? [{ name: 'Note', value: notes.join('\n') }] : []),
        ],
        footer: { text: `${result.model} v${result.version}` },
        color: ALERT_COLOR,
      },
    ],
    allowed_mentions: { parse: [] },
  };
}
