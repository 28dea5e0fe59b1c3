import { readJsonSetting } from '@switchboard/channel';
import { type ModelCatalog, type ModelManifest, UnknownModelError } from '@switchboard/core';
import { z } from 'zod';

/** A Telegram chat id: an integer, negative for groups (`-100…` for supergroups and channels). */
const CHAT_ID = /^-?\d{1,20}$/;

const chatId = z
  .union([z.string(), z.number()], { error: 'must be a chat id (an integer such as -1001234567890)' })
  .transform((v) => String(v))
  .refine((v) => CHAT_ID.test(v), 'must be a chat id (an integer such as -1001234567890)')
  .transform(Number);
const score = z.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1');

/**
 * How one moderation model flags a message: a bare number is the threshold for the model's alert
 * labels; the object form may also name the labels (for models whose switchboard.json has none).
 */
const ModelRuleSchema = z.union([
  score,
  z.strictObject({
    threshold: score.optional(),
    labels: z.array(z.string().min(1)).min(1, 'must name at least one label').optional(),
  }),
]);

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

/** One moderation model of a chat, resolved against the model repository. */
export interface AlertRule {
  readonly model: string;
  /** Alert label → the score at or above which a message is flagged. */
  readonly alerts: Readonly<Record<string, number>>;
}

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
  const manifests = new Map<string, ModelManifest>();
  const manifest = async (chat: string, model: string): Promise<ModelManifest> => {
    const known = manifests.get(model);
    if (known) return known;
    try {
      const found = await catalog.get(model);
      manifests.set(model, found);
      return found;
    } catch (err) {
      if (err instanceof UnknownModelError) {
        throw new Error(
          `TELEGRAM_WATCH: chat ${chat} moderates with model "${model}", which the model repository ${catalog.root} does not hold (available: ${err.available.join(', ') || 'none'}).`,
        );
      }
      throw err;
    }
  };

  const list = new Map<number, ChatWatch>();
  for (const [chat, settings] of Object.entries(config)) {
    const rules: AlertRule[] = [];
    for (const [model, rule] of Object.entries(settings.models)) {
      const found = await manifest(chat, model);
      const threshold = typeof rule === 'number' ? rule : rule.threshold;
      const labels = (typeof rule === 'number' ? undefined : rule.labels) ?? found.spec.alert_labels;
      if (labels.length === 0) {
        throw new Error(
          `TELEGRAM_WATCH: chat ${chat}: model "${model}" declares no alert_labels in its switchboard.json; name the labels to flag, e.g. "${model}": {"threshold": 0.8, "labels": ["${found.labels.at(-1)}"]}.`,
        );
      }
      const alerts: Record<string, number> = {};
      for (const label of labels) {
        if (!found.labels.includes(label)) {
          throw new Error(
            `TELEGRAM_WATCH: chat ${chat}: model "${model}" has no label "${label}" (labels: ${found.labels.join(', ')}).`,
          );
        }
        alerts[label] = threshold ?? found.spec.thresholds[label] ?? DEFAULT_THRESHOLD;
      }
      rules.push({ model, alerts });
    }
    list.set(Number(chat), {
      chatId: Number(chat),
      action: settings.action,
      ...(settings.notify !== undefined ? { notify: settings.notify } : {}),
      rules,
    });
  }
  return list;
}
