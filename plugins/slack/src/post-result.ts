/**
 * How one attempt to post an answer went. `unusable`: this route cannot take the answer (expired
 * URL, bot not in the channel...), try the next one. Rate limits and passing failures are thrown
 * instead, so the delivery queue retries the whole delivery later.
 */
export type PostResult = { readonly posted: true } | { readonly posted: false; readonly reason: string };

/** The answer was posted. */
export const POSTED: PostResult = { posted: true };

/** This route cannot take the answer, for `reason`. */
export function unusable(reason: string): PostResult {
  return { posted: false, reason };
}
