import { z } from 'zod';
import { CONTRACT_VERSION } from './limits.js';

const LabelScoreSchema = z.object({ label: z.string(), score: z.number() });

/** The classification of one text inside a {@link ClassifyResult}. */
export const TextResultSchema = z.object({
  labels: z.array(LabelScoreSchema).min(1),
  top: LabelScoreSchema,
  truncated: z.boolean(),
});

/** What a worker returns for a job. */
export const ClassifyResultSchema = z.object({
  v: z.literal(CONTRACT_VERSION),
  id: z.string(),
  model: z.string(),
  version: z.string(),
  results: z.array(TextResultSchema),
  /** Time the job waited in the queue before a worker took it. */
  queueMs: z.number().nonnegative(),
  /** Time spent in the batcher and onnxruntime for this job's texts. */
  inferenceMs: z.number().nonnegative(),
  finishedAt: z.number().int(),
});

/** A validated job result. */
export type ClassifyResult = z.infer<typeof ClassifyResultSchema>;
/** One text's classification inside a result. */
export type TextResult = z.infer<typeof TextResultSchema>;
