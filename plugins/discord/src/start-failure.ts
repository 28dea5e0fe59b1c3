/**
 * Turns the errors of a failed start into what to do about them. discord.js reports a refused
 * privileged intent or a bad token in terms of the gateway; people need the portal setting.
 */
export function explainStartFailure(err: unknown): string {
  const message = (err as Error)?.message ?? String(err);
  if (/disallowed intents/i.test(message)) {
    return 'Discord refused the Message Content intent. Enable it in the Developer Portal (your app → Bot → Privileged Gateway Intents → Message Content Intent), or set DISCORD_MESSAGE_CONTENT=false (watched channels then cannot be checked).';
  }
  if (
    /invalid token|authentication failed/i.test(message) ||
    (err as { code?: string })?.code === 'TokenInvalid'
  ) {
    return 'Discord refused DISCORD_TOKEN. Copy the bot token again from the Developer Portal (your app → Bot → Reset Token).';
  }
  return message;
}
