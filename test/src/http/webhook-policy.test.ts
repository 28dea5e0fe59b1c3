import {
  AllowedOrigins,
  ApiKeyring,
  CallbackPolicy,
  CallbackRefusedError,
  decide,
  isInternalAddress,
  type RetryBounds,
  retryAfterMs,
  WebhookSecrets,
} from '@switchboard/plugin-http';
import { describe, expect, it } from 'vitest';

describe('AllowedOrigins', () => {
  const list = AllowedOrigins.parse('https://*.example.com, http://127.0.0.1:9000,https://hooks.acme.io');

  it('matches scheme, host (with *. wildcards) and port', () => {
    const allows = (u: string) => list.allows(new URL(u));
    expect(allows('https://a.example.com/x')).toBe(true);
    expect(allows('https://a.b.example.com/x')).toBe(true);
    expect(allows('https://example.com/x')).toBe(false);
    expect(allows('https://evil-example.com/x')).toBe(false);
    expect(allows('http://a.example.com/x')).toBe(false);
    expect(allows('https://a.example.com:8443/x')).toBe(false);
    expect(allows('http://127.0.0.1:9000/hook')).toBe(true);
    expect(allows('http://127.0.0.1:9001/hook')).toBe(false);
    expect(allows('https://HOOKS.acme.io:443/x')).toBe(true);
    expect(list.namesExactly(new URL('http://127.0.0.1:9000/'))).toBe(true);
    expect(list.namesExactly(new URL('https://a.example.com/'))).toBe(false);
  });

  it('allows any https origin (and no http) when no list is set', () => {
    const open = AllowedOrigins.parse('');
    expect(open.allows(new URL('https://anything.example.org/x'))).toBe(true);
    expect(open.allows(new URL('http://anything.example.org/x'))).toBe(false);
  });

  it('refuses entries that are not origins', () => {
    expect(() => AllowedOrigins.parse('https://a.com/path')).toThrow(/origin only/);
    expect(() => AllowedOrigins.parse('ftp://a.com')).toThrow(/http/);
    expect(() => AllowedOrigins.parse('nonsense')).toThrow(/not an origin/);
  });
});

describe('isInternalAddress', () => {
  it('knows loopback, private, link-local and mapped addresses from public ones', () => {
    for (const a of [
      '127.0.0.1',
      '10.0.0.1',
      '172.16.5.4',
      '192.168.1.1',
      '169.254.169.254',
      '0.0.0.0',
      '100.64.0.1',
    ]) {
      expect(isInternalAddress(a), a).toBe(true);
    }
    for (const a of ['::1', '::', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1', '::ffff:a00:1']) {
      expect(isInternalAddress(a), a).toBe(true);
    }
    for (const a of ['93.184.216.34', '8.8.8.8', '2606:4700::1111', '172.32.0.1']) {
      expect(isInternalAddress(a), a).toBe(false);
    }
    expect(isInternalAddress('not-an-ip')).toBe(true);
  });
});

describe('CallbackPolicy', () => {
  it('refuses a host when any of its addresses is internal', async () => {
    const policy = new CallbackPolicy(AllowedOrigins.parse(''), async () => [
      { address: '93.184.216.34', family: 4 },
      { address: '10.0.0.7', family: 4 },
    ]);
    await expect(policy.check('https://two.example.com/x')).rejects.toThrow(
      /internal address \(10\.0\.0\.7\)/,
    );
  });

  it('marks a host that does not resolve as transient, and refuses credentials in the URL', async () => {
    const policy = new CallbackPolicy(AllowedOrigins.parse(''), async () => {
      throw new Error('ENOTFOUND');
    });
    const err = await policy.check('https://gone.example.com/x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CallbackRefusedError);
    expect((err as CallbackRefusedError).transient).toBe(true);
    expect(() => policy.parse('https://user:pw@a.example.com/')).toThrow(/credentials/);
    expect(() => policy.parse(`https://a.example.com/${'x'.repeat(2_100)}`)).toThrow(/longer/);
  });
});

describe('retry decision', () => {
  const bounds: RetryBounds = {
    backoffMs: 1_000,
    maxDelayMs: 3_600_000,
    maxAttempts: 30,
    maxAgeMs: 86_400_000,
  };
  const now = 1_000_000_000;

  it('backs off exponentially on 5xx, timeouts and connection errors, capped', () => {
    expect(decide('5xx', undefined, 1, now, bounds, now)).toEqual({ kind: 'retry', delayMs: 1_000 });
    expect(decide('timeout', undefined, 3, now, bounds, now)).toEqual({ kind: 'retry', delayMs: 4_000 });
    expect(decide('connection_error', undefined, 20, now, bounds, now)).toEqual({
      kind: 'retry',
      delayMs: 3_600_000,
    });
  });

  it('follows Retry-After on 408 and 429 only', () => {
    expect(decide('429', 30_000, 1, now, bounds, now)).toEqual({ kind: 'retry', delayMs: 30_000 });
    expect(decide('408', 5_000, 1, now, bounds, now)).toEqual({ kind: 'retry', delayMs: 5_000 });
    expect(decide('5xx', 30_000, 1, now, bounds, now)).toEqual({ kind: 'retry', delayMs: 1_000 });
    expect(decide('429', undefined, 2, now, bounds, now)).toEqual({ kind: 'retry', delayMs: 2_000 });
  });

  it('stops on 410, other 4xx, redirects, after the attempts and past the age bound', () => {
    expect(decide('410', undefined, 1, now, bounds, now)).toMatchObject({ kind: 'stop', outcome: 'gone' });
    expect(decide('4xx', undefined, 1, now, bounds, now)).toMatchObject({
      kind: 'stop',
      outcome: 'rejected',
    });
    expect(decide('3xx', undefined, 1, now, bounds, now)).toMatchObject({
      kind: 'stop',
      outcome: 'redirect',
    });
    expect(decide('5xx', undefined, 30, now, bounds, now)).toMatchObject({
      kind: 'stop',
      outcome: 'expired',
    });
    // A Retry-After beyond the day is not waited for.
    expect(decide('429', 90_000_000, 1, now, bounds, now)).toMatchObject({
      kind: 'stop',
      outcome: 'expired',
    });
    expect(decide('2xx', undefined, 1, now, bounds, now)).toEqual({ kind: 'delivered' });
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(retryAfterMs('120')).toBe(120_000);
    expect(retryAfterMs(new Date(now + 10_000).toUTCString(), now)).toBe(10_000);
    expect(retryAfterMs('soon')).toBeUndefined();
    expect(retryAfterMs(undefined)).toBeUndefined();
  });
});

describe('webhook secrets', () => {
  const good = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;

  it('reads per-key secrets from HTTP_API_KEYS and falls back to HTTP_WEBHOOK_SECRET', () => {
    const own = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;
    const keyring = ApiKeyring.parse(`ci:ci-key-0123456789abcdef:${own},web:web-key-0123456789abcdef`);
    expect(keyring.names).toEqual(['ci', 'web']);
    expect(keyring.verify('ci-key-0123456789abcdef')).toBe('ci');
    expect(keyring.webhookSecretOf('ci')).toBe(own);
    expect(keyring.webhookSecretOf('web')).toBeUndefined();
    const secrets = new WebhookSecrets({
      defaultSecret: good,
      secretOf: (c) => keyring.webhookSecretOf(c),
      callers: keyring.names,
    });
    const sign = (caller: string) => secrets.signerFor(caller)!.sign('id', new Date(0), 'b');
    expect(sign('ci')).not.toBe(sign('web'));
    expect(new WebhookSecrets({ defaultSecret: '', secretOf: () => undefined, callers: [] }).any).toBe(false);
  });

  it('refuses malformed secrets without printing them', () => {
    const make = (defaultSecret: string) => () =>
      new WebhookSecrets({ defaultSecret, secretOf: () => undefined, callers: [] });
    expect(make('hunter2-not-a-secret')).toThrow(/HTTP_WEBHOOK_SECRET/);
    expect(make('whsec_c2hvcnQ=')).toThrow(/24 or more/);
    try {
      make('whsec_c2hvcnQ=')();
    } catch (err) {
      expect((err as Error).message).not.toContain('c2hvcnQ');
    }
  });
});
