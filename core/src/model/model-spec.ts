import { z } from 'zod';

/** The fields of a Hugging Face `config.json` that Switchboard reads; all others are kept as-is. */
export const HfConfigSchema = z.looseObject({
  // Keys are checked after the record, because zod reports a bad record key only as "Invalid key".
  id2label: z.record(z.string(), z.string().min(1)).superRefine((record, ctx) => {
    const bad = Object.keys(record).find((key) => !/^\d+$/.test(key));
    if (bad !== undefined)
      ctx.addIssue({ code: 'custom', message: `id2label keys must be integers 0, 1, 2...; found "${bad}"` });
  }),
  label2id: z.record(z.string(), z.number().int()).optional(),
  problem_type: z.enum(['single_label_classification', 'multi_label_classification', 'regression']).nullish(),
  max_position_embeddings: z.number().int().positive().optional(),
  // RoBERTa-family position tables start after the padding index (see model-input-limit.ts).
  model_type: z.string().optional(),
  pad_token_id: z.number().int().nullish(),
});
/** Parsed `config.json`. */
export type HfConfig = z.infer<typeof HfConfigSchema>;

/** The trainer's featurizer, declared in `switchboard.json` instead of a `tokenizer.json`. */
export const FeaturizerSchema = z.object({
  type: z.literal('hashed-ngrams'),
  buckets: z.number().int().min(2),
  word_ngrams: z.number().int().min(1).max(5),
  char_ngrams: z
    .tuple([z.number().int().min(1), z.number().int().min(1)])
    .readonly()
    .nullable(),
  lowercase: z.boolean(),
  // A plain file name: the vocabulary lives in the model folder, never elsewhere.
  sequence_vocabulary: z
    .string()
    .regex(/^[\w.-]+$/, 'must be a file name in the model folder, e.g. vocab.txt')
    .refine((name) => name !== '.' && name !== '..', 'must be a file name in the model folder')
    .optional(),
});

/** Switchboard's own optional `switchboard.json`: what Hugging Face has no field for. */
export const SwitchboardSpecSchema = z.object({
  version: z.string().min(1).default('0.0.0'),
  description: z.string().default(''),
  max_input_tokens: z.number().int().positive().optional(),
  alert_labels: z.array(z.string()).default([]),
  thresholds: z.record(z.string(), z.number().min(0).max(1)).default({}),
  featurizer: FeaturizerSchema.optional(),
  training: z.looseObject({}).optional(),
  /** How `switchboard quantize` made this copy (written by it, informational). */
  quantization: z.looseObject({}).optional(),
  /** The graph file, relative to the folder, when it is not one the loader looks for by itself. */
  model_file: z
    .string()
    .regex(
      /^[\w.-]+(\/[\w.-]+)*\.onnx$/,
      'must be a .onnx path inside the model folder, e.g. onnx/model.onnx',
    )
    .refine((path) => !path.split('/').includes('..'), 'must be a .onnx path inside the model folder')
    .optional(),
});
/** Parsed `switchboard.json`. */
export type SwitchboardSpec = z.infer<typeof SwitchboardSpecSchema>;

/**
 * A versioned model's own `switchboard.json` (`models/<name>/switchboard.json`, beside the version
 * folders): the version a bare name means. Without it, the newest version is the default.
 */
export const ModelSpecSchema = z.looseObject({
  default_version: z.string().min(1).optional(),
});
/** Parsed model-level `switchboard.json`. */
export type ModelSpec = z.infer<typeof ModelSpecSchema>;
