import { Writable } from 'node:stream';
import { markSecretFields, REDACTED, redactSecretFields, SECRET_FIELDS_KEY } from '@switchboard/core';
import { describe, expect, it } from 'vitest';
import { channelOptionsFromEnv } from '../src/channel-env.js';
import { createChannelLogger } from '../src/channel-logger.js';
import { invalidTextMessage } from '../src/refusal.js';

const URL_SECRET = 'https://hooks.example.com/reply/abc123-very-secret';

describe('secret reply-target fields', () => {
  it('are recorded in the target and hidden at any depth of job data, leaving the rest', () => {
    const replyTo = markSecretFields({ kind: 'command', replyUrl: URL_SECRET, user: 'ann' }, [
      'replyUrl',
      'absent',
    ]);
    expect(replyTo[SECRET_FIELDS_KEY]).toEqual(['replyUrl']);
    const delivery = { request: { id: 'r1', replyTo }, replyTo, outcome: { ok: true } };
    const shown = redactSecretFields(delivery);
    expect(JSON.stringify(shown)).not.toContain(URL_SECRET);
    expect(shown.replyTo).toMatchObject({ kind: 'command', replyUrl: REDACTED, user: 'ann' });
    expect(shown.request.replyTo.replyUrl).toBe(REDACTED);
    // The input is not changed: the delivery still needs the real URL.
    expect(delivery.replyTo.replyUrl).toBe(URL_SECRET);
  });
});

describe('createChannelLogger', () => {
  it('never writes secret fields, tokens or secret patterns, wherever they are', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const log = createChannelLogger({
      channel: 'hook',
      level: 'debug',
      secretFields: ['replyUrl'],
      secretPatterns: [[/abc123-[a-z-]+/g, '[redacted]']],
      destination: sink,
    });
    log.info({ delivery: { replyTo: { replyUrl: URL_SECRET, user: 'ann' } }, token: 't0k3n' }, 'delivered');
    log.warn({ err: `POST ${URL_SECRET} failed` }, `could not post to ${URL_SECRET}`);
    log.error(new Error(`refused ${URL_SECRET}`));
    const all = lines.join('');
    expect(lines).toHaveLength(3);
    expect(all).not.toContain('abc123');
    expect(all).not.toContain('t0k3n');
    expect(all).toContain('"user":"ann"');
    expect(all).toContain('"service":"hook"');
  });
});

describe('channelOptionsFromEnv', () => {
  it('reads the common options under the channel name and names a bad variable without its value', () => {
    const options = channelOptionsFromEnv(
      'hook',
      {},
      {},
      { HOOK_USER_RATE_LIMIT: '5', HOOK_HEALTH_PORT: '0' },
    );
    expect(options).toMatchObject({
      userRateLimit: 5,
      healthPort: 0,
      prefix: 'switchboard',
      logLevel: 'info',
    });
    expect(() => channelOptionsFromEnv('hook', {}, {}, { HOOK_USER_RATE_LIMIT: 'lots' })).toThrow(
      /^HOOK_USER_RATE_LIMIT: /,
    );
  });
});

describe('refusal wording', () => {
  it("turns the core's field message into a sentence about the text", () => {
    expect(invalidTextMessage('texts[0]', 'texts[0] is longer than 10000 characters')).toBe(
      'The text is longer than 10000 characters.',
    );
    expect(invalidTextMessage('model', 'model is not a valid model name')).toBe(
      'Model is not a valid model name.',
    );
  });
});
