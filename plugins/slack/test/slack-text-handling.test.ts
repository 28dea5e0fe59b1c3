import { scoreBar } from '@switchboard/channel';
import { describe, expect, it } from 'vitest';
import { parseRequestText } from '../src/command-text.js';
import { retryAfterMs } from '../src/response-url-poster.js';
import { slackConfigFromEnv } from '../src/slack-config.js';
import { scrubSecrets } from '../src/slack-logger.js';
import { escapeSlack, plainText } from '../src/slack-text.js';

const MODELS = ['sentiment', 'spam', 'toxicity'];

describe('parseRequestText', () => {
  const parse = (text: string) => parseRequestText(text, MODELS, 'sentiment');

  it('sends text to the default model unless the first word is exactly a model name', () => {
    expect(parse('great job')).toEqual({ kind: 'classify', model: 'sentiment', text: 'great job' });
    expect(parse('Spam WIN a prize')).toEqual({ kind: 'classify', model: 'spam', text: 'WIN a prize' });
    expect(parse('spammy offer')).toEqual({ kind: 'classify', model: 'sentiment', text: 'spammy offer' });
  });

  it('takes model:NAME as a model, known or not', () => {
    expect(parse('model:spam spam for lunch')).toEqual({
      kind: 'classify',
      model: 'spam',
      text: 'spam for lunch',
    });
    expect(parse('model:nope hello')).toEqual({ kind: 'unknown-model', model: 'nope', text: 'hello' });
  });

  it('recognises help and empty requests', () => {
    expect(parse(' HELP ')).toEqual({ kind: 'help' });
    expect(parse('help me out')).toMatchObject({ kind: 'classify', text: 'help me out' });
    expect(parse('  ')).toEqual({ kind: 'empty' });
    expect(parse('toxicity')).toEqual({ kind: 'empty', model: 'toxicity' });
  });
});

describe('Slack text', () => {
  it("turns Slack's encoding into what the reader saw", () => {
    expect(
      plainText('hi <@U123|ann> in <#C1|general>, see <https://x.example|this> &amp; &lt;that&gt;'),
    ).toBe('hi @ann in #general, see this & <that>');
    expect(plainText('<!here> <https://x.example>')).toBe('@here https://x.example');
    expect(escapeSlack('a < b & c > d')).toBe('a &lt; b &amp; c &gt; d');
  });

  it('draws score bars to the nearest block', () => {
    expect(scoreBar(0.52)).toBe('█████░░░░░ 52%');
    expect(scoreBar(1)).toBe('██████████ 100%');
    expect(scoreBar(0.004)).toBe('░░░░░░░░░░ 0%');
    expect(scoreBar(Number.NaN)).toBe('░░░░░░░░░░ 0%');
  });

  it('reads Retry-After in seconds or as a date', () => {
    expect(retryAfterMs('3')).toBe(3_000);
    expect(retryAfterMs(null)).toBe(1_000);
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(retryAfterMs('Wed, 01 Jan 2025 00:00:05 GMT', now)).toBe(5_000);
  });

  it('scrubs tokens and response URLs from log text', () => {
    expect(
      scrubSecrets('token xoxb-123-456-abcDEF and xapp-1-A2-3 at https://hooks.slack.com/commands/T1/2/x'),
    ).toBe('token [redacted token] and [redacted token] at https://hooks.slack.com/[redacted]');
  });
});

describe('slackConfigFromEnv', () => {
  it('chooses Socket Mode when an app token is set, HTTP mode otherwise', () => {
    const socket = slackConfigFromEnv({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' });
    expect(socket.connection).toEqual({ mode: 'socket', appToken: 'xapp-1' });
    const http = slackConfigFromEnv({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' });
    expect(http.connection).toEqual({ mode: 'http', signingSecret: 's', port: 3_000 });
    expect(http).toMatchObject({ responseVisibility: 'ephemeral', userRateLimit: 20, command: '/classify' });
  });

  it('names the variable at fault without printing secrets', () => {
    expect(() => slackConfigFromEnv({ SLACK_SIGNING_SECRET: 's' })).toThrow(/^SLACK_BOT_TOKEN is not set/);
    expect(() => slackConfigFromEnv({ SLACK_BOT_TOKEN: 'xoxb-1' })).toThrow(
      /SLACK_SIGNING_SECRET is required/,
    );
    expect(() =>
      slackConfigFromEnv({
        SLACK_BOT_TOKEN: 'xoxb-1',
        SLACK_SIGNING_SECRET: 's',
        SLACK_USER_RATE_LIMIT: '0',
      }),
    ).toThrow(/^SLACK_USER_RATE_LIMIT: /);
    expect(() => slackConfigFromEnv({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'secret-value' })).toThrow(
      /^SLACK_APP_TOKEN: must be an app-level token \(xapp-\.\.\.\)$/,
    );
  });
});
