import { z } from 'zod';
import { ClassifyRequestSchema } from './classify-request.js';
import { ClassifyResultSchema } from './classify-result.js';
import { CONTRACT_VERSION } from './limits.js';

/** A failure told to the person who asked: a stable code and a sentence they can act on. */
export const DeliveryErrorSchema = z.object({ code: z.string(), message: z.string() });

/**
 * What a worker hands to an asynchronous channel (Slack, Discord) on its delivery queue once a
 * job has finished or finally failed.
 */
export const DeliverySchema = z.object({
  v: z.literal(CONTRACT_VERSION),
  request: ClassifyRequestSchema,
  outcome: z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), result: ClassifyResultSchema }),
    z.object({ ok: z.literal(false), error: DeliveryErrorSchema }),
  ]),
  replyTo: z.record(z.string(), z.unknown()),
});

/** A validated delivery. */
export type Delivery = z.infer<typeof DeliverySchema>;
/** A failure inside a delivery. */
export type DeliveryError = z.infer<typeof DeliveryErrorSchema>;
