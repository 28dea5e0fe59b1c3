/** Escapes text for Telegram's HTML parse mode (only `<`, `>` and `&` are special there). */
export function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}
