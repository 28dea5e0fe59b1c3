/**
 * A link to a message: `t.me/<username>/<id>` in public chats, `t.me/c/<id>/<id>` in private
 * supergroups (it opens for members). Basic groups and private chats have no message links.
 */
export function messageLink(chatId: number, messageId: number, username?: string): string | undefined {
  if (username) return `https://t.me/${username}/${messageId}`;
  const text = String(chatId);
  if (text.startsWith('-100')) return `https://t.me/c/${text.slice(4)}/${messageId}`;
  return undefined;
}
