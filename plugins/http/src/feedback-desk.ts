import { type FeedbackStore, isAgreement, isConnectionError } from '@switchboard/core';
import type { ClassifyGateway } from './classify-gateway.js';
import { HttpError } from './http-error.js';

/** What a caller says about one answer: the right label, or that the predicted one was right. */
export interface FeedbackInput {
  readonly label?: string | undefined;
  readonly correct?: boolean | undefined;
  /** Which text of the job (0 by default). */
  readonly index?: number | undefined;
}

/** The recorded feedback, as `POST /v1/jobs/{id}/feedback` answers it. */
export interface FeedbackReceipt {
  id: string;
  index: number;
  model: string;
  version: string;
  predicted: string;
  label: string;
  correct: boolean;
  replaced: boolean;
}

/** Settings of {@link FeedbackDesk}. */
export interface FeedbackDeskOptions {
  /** Feedback is refused (409) this long after the job finished. */
  readonly windowMs: number;
  /** Whether the rated text is stored with the record. */
  readonly keepText: boolean;
}

/**
 * Takes feedback on the API's own answers. A job is looked up like `GET /v1/jobs/{id}` does, so
 * another key's job is a 404 exactly as an unknown one: answering 403 would confirm to a stranger
 * that the id exists. The person is the API key (by name), hashed like every channel's people.
 */
export class FeedbackDesk {
  constructor(
    private readonly gateway: ClassifyGateway,
    private readonly store: FeedbackStore,
    private readonly options: FeedbackDeskOptions,
  ) {}

  /** Records `input` on job `id` for `caller`; throws HttpError 404 / 409 / 422. */
  async give(id: string, caller: string, input: FeedbackInput): Promise<FeedbackReceipt> {
    const job = await this.gateway.job(id, caller);
    if (job.state !== 'completed' || !job.result) {
      throw new HttpError(
        409,
        'job_not_completed',
        `Job ${id} is ${job.state}: feedback can be given only on a completed job's answer.`,
      );
    }
    const result = job.result;
    if (Date.now() - result.finishedAt > this.options.windowMs) {
      throw new HttpError(
        409,
        'feedback_window_closed',
        `The feedback window of job ${id} closed ${Math.round(this.options.windowMs / 60_000)} minutes after it finished.`,
      );
    }
    const index = input.index ?? 0;
    const answer = result.results[index];
    if (!answer) {
      throw new HttpError(
        422,
        'invalid_input',
        `index ${index} is out of range: job ${id} has ${result.results.length} text(s), numbered from 0.`,
      );
    }
    const labels = answer.labels.map((l) => l.label);
    const label = this.labelOf(input, answer.top.label);
    if (!labels.includes(label)) {
      throw new HttpError(
        422,
        'unknown_label',
        `Model ${result.model}@${result.version} has no label "${label}"; its labels: ${labels.join(', ')}.`,
      );
    }
    const text = job.request.texts[index];
    const record = {
      jobId: id,
      textIndex: index,
      channel: 'http',
      scope: { key: caller },
      model: result.model,
      version: result.version,
      predicted: { label: answer.top.label, score: answer.top.score },
      label,
      at: Date.now(),
      person: await this.store.personHash('http', caller).catch((err: unknown) => {
        throw isConnectionError(err) ? unreachable() : err;
      }),
      ...(this.options.keepText && text !== undefined ? { text } : {}),
    };
    const { replaced } = await this.store.add(record).catch((err: unknown) => {
      throw isConnectionError(err) ? unreachable() : err;
    });
    return {
      id,
      index,
      model: result.model,
      version: result.version,
      predicted: answer.top.label,
      label,
      correct: isAgreement(record),
      replaced,
    };
  }

  private labelOf(input: FeedbackInput, predicted: string): string {
    if (input.label !== undefined) {
      if (input.correct === true && input.label !== predicted) {
        throw new HttpError(
          422,
          'invalid_input',
          `"correct": true says the predicted label "${predicted}" is right, but "label" is "${input.label}". Send one of them.`,
        );
      }
      return input.label;
    }
    if (input.correct === true) return predicted;
    throw new HttpError(
      422,
      'invalid_input',
      'Send {"label": "<the right label>"}, or {"correct": true} when the predicted label is right.',
    );
  }
}

function unreachable(): HttpError {
  return new HttpError(
    503,
    'queue_unavailable',
    'Redis is unreachable: the feedback was not recorded. Try again in a few seconds.',
    {
      'Retry-After': '5',
    },
  );
}
