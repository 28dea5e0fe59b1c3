/** One label and its probability. */
export interface LabelScore {
  readonly label: string;
  readonly score: number;
}

/** The classification of one text. */
export interface TextResult {
  /** Every label, highest score first. */
  readonly labels: readonly LabelScore[];
  /** The highest-scoring label. */
  readonly top: LabelScore;
  /** True when the model read only the start of the text. */
  readonly truncated: boolean;
}

/** A finished classification: one result per text, in input order. */
export interface ClassifyResponse {
  /** Job id. */
  readonly id: string;
  readonly model: string;
  /** Version of the model that answered. */
  readonly version: string;
  readonly results: readonly TextResult[];
  /** Time the job waited for a worker, in ms. */
  readonly queueMs: number;
  /** Time spent batching and running the model, in ms. */
  readonly inferenceMs: number;
}

/** Where a job is. */
export type JobState = 'waiting' | 'active' | 'delayed' | 'completed' | 'failed' | 'unknown';

/** A job as `GET /v1/jobs/{id}` answers it. */
export interface Job {
  readonly id: string;
  readonly state: JobState;
  readonly model: string;
  /** Number of texts in the job. */
  readonly texts: number;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
  /** Present once `state` is `completed`. */
  readonly result?: ClassifyResponse;
  /** Present once `state` is `failed`. */
  readonly error?: { readonly code: string; readonly message: string };
}

/** The 202 answer of `POST /v1/classify`. */
export interface JobAccepted {
  readonly id: string;
  readonly state: JobState;
  /** Where to poll, e.g. `/v1/jobs/http-…`. */
  readonly location: string;
}

/** One model of `GET /v1/models`. */
export interface ModelInfo {
  readonly name: string;
  readonly labels: readonly string[];
  readonly version: string;
  readonly description: string;
  readonly multiLabel: boolean;
  readonly maxInputTokens: number;
  /** `tokenizer` (Hugging Face tokenizer.json) or `featurizer` (hashed n-grams). */
  readonly encoder: 'tokenizer' | 'featurizer';
  /** Size of the model files in bytes. */
  readonly sizeBytes: number;
  /** Every usable version, oldest first; `version` above is the default one. */
  readonly versions: readonly ModelVersionInfo[];
}

/** One version of a model; address it as `name@version`. */
export interface ModelVersionInfo {
  readonly version: string;
  /** The version the bare name runs on. */
  readonly default: boolean;
  readonly labels: readonly string[];
  readonly description: string;
  readonly multiLabel: boolean;
  readonly maxInputTokens: number;
  readonly encoder: 'tokenizer' | 'featurizer';
  readonly sizeBytes: number;
}

/** The answer of `GET /v1/models`. */
export interface ModelsResponse {
  readonly models: readonly ModelInfo[];
  /** Model folders the server cannot load, with why. */
  readonly unavailable: readonly { readonly name: string; readonly file: string; readonly error: string }[];
  /** The model used when a request names none. */
  readonly default: string;
}

/** The body of every error answer. */
export interface ErrorBody {
  readonly error: string;
  readonly code: string;
}

/** Answer of `POST /v1/jobs/{id}/feedback`. */
export interface FeedbackReceipt {
  id: string;
  /** Which text of the job was rated, from 0. */
  index: number;
  model: string;
  version: string;
  /** The label the model gave. */
  predicted: string;
  /** The label recorded as right. */
  label: string;
  /** Whether the recorded label is the predicted one. */
  correct: boolean;
  /** True when this key's earlier feedback on the same answer was replaced. */
  replaced: boolean;
}
