import { MAX_TEXT_CHARS } from '@switchboard/core';
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  type RESTPostAPIApplicationCommandsJSONBody,
} from 'discord.js';

/** Name of the slash command. */
export const CLASSIFY_COMMAND = 'classify';

/** Name of the message context-menu command. */
export const CLASSIFY_MESSAGE_COMMAND = 'Classify message';

/** Discord's own limit on a string option. */
const MAX_OPTION_CHARS = 6_000;

/**
 * The commands the bot answers: `/classify text [model] [private]` and the "Classify message"
 * context menu. `model:` is autocompleted from the live model list (interaction-handler.ts), so
 * models added after registration are offered without registering again.
 */
export function classifyCommands(defaultModel: string): RESTPostAPIApplicationCommandsJSONBody[] {
  return [
    {
      type: ApplicationCommandType.ChatInput,
      name: CLASSIFY_COMMAND,
      description: 'Classify a text with one of Switchboard’s models',
      options: [
        {
          type: ApplicationCommandOptionType.String,
          name: 'text',
          description: 'The text to classify',
          required: true,
          max_length: Math.min(MAX_OPTION_CHARS, MAX_TEXT_CHARS),
        },
        {
          type: ApplicationCommandOptionType.String,
          name: 'model',
          description: `The model to use (default ${defaultModel})`.slice(0, 100),
          required: false,
          autocomplete: true,
        },
        {
          type: ApplicationCommandOptionType.Boolean,
          name: 'private',
          description: 'Show the answer to you only',
          required: false,
        },
      ],
    },
    { type: ApplicationCommandType.Message, name: CLASSIFY_MESSAGE_COMMAND },
  ];
}
