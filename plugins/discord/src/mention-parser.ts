/** What a mention of the bot asks for. */
export interface MentionRequest {
  /** The model named right after the mention, if any. */
  readonly model: string | undefined;
  /** The text to classify (may be empty: then the bot explains how to use it). */
  readonly text: string;
}

/**
 * Reads `<@bot> [model] text`. Returns `undefined` when the content does not mention the bot in
 * its text: a reply to one of the bot's messages pings it without a mention in the text, and
 * must not be taken as a request.
 */
export function parseMention(
  content: string,
  botId: string,
  models: readonly string[],
): MentionRequest | undefined {
  if (!/^\d+$/.test(botId)) return undefined;
  const mention = new RegExp(`<@!?${botId}>`, 'g');
  if (!mention.test(content)) return undefined;
  const rest = content.replace(mention, ' ').trim();
  const first = rest.split(/\s+/, 1)[0] ?? '';
  const model = models.find((m) => m.toLowerCase() === first.toLowerCase());
  if (model && first !== '') return { model, text: rest.slice(first.length).trim() };
  return { model: undefined, text: rest };
}
