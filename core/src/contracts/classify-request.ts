import { createHash } from 'node:crypto';
import { z } from 'zod';
import {
  CONTRACT_VERSION,
  MAX_REPLY_TARGET_BYTES,
  MAX_REQUEST_ID_CHARS,
  MAX_TEXT_CHARS,
  MAX_TEXTS_PER_REQUEST,
} from './limits.js';
import { MODEL_REF_PATTERN } from './model-ref.js';

// BullMQ job ids may not contain ':' and must not look like integers.
const REQUEST_ID = /^[A-Za-z][A-Za-z0-9_.-]*$/;
const CHANNEL = /^[a-z][a-z0-9-]{0,31}$/;
const MODEL = MODEL_REF_PATTERN;

// Validation must refuse, never throw: JSON.stringify throws on BigInt and circular references.
function jsonLength(value: unknown): number | undefined {
  try {
    return JSON.stringify(value)?.length;
  } catch {
    return undefined;
  }
}

// Characters that show nothing: controls (NUL, ...), format characters (zero-width space and
// joiners, BOM, bidi marks), separators and unpaired surrogate halves.
const INVISIBLE = /^[\p{Cc}\p{Cf}\p{Z}\p{Cs}\s]*$/u;

/**
 * Why a text cannot be classified, as the end of a sentence that starts with its field name
 * (`texts[1] is empty`), or undefined when it can. Every channel checks texts with this.
 */
export function unreadableText(text: string): 'is empty' | 'has no visible characters' | undefined {
  if (text.trim().length === 0) return 'is empty';
  return INVISIBLE.test(text) ? 'has no visible characters' : undefined;
}

/**
 * One text to classify: at most {@link MAX_TEXT_CHARS} characters, not blank, and with something
 * a person could read (a text of NULs or zero-width characters would get a confident label for
 * nothing).
 */
export const TextSchema = z
  .string()
  .max(MAX_TEXT_CHARS, `is longer than ${MAX_TEXT_CHARS} characters`)
  .superRefine((t, ctx) => {
    const problem = unreadableText(t);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

/**
 * A classification job: what the channel adapter enqueues. The core treats `channel` and
 * `replyTo` as opaque: only the adapter that made the request reads them back.
 */
export const ClassifyRequestSchema = z.object({
  v: z.literal(CONTRACT_VERSION),
  id: z
    .string()
    .max(MAX_REQUEST_ID_CHARS)
    .regex(REQUEST_ID, 'must start with a letter and use only letters, digits, _ . -'),
  model: z.string().regex(MODEL, 'is not a valid model name'),
  texts: z
    .array(TextSchema)
    .min(1, 'needs at least one text')
    .max(MAX_TEXTS_PER_REQUEST, `allows at most ${MAX_TEXTS_PER_REQUEST} texts`),
  channel: z.string().regex(CHANNEL, 'must be a lower-case channel name'),
  requester: z.object({ id: z.string().min(1).max(256), name: z.string().max(256).optional() }),
  /** `deliver`: the result goes to the channel's delivery queue; `wait`: the caller awaits the job. */
  replyMode: z.enum(['deliver', 'wait']),
  replyTo: z
    .record(z.string(), z.unknown())
    .refine((r) => jsonLength(r) !== undefined, 'must be plain JSON (no BigInt, no circular references)')
    .refine(
      (r) => (jsonLength(r) ?? 0) <= MAX_REPLY_TARGET_BYTES,
      `is larger than ${MAX_REPLY_TARGET_BYTES} bytes`,
    ),
  createdAt: z.number().int().nonnegative(),
});

/** A validated classification job. */
export type ClassifyRequest = z.infer<typeof ClassifyRequestSchema>;

/** The fields a channel supplies; the rest are filled in by {@link newClassifyRequest}. */
export type ClassifyRequestInput = Omit<ClassifyRequest, 'v' | 'createdAt' | 'replyTo' | 'replyMode'> &
  Partial<Pick<ClassifyRequest, 'createdAt' | 'replyTo' | 'replyMode'>>;

/** Builds a request with defaults (`createdAt` now, `replyMode` wait, no reply target). Not validated. */
export function newClassifyRequest(input: ClassifyRequestInput): ClassifyRequest {
  return { v: CONTRACT_VERSION, createdAt: Date.now(), replyTo: {}, replyMode: 'wait', ...input };
}

/**
 * A request id derived from a channel event, so that a retried webhook maps to the same job and is
 * classified once. `parts` must identify the event (e.g. Slack trigger id, Discord interaction id).
 */
export function requestIdFor(channel: string, ...parts: readonly (string | number)[]): string {
  const digest = createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);
  return `${channel}-${digest}`;
}
