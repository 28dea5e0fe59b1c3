import { z } from '@hono/zod-openapi';
import { MAX_TEXT_CHARS, MAX_TEXTS_PER_REQUEST, MODEL_REF_PATTERN, unreadableText } from '@switchboard/core';
import { TEI_ERROR_TYPES } from './tei-errors.js';

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

/** A model as the repository addresses it: `name` (its default version) or `name@version`. */
export const ModelNameSchema = z
  .string({ error: required('a string') })
  .regex(MODEL_REF_PATTERN, { error: 'is not a valid model name (name or name@version)' })
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

/** One version of a model in `GET /v1/models`. */
export const ModelVersionInfoSchema = z
  .object({
    version: z.string(),
    default: z.boolean().openapi({ description: 'The version the bare model name runs on.' }),
    labels: z.array(z.string()),
    description: z.string(),
    multiLabel: z.boolean(),
    maxInputTokens: z.number().int(),
    encoder: z.enum(['tokenizer', 'featurizer']),
    sizeBytes: z.number().int(),
  })
  .openapi('ModelVersionInfo');

/** One entry of `GET /v1/models`. */
export const ModelInfoSchema = z
  .object({
    name: z.string(),
    labels: z.array(z.string()),
    version: z.string().openapi({
      description: 'The default version (what the bare name runs on); name any other as `name@version`.',
    }),
    description: z.string(),
    multiLabel: z.boolean().openapi({ description: 'Independent (sigmoid) scores per label.' }),
    maxInputTokens: z.number().int(),
    encoder: z.enum(['tokenizer', 'featurizer']).openapi({
      description: '`tokenizer` (Hugging Face tokenizer.json) or `featurizer` (hashed n-grams).',
    }),
    sizeBytes: z.number().int().openapi({ description: 'Size of the model files.' }),
    versions: z.array(ModelVersionInfoSchema).openapi({ description: 'Every usable version, oldest first.' }),
  })
  .openapi('ModelInfo');

/** Body of `GET /v1/models`. */
export const ModelsResponseSchema = z
  .object({
    models: z.array(ModelInfoSchema),
    unavailable: z.array(z.object({ name: z.string(), file: z.string(), error: z.string() })).openapi({
      description:
        'Model and version folders that cannot be loaded (`name` or `name@version`), with the reason.',
    }),
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

/** Body of errors on TEI's routes: ours plus TEI's `error_type`, so TEI clients read them too. */
export const PredictErrorSchema = ErrorSchema.extend({
  error_type: z.enum(TEI_ERROR_TYPES).openapi({
    description:
      "TEI's error type, spelled as TEI 1.9+ sends it. Validation and Tokenizer: 422; Empty: 400; Overloaded: 429; Backend: 424; Unhealthy: 503.",
  }),
}).openapi('PredictError', {
  example: {
    error: 'batch size 65 > maximum allowed batch size 64',
    code: 'invalid_input',
    error_type: 'Validation',
  },
});

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
    truncation_direction: z
      .enum(['right', 'Right', 'left', 'Left'], { error: 'must be "right" or "left"' })
      .optional()
      .openapi({
        description:
          'Which end of a long text TEI cuts. Switchboard models keep the start of a text (they cut on the right): "right" (the default) is honoured, "left" is refused with 422 rather than ignored.',
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

/** Body of TEI's `GET /info` for a classifier, with the fields TEI 1.9 sends. */
export const TeiInfoSchema = z
  .object({
    model_id: z.string().openapi({ description: 'The `/predict` model (`HTTP_PREDICT_MODEL`).' }),
    model_sha: z.string().nullable(),
    model_dtype: z.string(),
    served_model_name: z.string(),
    model_type: z.object({
      classifier: z.object({
        id2label: z.record(z.string(), z.string()),
        label2id: z.record(z.string(), z.number().int()),
      }),
    }),
    max_concurrent_requests: z.number().int(),
    max_input_length: z.number().int(),
    max_batch_tokens: z.number().int(),
    max_batch_requests: z.number().int().nullable(),
    max_client_batch_size: z.number().int(),
    auto_truncate: z.boolean(),
    tokenization_workers: z.number().int(),
    version: z.string(),
    sha: z.string().nullable(),
    docker_label: z.string().nullable(),
  })
  .openapi('TeiInfo');

/** Body of `POST /models/{model}`, as the Hugging Face Inference API's text classification takes it. */
export const HfClassificationBodySchema = z
  .object({
    inputs: z
      .union([TextSchema, z.array(TextSchema).min(1).max(MAX_TEXTS_PER_REQUEST)], {
        error: (issue) => (issue.input === undefined ? 'is required' : 'must be a text or an array of texts'),
      })
      .openapi({
        description: `One text, or up to ${MAX_TEXTS_PER_REQUEST} texts of at most ${MAX_TEXT_CHARS} characters each.`,
        example: 'I love this product',
      }),
    parameters: z
      .strictObject({
        top_k: z
          .number({ error: 'must be a whole number of at least 1' })
          .int({ error: 'must be a whole number of at least 1' })
          .min(1, { error: 'must be a whole number of at least 1' })
          .optional()
          .openapi({ description: 'Answer only the k highest labels of each text.' }),
      })
      .optional()
      .openapi({ description: 'Only `top_k` is supported; any other parameter is refused with 422.' }),
    options: z
      .object({ wait_for_model: z.boolean().optional(), use_cache: z.boolean().optional() })
      .optional()
      .openapi({
        description:
          "The Inference API's request options. Switchboard's models are always loaded and results are never cached, so both are accepted and change nothing.",
      }),
  })
  .openapi('HfClassificationRequest');

/** Body of a 200 from `POST /models/{model}`: one list of labels per text, highest score first. */
export const HfClassificationResponseSchema = z
  .array(z.array(LabelScoreSchema))
  .openapi('HfClassificationResponse', {
    example: [
      [
        { label: 'positive', score: 0.98 },
        { label: 'negative', score: 0.02 },
      ],
    ],
  });

/** Body of `POST /v1/jobs/{id}/feedback`. */
export const FeedbackBodySchema = z
  .object({
    label: z.string().min(1).max(256).optional().openapi({
      description: 'The right label for the text, one of the labels of the model that answered.',
      example: 'negative',
    }),
    correct: z.literal(true).optional().openapi({
      description: 'Shorthand for the predicted label: the answer was right.',
    }),
    index: z.number().int().min(0).max(1_000).optional().openapi({
      description: 'Which text of the job is rated, from 0 (default 0).',
    }),
  })
  .strict()
  .openapi('FeedbackBody', { example: { label: 'negative' } });

/** Answer of `POST /v1/jobs/{id}/feedback`. */
export const FeedbackReceiptSchema = z
  .object({
    id: z.string(),
    index: z.number().int(),
    model: z.string(),
    version: z.string(),
    predicted: z.string().openapi({ description: 'The label the model gave.' }),
    label: z.string().openapi({ description: 'The label recorded as right.' }),
    correct: z.boolean().openapi({ description: 'Whether the recorded label is the predicted one.' }),
    replaced: z
      .boolean()
      .openapi({ description: "True when this key's earlier feedback on the same answer was replaced." }),
  })
  .openapi('FeedbackReceipt');
