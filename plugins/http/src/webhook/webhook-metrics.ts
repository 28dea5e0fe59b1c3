import { Counter, type Registry } from 'prom-client';
import type { AttemptResult } from './retry-decision.js';

const RESULTS: readonly AttemptResult[] = [
  '2xx',
  '3xx',
  '408',
  '410',
  '429',
  '4xx',
  '5xx',
  'timeout',
  'connection_error',
  'refused',
];
const OUTCOMES = [
  'delivered',
  'gone',
  'rejected',
  'redirect',
  'refused',
  'expired',
  'too_large',
  'malformed',
];

/** Counters of webhook deliveries, on the API's `/metrics`. */
export class WebhookMetrics {
  /** Every POST tried, by what it came to. */
  readonly attempts: Counter<'result'>;
  /** Every delivery ended, by how. */
  readonly deliveries: Counter<'outcome'>;

  constructor(registry: Registry) {
    this.attempts = new Counter({
      name: 'switchboard_webhook_attempts_total',
      help: 'Webhook POSTs tried, by result: 2xx, 3xx, 408, 410, 429, 4xx, 5xx, timeout, connection_error, refused (SSRF guard).',
      labelNames: ['result'] as const,
      registers: [registry],
    });
    this.deliveries = new Counter({
      name: 'switchboard_webhook_deliveries_total',
      help: 'Webhook deliveries ended, by outcome: delivered, gone (410), rejected (4xx), redirect, refused, expired (retries exhausted), too_large, malformed.',
      labelNames: ['outcome'] as const,
      registers: [registry],
    });
    // Zero series from the start, so rates and alerts work before the first event.
    for (const result of RESULTS) this.attempts.inc({ result }, 0);
    for (const outcome of OUTCOMES) this.deliveries.inc({ outcome }, 0);
  }
}
