import type { MiddlewareHandler } from 'hono';

/** Most bytes of a refused body read and thrown away so that its sender can read the answer. */
export const DISCARD_MAX_BYTES = 32 * 1024 * 1024;

/** Longest wait for the next piece of a refused body before answering anyway. */
export const DISCARD_IDLE_MS = 5_000;

/** Options of {@link bodyLimit}. */
export interface BodyLimitOptions {
  /** Largest body accepted, in bytes. */
  readonly maxBytes: number;
  /** Throws (or returns) the answer to a body over the limit; called once the body is drained. */
  readonly onTooLarge: () => never;
  /** Bound of the drain; default {@link DISCARD_MAX_BYTES}. */
  readonly discardMaxBytes?: number;
  /** Idle bound of the drain; default {@link DISCARD_IDLE_MS}. */
  readonly discardIdleMs?: number;
}

type Chunk = Awaited<ReturnType<ReadableStreamDefaultReader<Uint8Array>['read']>>;

/** The next chunk, or `undefined` when none came within `idleMs`. */
async function readWithin(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  idleMs: number,
): Promise<Chunk | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      reader.read(),
      new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), idleMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Refuses bodies over `maxBytes`, with or without Content-Length, like Hono's `bodyLimit`, but
 * reads and throws away the rest of a refused body (up to a bound) before answering. The refusal
 * closes the connection; closing while the client is still sending makes the kernel reset it, and
 * a client that writes its whole body before reading (curl with a file, most HTTP libraries) would
 * see a broken pipe instead of the 413. Past the bound, or when the client stalls, the answer goes
 * out anyway: nobody gets to keep the server reading forever. Accepted bodies are kept in memory
 * for the handlers, as Hono's middleware does.
 */
export function bodyLimit(options: BodyLimitOptions): MiddlewareHandler {
  const discardMax = options.discardMaxBytes ?? DISCARD_MAX_BYTES;
  const idleMs = options.discardIdleMs ?? DISCARD_IDLE_MS;

  const drain = async (reader: ReadableStreamDefaultReader<Uint8Array>, alreadyRead: number) => {
    let read = alreadyRead;
    while (read <= discardMax) {
      const chunk = await readWithin(reader, idleMs).catch(() => undefined);
      if (!chunk || chunk.done) return;
      read += chunk.value.length;
    }
  };

  return async (c, next) => {
    const body = c.req.raw.body;
    if (!body) return next();
    const declared = c.req.raw.headers.get('content-length');
    const chunked = c.req.raw.headers.has('transfer-encoding');
    const reader = body.getReader();
    if (declared !== null && !chunked && Number.parseInt(declared, 10) > options.maxBytes) {
      await drain(reader, 0);
      options.onTooLarge();
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > options.maxBytes) {
        await drain(reader, size);
        options.onTooLarge();
      }
      chunks.push(value);
    }
    c.req.raw = new Request(c.req.raw, { body: Buffer.concat(chunks, size) });
    return next();
  };
}
