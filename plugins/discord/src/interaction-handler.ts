import {
  type AutocompleteInteraction,
  type ChatInputCommandInteraction,
  type Interaction,
  type MessageContextMenuCommandInteraction,
  MessageFlags,
} from 'discord.js';
import { CLASSIFY_COMMAND, CLASSIFY_MESSAGE_COMMAND } from './command-definitions.js';
import type { HandlerContext } from './handler-context.js';
import type { InteractionTarget } from './reply-target.js';
import { NO_TEXT_MESSAGE, refusalMessage } from './user-messages.js';

type ClassifyInteraction = ChatInputCommandInteraction | MessageContextMenuCommandInteraction;

/** Discord shows at most 25 autocomplete suggestions. */
const MAX_SUGGESTIONS = 25;

interface Ask {
  readonly text: string;
  readonly model: string;
  readonly ephemeral: boolean;
  readonly messageId?: string;
}

/**
 * Answers `/classify` and "Classify message": checks the request with the channel runtime, then
 * acknowledges within Discord's 3 seconds with a deferred reply, enqueues, and leaves the answer
 * to the delivery queue, which edits that deferred reply. Whatever stops the request before it is
 * queued is told privately, at once. `model:` suggestions are the live model list; a name typed
 * past them is the worker's to judge, and its "unknown model" answer lists the models.
 */
export class InteractionHandler {
  private readonly ctx: HandlerContext;

  constructor(ctx: HandlerContext) {
    this.ctx = ctx;
  }

  /** Handles one interaction; ignores those that are not Switchboard's commands. */
  async handle(interaction: Interaction): Promise<void> {
    if (interaction.isAutocomplete() && interaction.commandName === CLASSIFY_COMMAND) {
      await this.suggestModels(interaction);
    } else if (interaction.isChatInputCommand() && interaction.commandName === CLASSIFY_COMMAND) {
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

  /**
   * The models whose names contain what was typed so far, read from the repository each time: bare
   * names (their default version), and `name@version` once the person types an `@`.
   */
  private async suggestModels(interaction: AutocompleteInteraction): Promise<void> {
    const typed = String(interaction.options.getFocused()).trim().toLowerCase();
    const { catalog } = this.ctx;
    const names = await (typed.includes('@') ? catalog.names() : catalog.modelNames()).catch(() => []);
    const matching = names.filter((n) => n.toLowerCase().includes(typed)).slice(0, MAX_SUGGESTIONS);
    await interaction.respond(matching.map((name) => ({ name, value: name })));
  }

  private async classify(interaction: ClassifyInteraction, ask: Ask): Promise<void> {
    const receivedAt = Date.now();
    const { runtime } = this.ctx;
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
    const prepared = await runtime.prepare({
      eventKey: ['interaction', interaction.id],
      model: ask.model,
      text: ask.text,
      requester: { id: interaction.user.id, name: interaction.user.username },
      replyTo,
      receivedAt,
    });
    if (prepared.queued === false) {
      await interaction.reply({ content: refusalMessage(prepared), flags: MessageFlags.Ephemeral });
      return;
    }
    // Deferred before the job exists, so the delivery always finds a reply to edit.
    await interaction.deferReply(ask.ephemeral ? { flags: MessageFlags.Ephemeral } : {});
    const outcome = await runtime.enqueue(prepared);
    if (outcome.queued) return;
    const content = refusalMessage(outcome);
    if (ask.ephemeral) {
      await interaction.editReply({ content });
    } else {
      // The public "thinking…" placeholder goes; the refusal is for the asker only.
      await interaction.deleteReply();
      await interaction.followUp({ content, flags: MessageFlags.Ephemeral });
    }
  }
}
