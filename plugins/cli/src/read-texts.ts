import { open } from 'node:fs/promises';
import { TextDecoder } from 'node:util';
import { InputError } from '@switchboard/core';

/** Most texts one `classify` call reads from stdin or a file. */
export const MAX_TEXTS = 10_000;
/** Most characters (Unicode code points) in one text. */
export const MAX_TEXT_CHARS = 10_000;
// A code point takes at most 4 bytes in UTF-8, so a line longer than this is over the limit for sure;
// checking bytes lets us refuse before buffering an endless line.
const MAX_LINE_BYTES = MAX_TEXT_CHARS * 4;

/** Where `classify` takes its texts from. */
export type TextSource =
  | { readonly kind: 'argument'; readonly text: string }
  | { readonly kind: 'stdin' }
  | { readonly kind: 'file'; readonly path: string };

/** Texts read from a source, in input order, with blank lines already skipped. */
export interface InputTexts {
  readonly texts: string[];
  /** For messages: `the text argument`, `stdin` or the file path. */
  readonly origin: string;
}

/**
 * Reads the texts to classify. A text argument is one text; stdin and files hold one text per line
 * (blank lines skipped). Throws {@link InputError} for empty, binary, over-long or unreadable input.
 */
export async function readTexts(source: TextSource): Promise<InputTexts> {
  if (source.kind === 'argument') {
    if (source.text.trim().length === 0) {
      throw new InputError('The text to classify is empty. Give a non-blank text, or "-" to read stdin.');
    }
    checkLength(source.text, 'The text argument');
    return { texts: [source.text], origin: 'the text argument' };
  }
  if (source.kind === 'stdin') {
    const texts = await linesOf(process.stdin, 'stdin');
    return { texts: nonEmpty(texts, 'stdin'), origin: 'stdin' };
  }
  const texts = await readFileLines(source.path);
  return { texts: nonEmpty(texts, source.path), origin: source.path };
}

async function readFileLines(path: string): Promise<string[]> {
  let handle: import('node:fs/promises').FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    throw new InputError(`Cannot read ${path}: ${describeReadError(err)}.`, 'file');
  }
  try {
    return await linesOf(handle.createReadStream({ autoClose: false }), path);
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(`Cannot read ${path}: ${describeReadError(err)}.`, 'file');
  } finally {
    await handle.close();
  }
}

/**
 * Splits a byte stream into non-blank lines. Works on bytes so that the line number of a NUL byte
 * or a bad UTF-8 sequence can be reported (0x0A never occurs inside a multi-byte UTF-8 character).
 */
async function linesOf(stream: AsyncIterable<Buffer | string>, origin: string): Promise<string[]> {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  const texts: string[] = [];
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let lineNo = 0;

  const finishLine = (bytes: Buffer): void => {
    lineNo++;
    const text = decodeLine(decoder, bytes, lineNo, origin).replace(/\r$/, '');
    if (text.trim().length === 0) return;
    checkLength(text, `Line ${lineNo} of ${origin}`);
    if (texts.length === MAX_TEXTS) {
      throw new InputError(
        `${origin} holds more than ${MAX_TEXTS} texts; split the input and classify it in parts.`,
      );
    }
    texts.push(text);
  };

  for await (const chunk of stream) {
    let buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    for (let nl = buf.indexOf(0x0a); nl !== -1; nl = buf.indexOf(0x0a)) {
      pending.push(buf.subarray(0, nl));
      finishLine(Buffer.concat(pending));
      pending = [];
      pendingBytes = 0;
      buf = buf.subarray(nl + 1);
    }
    if (buf.length > 0) {
      pending.push(buf);
      pendingBytes += buf.length;
      if (pendingBytes > MAX_LINE_BYTES) throw tooLong(`Line ${lineNo + 1} of ${origin}`);
    }
  }
  if (pendingBytes > 0) finishLine(Buffer.concat(pending));
  return texts;
}

function decodeLine(decoder: TextDecoder, bytes: Buffer, lineNo: number, origin: string): string {
  const nul = bytes.indexOf(0);
  if (nul !== -1) {
    throw new InputError(
      `${origin} looks like binary data: line ${lineNo} contains a NUL byte. Give plain UTF-8 text, one text per line.`,
    );
  }
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    throw new InputError(
      `${origin} is not valid UTF-8 text (line ${lineNo}). Convert it to UTF-8, e.g. with iconv, and try again.`,
    );
  }
  // A byte-order mark is an encoding artefact, not part of the first text.
  return lineNo === 1 && text.startsWith('\uFEFF') ? text.slice(1) : text;
}

function nonEmpty(texts: string[], origin: string): string[] {
  if (texts.length === 0) {
    throw new InputError(
      `No text to classify: ${origin} is empty or holds only blank lines. Give one text per line.`,
    );
  }
  return texts;
}

function checkLength(text: string, what: string): void {
  // UTF-16 length is an upper bound of the code point count, so most texts skip the exact count.
  if (text.length > MAX_TEXT_CHARS && countCodePoints(text) > MAX_TEXT_CHARS) throw tooLong(what);
}

function tooLong(what: string): InputError {
  return new InputError(
    `${what} is longer than ${MAX_TEXT_CHARS} characters; shorten it or split it into several texts.`,
  );
}

function countCodePoints(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

function describeReadError(err: unknown): string {
  switch ((err as NodeJS.ErrnoException).code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a folder, not a file';
    default:
      return (err as Error).message;
  }
}
