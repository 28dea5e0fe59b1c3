import type { Refusal } from '@switchboard/channel';
import type { DeliveryError } from '@switchboard/core';
import { escapeHtml } from './html-text.js';

/** The longest message Telegram sends, in characters: longer texts are refused before queueing. */
export const MAX_MESSAGE_CHARS = 4_096;

/** The commands the bot registers with `setMyCommands`, as the menu shows them. */
export const BOT_COMMANDS = [
  { command: 'classify', description: 'Classify a text: /classify [model] text, or reply to a message' },
  { command: 'models', description: 'List the models' },
  { command: 'help', description: 'How to use this bot' },
] as const;

/** How to use the bot (HTML). */
export function helpMessage(models: readonly string[], defaultModel: string): string {
  return [
    '<b>Switchboard</b> classifies texts with the models of this server.',
    '',
    '/classify <i>text</i> — classify with the default model',
    '/classify <i>model</i> <i>text</i> — or <code>model:NAME</code>, <code>NAME@VERSION</code>',
    '/classify as a reply — classify the message you reply to',
    '/models — list the models',
    '',
    `Models: ${escapeHtml(models.join(', ') || 'none installed')} (default ${escapeHtml(defaultModel)}).`,
  ].join('\n');
}

/** What `/classify` with nothing to classify says (HTML). */
export function usageMessage(models: readonly string[], defaultModel: string, model?: string): string {
  const head = model
    ? `Give a text after the model: /classify ${escapeHtml(model)} <i>text</i>, or reply to a message with /classify ${escapeHtml(model)}.`
    : 'Give a text: /classify [model] <i>text</i>, or reply to a message with /classify.';
  return `${head}\nModels: ${escapeHtml(models.join(', ') || 'none installed')} (default ${escapeHtml(defaultModel)}).`;
}

/** `model:NAME` named no model (HTML). */
export function unknownModelMessage(model: string, models: readonly string[]): string {
  return `⚠️ There is no model “${escapeHtml(model)}”. Models: ${escapeHtml(models.join(', ') || 'none installed')}.`;
}

/** `NAME@VERSION` named a version the repository does not hold (HTML). */
export function unknownVersionMessage(model: string, asked: string, held: string | undefined): string {
  if (held === undefined) return `⚠️ Model ${escapeHtml(model)} has no version ${escapeHtml(asked)} here.`;
  return `⚠️ Model ${escapeHtml(model)} has no version ${escapeHtml(asked)} here; it answers with version ${escapeHtml(held)}. Leave the version out to use ${escapeHtml(held)}, or see /models.`;
}

/** A text longer than Telegram itself allows in a message (HTML). */
export function tooLongMessage(length: number): string {
  return `⚠️ The text is ${length} characters long; Telegram messages hold at most ${MAX_MESSAGE_CHARS}. Send a shorter text.`;
}

/** `/classify` replying to a message without text (a photo, a sticker) (HTML). */
export const NO_TEXT_MESSAGE = '⚠️ The message you replied to has no text or caption to classify.';

/** A request the runtime did not queue, in the runtime's words (the same in every channel) (HTML). */
export function refusalMessage(refusal: Refusal): string {
  return `⚠️ ${escapeHtml(refusal.message)}`;
}

/** A failed classification, as told to the person who asked (HTML). */
export function errorMessage(error: DeliveryError): string {
  return `⚠️ ${escapeHtml(error.message)}`;
}

/** `/models`: each model with its version and labels (HTML). */
export function modelsMessage(
  models: readonly { name: string; version: string; labels: readonly string[] }[],
  defaultModel: string,
): string {
  if (models.length === 0) return 'No models are installed.';
  const lines = models.map(
    (m) =>
      `• <b>${escapeHtml(m.name)}</b> v${escapeHtml(m.version)}${m.name === defaultModel ? ' (default)' : ''}: ${escapeHtml(m.labels.join(', '))}`,
  );
  return ['Models:', ...lines].join('\n');
}
