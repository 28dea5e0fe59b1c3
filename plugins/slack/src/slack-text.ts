/**
 * Slack's message encoding: `&`, `<` and `>` arrive as entities, and mentions and links as
 * `<...>` tokens. Models should see what the person saw, and text we echo back must be re-escaped.
 */

const ENTITIES: Readonly<Record<string, string>> = { '&amp;': '&', '&lt;': '<', '&gt;': '>' };

/** Turns Slack-encoded text into what the reader saw: `<@U1|ann>` → `@ann`, `<url|label>` → `label`. */
export function plainText(slackText: string): string {
  return slackText
    .replace(/<([^<>]*)>/g, (_, inner: string) => {
      const [target = '', label] = inner.split('|', 2);
      if (target.startsWith('@')) return `@${label ?? target.slice(1)}`;
      if (target.startsWith('#')) return `#${label ?? target.slice(1)}`;
      if (target.startsWith('!')) return `@${label ?? target.slice(1).split('^')[0]}`;
      return label ?? target;
    })
    .replace(/&(?:amp|lt|gt);/g, (entity) => ENTITIES[entity] ?? entity);
}

/** Escapes text for a Slack `mrkdwn` or `plain_text` field. */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Removes the leading `<@BOTID>` mention(s) of an `app_mention` event's text. */
export function stripLeadingMentions(slackText: string): string {
  return slackText.replace(/^(?:\s*<@[A-Z0-9]+(?:\|[^>]*)?>)+/, '').trim();
}
