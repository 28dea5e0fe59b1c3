import { GrammyError } from 'grammy';

/** Turns the errors of a failed start into what to do about them. */
export function explainStartFailure(err: unknown): string {
  if (err instanceof GrammyError && err.error_code === 401) {
    return 'Telegram refused TELEGRAM_BOT_TOKEN (401 Unauthorized). Copy the token again from @BotFather (/mybots → your bot → API Token).';
  }
  if (err instanceof GrammyError && err.error_code === 409) {
    return `Telegram answered 409 Conflict to ${err.method}: another copy of the bot is polling with this token, or a webhook is set. Run one copy in long-polling mode.`;
  }
  if (err instanceof GrammyError && err.method === 'setWebhook') {
    return `Telegram refused TELEGRAM_WEBHOOK_URL: ${err.description}. It must be a public https URL on port 443, 80, 88 or 8443.`;
  }
  const message = (err as Error)?.message ?? String(err);
  // grammY's network errors quote the request URL, which holds the token.
  return message.replace(/\/bot\d+:[A-Za-z0-9_-]+/g, '/bot[redacted]');
}
