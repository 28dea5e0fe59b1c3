import {
  type AlertRule,
  AlertRuleResolver,
  type ModelRule,
  ModelRuleSchema,
  readJsonSetting,
} from '@switchboard/channel';
import type { ModelCatalog } from '@switchboard/core';
import { z } from 'zod';

const snowflake = (what: string) =>
  z
    .string({
      error: (issue) => (issue.input === undefined ? 'is missing' : `must be a ${what} id (digits)`),
    })
    .regex(/^\d{15,21}$/, `must be a ${what} id (digits)`);

/** Moderation of one guild. */
const GuildWatchSchema = z.strictObject({
  /** Channels whose messages are checked (threads inside them too). */
  channels: z
    .array(snowflake('channel'), {
      error: (issue) => (issue.input === undefined ? 'is missing' : 'must be a list of channel ids'),
    })
    .min(1, 'must list at least one channel id'),
  /** Where flagged messages are reported. */
  modLog: snowflake('channel'),
  /** Moderation models and their thresholds; default: `DISCORD_WATCH_MODELS` at `DISCORD_WATCH_THRESHOLD`. */
  models: z.record(z.string().min(1), ModelRuleSchema).optional(),
});

/**
 * `DISCORD_WATCH`: guild id → moderation settings, e.g.
 * `{"123…": {"channels": ["456…"], "modLog": "789…", "models": {"toxicity": 0.8, "spam": 0.9}}}`.
 */
export const WatchConfigSchema = z
  .record(z.string(), GuildWatchSchema, { error: 'must be a JSON object of guild id → settings' })
  .superRefine((record, ctx) => {
    for (const key of Object.keys(record)) {
      if (!/^\d{15,21}$/.test(key))
        ctx.addIssue({ code: 'custom', path: [key], message: 'is not a guild id (digits)' });
    }
  });

/** The parsed, not yet resolved, watch configuration. */
export type WatchConfig = z.infer<typeof WatchConfigSchema>;

export type { AlertRule };

/** A guild's resolved moderation settings. */
export interface GuildWatch {
  readonly guildId: string;
  readonly channels: ReadonlySet<string>;
  readonly modLog: string;
  readonly rules: readonly AlertRule[];
}

/** Resolved moderation settings by guild id. */
export type WatchList = ReadonlyMap<string, GuildWatch>;

/** Defaults applied to guilds that leave something out. */
export interface WatchDefaults {
  /** Models of a guild that names none. */
  readonly models: readonly string[];
  /** Threshold when neither the guild nor the model's switchboard.json gives one. */
  readonly threshold: number;
}

/**
 * Reads `DISCORD_WATCH`: inline JSON when it starts with `{`, else the path of a JSON file.
 * @throws Error naming the variable and what is wrong
 */
export function readWatchConfig(value: string): Promise<WatchConfig> {
  return readJsonSetting('DISCORD_WATCH', value, WatchConfigSchema);
}

/**
 * Checks every moderation model against the model repository and settles each alert label's
 * threshold: the guild's number, else the model's `switchboard.json` `thresholds`, else the default.
 * @throws Error naming the guild and model when a model or label does not exist
 */
export async function resolveWatchConfig(
  config: WatchConfig,
  catalog: ModelCatalog,
  defaults: WatchDefaults,
): Promise<WatchList> {
  const resolver = new AlertRuleResolver(catalog, {
    variable: 'DISCORD_WATCH',
    defaultThreshold: defaults.threshold,
    unknownModelHint: `Add the model or change the guild's "models".`,
  });
  const list = new Map<string, GuildWatch>();
  for (const [guildId, guild] of Object.entries(config)) {
    const models: Record<string, ModelRule> =
      guild.models ?? Object.fromEntries(defaults.models.map((m) => [m, {}]));
    const rules = await resolver.resolve(`guild ${guildId}`, models);
    list.set(guildId, { guildId, channels: new Set(guild.channels), modLog: guild.modLog, rules });
  }
  return list;
}
