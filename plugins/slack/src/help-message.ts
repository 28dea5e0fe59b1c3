import type { ModelManifest } from '@switchboard/core';
import { type SlackMessage, textMessage } from './slack-message.js';
import { escapeSlack } from './slack-text.js';

/** What the help needs to know about how the app is reached. */
export interface HelpContext {
  /** The slash command, e.g. `/classify`. */
  readonly command: string;
  /** The model used when none is named. */
  readonly defaultModel: string;
}

function usageLines({ command, defaultModel }: HelpContext): string[] {
  return [
    `*Usage:* \`${command} [model] text\``,
    `• \`${command} this is great\` classifies with the default model \`${escapeSlack(defaultModel)}\``,
    `• \`${command} spam WIN a free prize\`: a first word that is exactly a model's name picks that model`,
    `• \`${command} model:NAME text\` always picks model NAME (use it when your text starts with a model's name)`,
    '• Mention the app with the same words to get the answer in a thread, or use the *Classify message* shortcut on any message.',
  ];
}

function modelLines(models: readonly ModelManifest[]): string[] {
  if (models.length === 0) return ['No models are installed yet: ask whoever runs Switchboard to add some.'];
  return models.map((m) => {
    const about = m.description ? `: ${escapeSlack(m.description)}` : '';
    return `• \`${escapeSlack(m.name)}\` v${escapeSlack(m.version)} (${m.labels.map(escapeSlack).join(', ')})${about}`;
  });
}

/** `help`: usage and every model with its labels. */
export function helpMessage(context: HelpContext, models: readonly ModelManifest[]): SlackMessage {
  return textMessage([...usageLines(context), '', '*Models:*', ...modelLines(models)].join('\n'));
}

/** Nothing to classify: the usage, naming the model when one was given. */
export function usageMessage(context: HelpContext, model?: string): SlackMessage {
  const lead = model
    ? `Give me some text to classify after the model name, e.g. \`${context.command} ${escapeSlack(model)} your text here\`.`
    : 'Give me some text to classify.';
  return textMessage(
    [lead, ...usageLines(context), `Type \`${context.command} help\` to list the models.`].join('\n'),
  );
}

/** A model name that no model folder has. */
export function unknownModelMessage(model: string, names: readonly string[]): SlackMessage {
  const list = names.length > 0 ? names.map((n) => `\`${escapeSlack(n)}\``).join(', ') : 'none are installed';
  return textMessage(`There is no model called \`${escapeSlack(model)}\`. Available models: ${list}.`);
}
