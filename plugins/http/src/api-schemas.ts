import { z } from '@hono/zod-openapi';
import { MAX_TEXT_CHARS, MAX_TEXTS_PER_REQUEST, unreadableText } from '@switchboard/core';

const required =
  (what: string) =>
  (issue: { input?: unknown }): string =>
    issue.input === undefined ? 'is required' : `must be ${what}`;

/** One text: 1 to {@link MAX_TEXT_CHARS} characters, not blank, something visible in it. */
export const TextSchema = z
  .string({ error: required('a string') })
  .max(MAX_TEXT_CHARS, { error: `is longer than ${MAX_TEXT_CHARS} characters` })
  .superRefine((t, ctx) => {
    const problem = unreadableText(t);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .openapi({ example: 'I love this product' });

/** A model name as the repository addresses it. */
export const ModelNameSchema = z
  .string({ error: required('a string') })
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/, { error: 'is not a valid model name' })
  .openapi({ example: 'sentiment' });

/** Body of `POST /v1/classify`. */
export const ClassifyBodySchema = z
  .strictObject({
    inputs: z
      .union([TextSchema, z.array(TextSchema).min(1).max(MAX_TEXTS_PER_REQUEST)], {
        error: (issue) => (issue.input === undefined ? 'is required' : 'must be a text or an array of texts'),
      })
      .openapi({
        description: `One text, or up to ${MAX_TEXTS_PER_REQUEST} texts of at most ${MAX_TEXT_CHARS} characters each.`,
        example: ['I love this product', 'This is terrible'],
      }),
    model: ModelNameSchema.optional().openapi({
      description: 'Model to use; the server default (usually `sentiment`) when omitted.',
    }),
    wait: z
      .boolean({ error: required('true or false') })
      .optional()
      .openapi({
        description:
          'true (default): answer 200 with the results, or 202 when they are not ready within the wait timeout. false: answer 202 at once.',
      }),
    callback_url: z
      .string({ error: required('a URL') })
      .max(2_048)
      .optional()
      .openapi({
        description:
          "Answer 202 at once and POST the finished job (the `GET /v1/jobs/{id}` body) to this URL, signed per Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`). https only, unless the server's `HTTP_WEBHOOK_ALLOWED_ORIGINS` lists an http origin; internal addresses are refused. Refused URLs get 422 `callback_not_allowed`.",
        example: 'https://hooks.example.com/switchboard',
      }),
  })
  .openapi('ClassifyRequest');

/** One label and its probability. */
export const LabelScoreSchema = z
  .object({ label: z.string(), score: z.number() })
  .openapi('LabelScore', { example: { label: 'positive', score: 0.93 } });

/** The classification of one text. */
export const TextResultSchema = z
  .object({
    labels: z.array(LabelScoreSchema).openapi({ description: 'Every label, highest score first.' }),
    top: LabelScoreSchema,
    truncated: z.boolean().openapi({ description: "True when the model read only the text's start." }),
  })
  .openapi('TextResult');

/** Body of a 200 from `POST /v1/classify`, and `result` of a finished job. */
export const ClassifyResponseSchema = z
  .object({
    id: z.string().openapi({ description: 'Job id; `GET /v1/jobs/{id}` finds it again.' }),
    model: z.string(),
    version: z.string(),
    results: z.array(TextResultSchema).openapi({ description: 'One result per input text, same order.' }),
    queueMs: z.number().openapi({ description: 'Time the job waited for a worker.' }),
    inferenceMs: z.number().openapi({ description: 'Time spent batching and running the model.' }),
  })
  .openapi('ClassifyResponse');

/** Where a job is. */
export const JobStateSchema = z
  .enum(['waiting', 'active', 'delayed', 'completed', 'failed', 'unknown'])
  .openapi('JobState');

/** Body of a 202: the job was accepted and its result will be at `location`. */
export const JobAcceptedSchema = z
  .object({
    id: z.string(),
    state: JobStateSchema,
    location: z.string().openapi({ example: '/v1/jobs/http-0f3c9a2b4d5e6f708192a3b4c5d6e7f8' }),
  })
  .openapi('JobAccepted');

/** Body of `GET /v1/jobs/{id}`. */
export const JobSchema = z
  .object({
    id: z.string(),
    state: JobStateSchema,
    model: z.string(),
    texts: z.number().int().openapi({ description: 'Number of texts in the job.' }),
    createdAt: z.number().int().openapi({ description: 'Milliseconds since the epoch.' }),
    result: ClassifyResponseSchema.optional().openapi({
      description: 'Present once `state` is `completed`.',
    }),
    error: z
      .object({ code: z.string(), message: z.string() })
      .optional()
      .openapi({ description: 'Present once `state` is `failed`.' }),
  })
  .openapi('Job');

/** Path parameter of `GET /v1/jobs/{id}`. */
export const JobParamsSchema = z.object({
  id: z
    .string()
    .max(128)
    .regex(/^[A-Za-z][A-Za-z0-9_.-]*$/, { error: 'is not a job id' })
    .openapi({ param: { name: 'id', in: 'path' }, example: 'http-0f3c9a2b4d5e6f708192a3b4c5d6e7f8' }),
});

/** One entry of `GET /v1/models`. */
export const ModelInfoSchema = z
  .object({
    name: z.string(),
    labels: z.array(z.string()),
    version: z.string(),
    description: z.string(),
    multiLabel: z.boolean().openapi({ description: 'Independent (sigmoid) scores per label.' }),
    maxInputTokens: z.number().int(),
    encoder: z.enum(['tokenizer', 'featurizer']).openapi({
      description: '`tokenizer` (Hugging Face tokenizer.json) or `featurizer` (hashed n-grams).',
    }),
    sizeBytes: z.number().int().openapi({ description: 'Size of the model files.' }),
  })
  .openapi('ModelInfo');

/** Body of `GET /v1/models`. */
export const ModelsResponseSchema = z
  .object({
    models: z.array(ModelInfoSchema),
    unavailable: z
      .array(z.object({ name: z.string(), file: z.string(), error: z.string() }))
      .openapi({ description: 'Model folders that cannot be loaded, with the reason.' }),
    default: z.string().openapi({ description: 'The model `/v1/classify` uses when none is named.' }),
  })
  .openapi('ModelsResponse');

/** Body of every error answer. */
export const ErrorSchema = z
  .object({
    error: z.string().openapi({ description: 'What is wrong and what to do, for a person.' }),
    code: z.string().openapi({ description: 'Stable machine-readable kind of failure.' }),
  })
  .openapi('Error', { example: { error: 'inputs[1] is empty', code: 'invalid_input' } });

/** Body of `/predict` errors: ours plus TEI's `error_type`, so TEI clients read them too. */
export const PredictErrorSchema = ErrorSchema.extend({
  error_type: z.enum(['validation', 'tokenizer', 'overloaded', 'unhealthy', 'backend']),
}).openapi('PredictError');

/** Body of `POST /predict`, as Text Embeddings Inference defines it. */
export const PredictBodySchema = z
  .object({
    inputs: z
      .union(
        [
          z.string(),
          z.array(z.string()).min(1, { error: 'needs at least one text' }),
          z
            .array(z.array(z.string()).min(1, { error: 'needs a text' }))
            .min(1, { error: 'needs at least one text' }),
        ],
        {
          error: (issue) =>
            issue.input === undefined
              ? 'is required'
              : 'must be a string, a pair [string, string], or a batch [[string], [string], ...]',
        },
      )
      .openapi({
        description:
          'A string, a one-element array `["text"]`, or a batch `[["text 1"], ["text 2"], ...]`. TEI also accepts sentence pairs (`["a", "b"]`, `[["a", "b"]]`); Switchboard models classify one text at a time and answer 422 to pairs.',
        example: 'I like you.',
      }),
    truncate: z.boolean({ error: 'must be true or false' }).optional().openapi({
      description:
        'Omitted: texts longer than the model reads are cut (like TEI with --auto-truncate). false: such a text is refused with 422. true: cut.',
    }),
    raw_scores: z.boolean({ error: 'must be true or false' }).optional().openapi({
      description:
        'false (default): probabilities. true: TEI returns the raw logits; Switchboard workers return probabilities only, so it returns log-probabilities (natural log) for single-label models (the logits minus their log-sum-exp: same order, same differences between labels, softmax gives the probabilities back) and the logits themselves, log(p/(1-p)), for multi-label models. Scores are clamped to ±745 where a probability rounds to 0 or 1.',
    }),
  })
  .openapi('PredictRequest');

/** One label's score in a `/predict` answer. */
export const PredictionSchema = z
  .object({ score: z.number(), label: z.string() })
  .openapi('Prediction', { example: { score: 0.98, label: 'positive' } });

/** Body of a 200 from `/predict`: a list for one input, a list of lists for a batch. */
export const PredictResponseSchema = z
  .union([z.array(PredictionSchema), z.array(z.array(PredictionSchema))])
  .openapi('PredictResponse');
