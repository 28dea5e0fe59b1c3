import {
  InputError,
  newClassifyRequest,
  parseClassifyRequest,
  requestIdFor,
  SwitchboardError,
} from '@switchboard/core';
import {
  type ChatInputCommandInteraction,
  type Interaction,
  type MessageContextMenuCommandInteraction,
  MessageFlags,
} from 'discord.js';
import { CLASSIFY_COMMAND, CLASSIFY_MESSAGE_COMMAND } from './command-definitions.js';
import { enqueueWithin, isUnavailable } from './enqueue-within.js';
import type { HandlerContext } from './handler-context.js';
import type { InteractionTarget } from './reply-target.js';
import { inputErrorMessage, NO_TEXT_MESSAGE, UNAVAILABLE_MESSAGE } from './user-messages.js';

type ClassifyInteraction = ChatInputCommandInteraction | MessageContextMenuCommandInteraction;

interface Ask {
  readonly text: string;
  readonly model: string;
  readonly ephemeral: boolean;
  readonly messageId?: string;
}

/**
 * Answers `/classify` and "Classify message": acknowledges within Discord's 3 seconds with a
 * deferred reply, enqueues the request, and leaves the answer to the delivery queue, which edits
 * that deferred reply. Whatever goes wrong before the job is queued is told privately, at once.
 */
export class InteractionHandler {
  private readonly ctx: HandlerContext;

  constructor(ctx: HandlerContext) {
    this.ctx = ctx;
  }

  /** Handles one interaction; ignores those that are not Switchboard's commands. */
  async handle(interaction: Interaction): Promise<void> {
    if (interaction.isChatInputCommand() && interaction.commandName === CLASSIFY_COMMAND) {
      await this.classify(interaction, {
        text: interaction.options.getString('text', true),
        model: interaction.options.getString('model') ?? this.ctx.defaultModel,
        ephemeral: interaction.options.getBoolean('private') ?? false,
      });
    } else if (
      interaction.isMessageContextMenuCommand() &&
      interaction.commandName === CLASSIFY_MESSAGE_COMMAND
    ) {
      const message = interaction.targetMessage;
      if (message.content.trim() === '') {
        await interaction.reply({ content: NO_TEXT_MESSAGE, flags: MessageFlags.Ephemeral });
        return;
      }
      // Private by default: classifying someone else's message in public could single them out.
      await this.classify(interaction, {
        text: message.content,
        model: this.ctx.defaultModel,
        ephemeral: true,
        messageId: message.id,
      });
    }
  }

  private async classify(interaction: ClassifyInteraction, ask: Ask): Promise<void> {
    const replyTo: InteractionTarget = {
      kind: 'interaction',
      applicationId: interaction.applicationId,
      interactionToken: interaction.token,
      channelId: interaction.channelId ?? '',
      ...(interaction.guildId ? { guildId: interaction.guildId } : {}),
      userId: interaction.user.id,
      ephemeral: ask.ephemeral,
      createdAt: interaction.createdTimestamp,
      ...(ask.messageId ? { messageId: ask.messageId } : {}),
    };
    const request = newClassifyRequest({
      id: requestIdFor('discord', 'interaction', interaction.id),
      model: ask.model,
      texts: [ask.text],
      channel: 'discord',
      requester: { id: interaction.user.id, name: interaction.user.username },
      replyMode: 'deliver',
      replyTo,
    });
    const log = this.ctx.log.child({ request: request.id, command: interaction.commandName });

    try {
      parseClassifyRequest(request);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      await interaction.reply({
        content: inputErrorMessage(err.field, err.message),
        flags: MessageFlags.Ephemeral,
      });
      return;
    }
    if (!this.ctx.queue.connected) {
      log.warn('queue unavailable; told the user');
      await interaction.reply({ content: UNAVAILABLE_MESSAGE, flags: MessageFlags.Ephemeral });
      return;
    }

    await interaction.deferReply(ask.ephemeral ? { flags: MessageFlags.Ephemeral } : {});
    try {
      await enqueueWithin(this.ctx.queue, request);
      log.debug({ model: ask.model }, 'enqueued');
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'enqueue failed; told the user');
      const content = isUnavailable(err)
        ? UNAVAILABLE_MESSAGE
        : `⚠️ ${err instanceof SwitchboardError ? err.message : 'The request could not be queued.'}`;
      if (ask.ephemeral) {
        await interaction.editReply({ content });
      } else {
        // The public "thinking…" placeholder goes; the error is for the asker only.
        await interaction.deleteReply();
        await interaction.followUp({ content, flags: MessageFlags.Ephemeral });
      }
    }
  }
}
