import { type AlertRule, AlertRuleResolver, ModelRuleSchema, readJsonSetting } from '@switchboard/channel';
import type { ModelCatalog } from '@switchboard/core';
import { z } from 'zod';

/** A Telegram chat id: an integer, negative for groups (`-100…` for supergroups and channels). */
const CHAT_ID = /^-?\d{1,20}$/;

const chatId = z
  .union([z.string(), z.number()], { error: 'must be a chat id (an integer such as -1001234567890)' })
  .transform((v) => String(v))
  .refine((v) => CHAT_ID.test(v), 'must be a chat id (an integer such as -1001234567890)')
  .transform(Number);
/** Moderation of one chat. */
const ChatWatchSchema = z.strictObject({
  /** Moderation models and their thresholds. */
  models: z
    .record(z.string().min(1), ModelRuleSchema, {
      error: (issue) => (issue.input === undefined ? 'is missing' : 'must be an object of model → threshold'),
    })
    .refine((m) => Object.keys(m).length > 0, 'must name at least one model'),
  /** A flagged message gets a reply saying so, or is deleted (the bot must be an admin). Default reply. */
  action: z.enum(['reply', 'delete'], { message: 'must be "reply" or "delete"' }).default('reply'),
  /** The admin chat told about flagged messages. */
  notify: chatId.optional(),
});

/**
 * `TELEGRAM_WATCH`: chat id → moderation settings, e.g.
 * `{"-1001234567890": {"models": {"toxicity": 0.8, "spam": 0.9}, "action": "delete", "notify": "-1009876543210"}}`.
 */
export const WatchConfigSchema = z
  .record(z.string(), ChatWatchSchema, { error: 'must be a JSON object of chat id → settings' })
  .superRefine((record, ctx) => {
    for (const key of Object.keys(record)) {
      if (!CHAT_ID.test(key))
        ctx.addIssue({ code: 'custom', path: [key], message: 'is not a chat id (an integer)' });
    }
  });

/** The parsed, not yet resolved, watch configuration. */
export type WatchConfig = z.infer<typeof WatchConfigSchema>;

export type { AlertRule };

/** A chat's resolved moderation settings. */
export interface ChatWatch {
  readonly chatId: number;
  readonly action: 'reply' | 'delete';
  readonly notify?: number;
  readonly rules: readonly AlertRule[];
}

/** Resolved moderation settings by chat id. */
export type WatchList = ReadonlyMap<number, ChatWatch>;

/** Threshold of an alert label when neither the chat nor the model's switchboard.json gives one. */
const DEFAULT_THRESHOLD = 0.8;

/**
 * Reads `TELEGRAM_WATCH`: inline JSON when it starts with `{`, else the path of a JSON file.
 * @throws Error naming the variable and what is wrong
 */
export function readWatchConfig(value: string): Promise<WatchConfig> {
  return readJsonSetting('TELEGRAM_WATCH', value, WatchConfigSchema);
}

/**
 * Checks every moderation model against the model repository and settles each alert label's
 * threshold: the chat's number, else the model's `switchboard.json` `thresholds`, else 0.8.
 * @throws Error naming the chat and model when a model or label does not exist
 */
export async function resolveWatchConfig(config: WatchConfig, catalog: ModelCatalog): Promise<WatchList> {
  const resolver = new AlertRuleResolver(catalog, {
    variable: 'TELEGRAM_WATCH',
    defaultThreshold: DEFAULT_THRESHOLD,
  });
  const list = new Map<number, ChatWatch>();
  for (const [chat, settings] of Object.entries(config)) {
    const rules = await resolver.resolve(`chat ${chat}`, settings.models);
    list.set(Number(chat), {
      chatId: Number(chat),
      action: settings.action,
      ...(settings.notify !== undefined ? { notify: settings.notify } : {}),
      rules,
    });
  }
  return list;
}
