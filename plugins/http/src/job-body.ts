import type { ClassifyRequest, ClassifyResult, DeliveryError, JobState } from '@switchboard/core';
import { resultBody } from './classify-gateway.js';

/** A job as `GET /v1/jobs/{id}` answers it, and as a webhook delivers it. */
export interface JobBody {
  id: string;
  state: JobState;
  model: string;
  texts: number;
  createdAt: number;
  result?: ReturnType<typeof resultBody>;
  error?: DeliveryError;
}

/** The JSON of a job: its state, with the result or the error once finished. */
export function jobBody(job: {
  readonly id: string;
  readonly state: JobState;
  readonly request: ClassifyRequest;
  readonly result?: ClassifyResult | undefined;
  readonly error?: DeliveryError | undefined;
}): JobBody {
  return {
    id: job.id,
    state: job.state,
    model: job.request.model,
    texts: job.request.texts.length,
    createdAt: job.request.createdAt,
    ...(job.result ? { result: resultBody(job.result) } : {}),
    ...(job.error ? { error: job.error } : {}),
  };
}
