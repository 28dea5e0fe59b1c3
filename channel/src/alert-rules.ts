import { type ModelCatalog, type ModelManifest, UnknownModelError } from '@switchboard/core';
import { z } from 'zod';

const score = z.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1');

/**
 * How one moderation model flags a message in a watched place (a Discord guild, a Telegram chat):
 * a bare number is the threshold for the model's alert labels; the object form may also name the
 * labels (for models whose switchboard.json has none).
 */
export const ModelRuleSchema = z.union([
  score,
  z.strictObject({
    threshold: score.optional(),
    labels: z.array(z.string().min(1)).min(1, 'must name at least one label').optional(),
  }),
]);

/** One model's rule as configured: see {@link ModelRuleSchema}. */
export type ModelRule = z.infer<typeof ModelRuleSchema>;

/** One moderation model of a watched place, resolved against the model repository. */
export interface AlertRule {
  /** Model name. */
  readonly model: string;
  /** Alert label → the score at or above which a message is flagged. */
  readonly alerts: Readonly<Record<string, number>>;
}

/** Options of {@link AlertRuleResolver}. */
export interface AlertRuleResolverOptions {
  /** The setting being resolved, which every error names (`DISCORD_WATCH`). */
  readonly variable: string;
  /** Threshold when neither the configuration nor the model's switchboard.json gives one. */
  readonly defaultThreshold: number;
  /** A sentence added to the unknown-model error, saying what to change. */
  readonly unknownModelHint?: string;
}

/**
 * Checks moderation models against the model repository and settles each alert label's
 * threshold: the configured number, else the model's `switchboard.json` `thresholds`, else the
 * default. Each model's manifest is read once per resolver.
 */
export class AlertRuleResolver {
  private readonly manifests = new Map<string, ModelManifest>();

  constructor(
    private readonly catalog: ModelCatalog,
    private readonly options: AlertRuleResolverOptions,
  ) {}

  /**
   * The rules of one watched place.
   * @param scope - how errors name the place (`guild 123…`, `chat -100…`)
   * @throws Error naming the setting, the place and the model when a model or label does not exist
   */
  async resolve(scope: string, models: Readonly<Record<string, ModelRule>>): Promise<AlertRule[]> {
    const { variable } = this.options;
    const rules: AlertRule[] = [];
    for (const [model, rule] of Object.entries(models)) {
      const found = await this.manifest(scope, model);
      const threshold = typeof rule === 'number' ? rule : rule.threshold;
      const labels = (typeof rule === 'number' ? undefined : rule.labels) ?? found.spec.alert_labels;
      if (labels.length === 0) {
        throw new Error(
          `${variable}: ${scope}: model "${model}" declares no alert_labels in its switchboard.json; name the labels to flag, e.g. "${model}": {"threshold": 0.8, "labels": ["${found.labels.at(-1)}"]}.`,
        );
      }
      const alerts: Record<string, number> = {};
      for (const label of labels) {
        if (!found.labels.includes(label)) {
          throw new Error(
            `${variable}: ${scope}: model "${model}" has no label "${label}" (labels: ${found.labels.join(', ')}).`,
          );
        }
        alerts[label] = threshold ?? found.spec.thresholds[label] ?? this.options.defaultThreshold;
      }
      rules.push({ model, alerts });
    }
    return rules;
  }

  private async manifest(scope: string, model: string): Promise<ModelManifest> {
    const known = this.manifests.get(model);
    if (known) return known;
    try {
      const found = await this.catalog.get(model);
      this.manifests.set(model, found);
      return found;
    } catch (err) {
      if (err instanceof UnknownModelError) {
        const hint = this.options.unknownModelHint ? ` ${this.options.unknownModelHint}` : '';
        throw new Error(
          `${this.options.variable}: ${scope} moderates with model "${model}", which the model repository ${this.catalog.root} does not hold (available: ${err.available.join(', ') || 'none'}).${hint}`,
        );
      }
      throw err;
    }
  }
}
