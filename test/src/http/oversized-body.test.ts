import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Api, type Backend, KEYS, startApi, startBackend } from './http-stack.js';

// A client that writes its whole body before it reads anything (curl with a file, many HTTP
// libraries) must get the 413, not a reset connection: the server reads and discards the body up
// to a bound before it closes.

let backend: Backend;
let api: Api;
const LIMIT = 64 * 1024;

beforeAll(async () => {
  backend = await startBackend({ worker: false });
  api = await startApi(backend, { bodyLimitBytes: LIMIT });
});

afterAll(async () => {
  await api?.close();
  await backend?.close();
});

/** What a raw-socket client saw: the bytes it read, and the error its writes or reads hit. */
interface RawExchange {
  readonly response: string;
  readonly error: string | undefined;
}

/**
 * Sends `head` and then `bodyBytes` of body in 64 kB writes, waiting for each write to be taken
 * (so it never reads before it has written everything), then reads until the server closes.
 */
function writeAllThenRead(
  port: number,
  head: string,
  bodyBytes: number,
  chunked = false,
): Promise<RawExchange> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let error: string | undefined;
    socket.pause();
    const finish = () => resolve({ response: Buffer.concat(chunks).toString('latin1'), error });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      error = err.code ?? err.message;
    });
    socket.on('close', finish);
    socket.once('connect', async () => {
      const piece = Buffer.alloc(64 * 1024, 'a');
      const write = (data: string | Buffer) =>
        new Promise<void>((done, fail) => socket.write(data, (err) => (err ? fail(err) : done())));
      try {
        await write(head);
        for (let sent = 0; sent < bodyBytes; sent += piece.length) {
          const part = piece.subarray(0, Math.min(piece.length, bodyBytes - sent));
          await write(
            chunked
              ? Buffer.concat([Buffer.from(`${part.length.toString(16)}\r\n`), part, Buffer.from('\r\n')])
              : part,
          );
        }
        if (chunked) await write('0\r\n\r\n');
      } catch (err) {
        error = (err as NodeJS.ErrnoException).code ?? String(err);
      }
      socket.on('data', (c: Buffer) => chunks.push(c));
      socket.resume();
    });
    socket.setTimeout(30_000, () => socket.destroy(new Error('timed out')));
  });
}

describe('an oversized body written in full before reading', () => {
  const cases = [
    ['/v1/classify', 'Content-Length'],
    ['/predict', 'Content-Length'],
    ['/v1/classify', 'chunked'],
  ] as const;
  for (const [path, framing] of cases) {
    it(`gets its 413 on ${path} (10 MB, ${framing})`, async () => {
      const size = 10 * 1024 * 1024;
      const head = [
        `POST ${path} HTTP/1.1`,
        `Host: 127.0.0.1`,
        `Authorization: Bearer ${KEYS.alice}`,
        'Content-Type: application/json',
        framing === 'chunked' ? 'Transfer-Encoding: chunked' : `Content-Length: ${size}`,
        '',
        '',
      ].join('\r\n');
      const { response, error } = await writeAllThenRead(api.server.port!, head, size, framing === 'chunked');
      expect(error).toBeUndefined();
      expect(response).toMatch(/^HTTP\/1\.1 413 /);
      expect(response).toMatch(/\r\nconnection: close\r\n/i);
      const body = JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4)) as Record<string, unknown>;
      expect(body).toMatchObject({ code: 'payload_too_large' });
      expect(body.error).toContain(`${LIMIT} bytes`);
    });
  }

  it('is answered without reading past the bound: a body far over it is cut off, not read to the end', async () => {
    // 64 MB declared, 40 MB sent: the server reads at most DISCARD_MAX_BYTES (32 MB), answers and
    // closes, so this client's writes fail rather than the server reading everything.
    const size = 64 * 1024 * 1024;
    const head = [
      'POST /v1/classify HTTP/1.1',
      'Host: 127.0.0.1',
      `Authorization: Bearer ${KEYS.alice}`,
      'Content-Type: application/json',
      `Content-Length: ${size}`,
      '',
      '',
    ].join('\r\n');
    const { error } = await writeAllThenRead(api.server.port!, head, 40 * 1024 * 1024);
    expect(['EPIPE', 'ECONNRESET']).toContain(error);
  });
});
