/** Version of the job and delivery payloads; bumped on any incompatible change. */
export const CONTRACT_VERSION = 1;

/** Most texts in one request. */
export const MAX_TEXTS_PER_REQUEST = 64;

/** Most characters (UTF-16 code units) in one text. */
export const MAX_TEXT_CHARS = 10_000;

/** Longest request id; ids double as BullMQ job ids and idempotency keys. */
export const MAX_REQUEST_ID_CHARS = 128;

/** Largest channel-specific reply target, serialised; it rides along in every job. */
export const MAX_REPLY_TARGET_BYTES = 4_096;
