import { randomBytes } from 'node:crypto';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SwitchboardClient, verifyWebhook, WebhookVerificationError } from '@switchboard/client';
import { connectionFromUrl, deliveryQueueName, REDACTED, redactSecretFields } from '@switchboard/core';
import type { ResolvedAddress } from '@switchboard/plugin-http';
import { Queue } from 'bullmq';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cueLabel, writeCueModel } from '../helpers/cue-model.js';
import { freePort } from '../helpers/free-port.js';
import { FAST_MODEL } from '../helpers/test-models.js';
import { waitFor } from '../helpers/wait-for.js';
import { startWorker, type WorkerProcess } from '../helpers/worker-process.js';
import { type Api, type Backend, call, KEYS, startApi, startBackend } from './http-stack.js';
import { hang, status, WebhookReceiver } from './webhook-receiver.js';

const secret = () => `whsec_${randomBytes(32).toString('base64')}`;
const SECRET = secret();
const BOB_SECRET = secret();

// A stand-in DNS: test host names resolve to what each test sets; anything else does not resolve.
const dns = new Map<string, ResolvedAddress[][]>();
const resolver = async (host: string): Promise<readonly ResolvedAddress[]> => {
  const answers = dns.get(host);
  if (!answers?.length) throw new Error(`ENOTFOUND ${host}`);
  return answers.length > 1 ? answers.shift()! : answers[0]!;
};
const v4 = (address: string): ResolvedAddress[] => [{ address, family: 4 }];

let backend: Backend;
let api: Api;
let receiver: WebhookReceiver;
let closedPort: number;
let alice: SwitchboardClient;

beforeAll(async () => {
  receiver = await new WebhookReceiver().start();
  closedPort = await freePort();
  backend = await startBackend();
  const p = receiver.port;
  api = await startApi(
    backend,
    {
      apiKeys: `alice:${KEYS.alice},bob:${KEYS.bob}:${BOB_SECRET}`,
      webhookSecret: SECRET,
      webhookAllowedOrigins: [
        `http://127.0.0.1:${p}`,
        `http://127.0.0.1:${closedPort}`,
        `http://receiver.test:${p}`,
        `http://*.hooks.test:${p}`,
        'https://*.example.com',
      ].join(','),
      webhookBackoffMs: 200,
      webhookMaxAttempts: 4,
      webhookTimeoutMs: 500,
    },
    { resolver },
  );
  alice = new SwitchboardClient({ baseUrl: api.url, apiKey: KEYS.alice });
});

afterAll(async () => {
  await api?.close();
  await backend?.close();
  await receiver?.close();
});

async function metric(name: string, label: string): Promise<number> {
  const text = (await call(api.url, 'GET', '/metrics', { key: null })).body as string;
  // Every series also carries the service's own labels (service="http"): match the one asked for.
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(label));
  return line ? Number(line.split(' ').pop()) : 0;
}

const attempts = (result: string) => metric('switchboard_webhook_attempts_total', `result="${result}"`);
const outcomes = (outcome: string) => metric('switchboard_webhook_deliveries_total', `outcome="${outcome}"`);

async function callbackTo(path: string, client = alice): Promise<string> {
  const accepted = await client.classify(['sunny in town', 'rainy morning'], {
    callbackUrl: receiver.url(path),
  });
  return accepted.id;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('callback_url on POST /v1/classify', () => {
  it('answers 202 at once and POSTs the job, signed, with the body GET /v1/jobs/{id} returns', async () => {
    const delivered = await outcomes('delivered');
    const started = Date.now();
    const res = await call(api.url, 'POST', '/v1/classify', {
      body: { inputs: ['sunny in town', 'rainy morning'], callback_url: receiver.url('/ok') },
    });
    expect(res.status).toBe(202);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(res.body).toMatchObject({ id: expect.any(String), location: `/v1/jobs/${res.body.id}` });

    const [got] = await waitFor(() => receiver.callsTo('/ok').length > 0 && receiver.callsTo('/ok'), {
      what: 'the callback',
    });
    expect(got!.headers['content-type']).toBe('application/json');
    expect(got!.headers['webhook-id']).toBe(res.body.id);
    expect(got!.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    const job = await verifyWebhook(got!.body, got!.headers, SECRET);
    expect(job.state).toBe('completed');
    expect(job.result?.results.map((r) => r.top.label)).toEqual(
      ['sunny in town', 'rainy morning'].map(cueLabel),
    );
    // Byte for byte what polling would have answered.
    const polled = await call(api.url, 'GET', `/v1/jobs/${res.body.id}`);
    expect(JSON.parse(got!.body)).toEqual(polled.body);
    // The reference implementation agrees with the client's verifier.
    expect(new Webhook(SECRET).verify(got!.body, got!.headers as Record<string, string>)).toEqual(job);
    await waitFor(async () => (await outcomes('delivered')) === delivered + 1, { what: 'delivered counted' });
  });

  it("signs with the API key's own secret when it has one", async () => {
    const bob = new SwitchboardClient({ baseUrl: api.url, apiKey: KEYS.bob });
    const id = await callbackTo('/bob', bob);
    const [got] = await waitFor(() => receiver.callsTo('/bob').length > 0 && receiver.callsTo('/bob'));
    expect((await verifyWebhook(got!.body, got!.headers, BOB_SECRET)).id).toBe(id);
    await expect(verifyWebhook(got!.body, got!.headers, SECRET)).rejects.toBeInstanceOf(
      WebhookVerificationError,
    );
  });
});

describe('retries', () => {
  it('retries a 500 with backoff until the receiver takes it', async () => {
    const before = await attempts('5xx');
    receiver.answer('/flaky', status(500), status(503));
    await callbackTo('/flaky');
    const calls = await waitFor(() => receiver.callsTo('/flaky').length >= 3 && receiver.callsTo('/flaky'));
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(150);
    expect(calls[2]!.at - calls[1]!.at).toBeGreaterThanOrEqual(350);
    // Each try is signed anew and verifies; the id stays the same so receivers can de-duplicate.
    for (const c of calls) await verifyWebhook(c.body, c.headers, SECRET);
    expect(new Set(calls.map((c) => c.headers['webhook-id'])).size).toBe(1);
    await sleep(1_000);
    expect(receiver.callsTo('/flaky')).toHaveLength(3);
    expect(await attempts('5xx')).toBe(before + 2);
  });

  it('honours Retry-After on 429 and 408', async () => {
    receiver.answer('/slow-down', status(429, { 'Retry-After': '1' }), status(408, { 'Retry-After': '1' }));
    await callbackTo('/slow-down');
    const calls = await waitFor(
      () => receiver.callsTo('/slow-down').length >= 3 && receiver.callsTo('/slow-down'),
      {
        timeoutMs: 10_000,
      },
    );
    // Backoff alone would have retried after 200 and 400 ms.
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(950);
    expect(calls[2]!.at - calls[1]!.at).toBeGreaterThanOrEqual(950);
  });

  it('retries a receiver that does not answer in time', async () => {
    const before = await attempts('timeout');
    receiver.answer('/hangs', hang);
    await callbackTo('/hangs');
    await waitFor(() => receiver.callsTo('/hangs').length >= 2);
    expect(await attempts('timeout')).toBe(before + 1);
  });

  it('gives up after the configured attempts when nothing listens', async () => {
    const expired = await outcomes('expired');
    const before = await attempts('connection_error');
    await alice.classify('sunny in town', { callbackUrl: `http://127.0.0.1:${closedPort}/nothing` });
    await waitFor(async () => (await outcomes('expired')) === expired + 1, {
      what: 'expired',
      timeoutMs: 15_000,
    });
    expect(await attempts('connection_error')).toBe(before + 4);
  });

  it('stops at 410 Gone', async () => {
    const gone = await outcomes('gone');
    receiver.answer('/gone', status(410));
    await callbackTo('/gone');
    await waitFor(async () => (await outcomes('gone')) === gone + 1, { what: 'gone counted' });
    await sleep(1_000);
    expect(receiver.callsTo('/gone')).toHaveLength(1);
  });

  it('does not retry other 4xx answers', async () => {
    const rejected = await outcomes('rejected');
    receiver.answer('/bad', status(400));
    await callbackTo('/bad');
    await waitFor(async () => (await outcomes('rejected')) === rejected + 1, { what: 'rejected counted' });
    await sleep(1_000);
    expect(receiver.callsTo('/bad')).toHaveLength(1);
  });

  it('does not follow redirects', async () => {
    const redirects = await outcomes('redirect');
    receiver.answer('/moved', status(307, { Location: receiver.url('/elsewhere') }));
    await callbackTo('/moved');
    await waitFor(async () => (await outcomes('redirect')) === redirects + 1, { what: 'redirect counted' });
    await sleep(500);
    expect(receiver.callsTo('/moved')).toHaveLength(1);
    expect(receiver.callsTo('/elsewhere')).toHaveLength(0);
  });
});

describe('SSRF guard', () => {
  const refused = async (callbackUrl: string) => {
    const res = await call(api.url, 'POST', '/v1/classify', {
      body: { inputs: 'sunny', callback_url: callbackUrl },
    });
    expect(res.status, callbackUrl).toBe(422);
    expect(res.body.code).toBe('callback_not_allowed');
    return res.body.error as string;
  };

  it('refuses origins outside HTTP_WEBHOOK_ALLOWED_ORIGINS', async () => {
    expect(await refused(`http://127.0.0.1:${receiver.port + 1}/x`)).toMatch(
      /not in the server's HTTP_WEBHOOK_ALLOWED_ORIGINS/,
    );
    expect(await refused('https://169.254.169.254/latest/meta-data')).toMatch(/ALLOWED_ORIGINS/);
    expect(await refused('ftp://files.example.com/x')).toMatch(/https/);
    expect(await refused('not a url')).toMatch(/not a URL/);
  });

  it('refuses http where the allowed origin says https', async () => {
    dns.set('api.example.com', [v4('93.184.216.34')]);
    expect(await refused('http://api.example.com/hook')).toMatch(/ALLOWED_ORIGINS/);
  });

  it('refuses a host that resolves to loopback, private or link-local addresses unless named exactly', async () => {
    for (const [host, address] of [
      ['loop.hooks.test', '127.0.0.1'],
      ['ten.hooks.test', '10.1.2.3'],
      ['meta.hooks.test', '169.254.169.254'],
      ['mapped.hooks.test', '::ffff:127.0.0.1'],
    ] as const) {
      dns.set(host, [[{ address, family: address.includes(':') ? 6 : 4 }]]);
      expect(await refused(`http://${host}:${receiver.port}/x`)).toMatch(/internal address/);
    }
    expect(receiver.callsTo('/x')).toHaveLength(0);
  });

  it('delivers to an exactly named host, connecting to the address it checked', async () => {
    // receiver.test exists only in the test's resolver: reaching it proves the sender connected to
    // the address the policy resolved, not to a second lookup of its own.
    dns.set('receiver.test', [v4('127.0.0.1')]);
    const { id } = await alice.classify('sunny in town', {
      callbackUrl: `http://receiver.test:${receiver.port}/named`,
    });
    const [got] = await waitFor(() => receiver.callsTo('/named').length > 0 && receiver.callsTo('/named'));
    expect(got!.headers.host).toBe(`receiver.test:${receiver.port}`);
    expect((await verifyWebhook(got!.body, got!.headers, SECRET)).id).toBe(id);
  });

  it('checks the address again at delivery (DNS rebinding)', async () => {
    const before = await outcomes('refused');
    // Public when the request is admitted, loopback when the delivery resolves it.
    dns.set('rebind.hooks.test', [v4('93.184.216.34'), v4('127.0.0.1')]);
    const res = await call(api.url, 'POST', '/v1/classify', {
      body: { inputs: 'sunny', callback_url: `http://rebind.hooks.test:${receiver.port}/rebind` },
    });
    expect(res.status).toBe(202);
    await waitFor(async () => (await outcomes('refused')) === before + 1, { what: 'refused counted' });
    expect(receiver.callsTo('/rebind')).toHaveLength(0);
  });

  it('refuses callbacks when the server has no webhook secret', async () => {
    const plain = await startApi(backend, { webhookAllowedOrigins: `http://127.0.0.1:${receiver.port}` });
    try {
      const res = await call(plain.url, 'POST', '/v1/classify', {
        body: { inputs: 'sunny', callback_url: receiver.url('/x') },
      });
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('callback_not_allowed');
      expect(res.body.error).toMatch(/HTTP_WEBHOOK_SECRET/);
    } finally {
      await plain.close();
    }
  });

  it('with only per-key secrets, takes callbacks from those keys alone', async () => {
    const perKey = await startApi(backend, {
      apiKeys: `alice:${KEYS.alice},bob:${KEYS.bob}:${BOB_SECRET}`,
      webhookAllowedOrigins: `http://127.0.0.1:${receiver.port}`,
    });
    try {
      const body = { inputs: 'sunny in town', callback_url: receiver.url('/per-key') };
      const refusedAlice = await call(perKey.url, 'POST', '/v1/classify', { body });
      expect(refusedAlice.status).toBe(422);
      expect(refusedAlice.body.error).toMatch(/cannot sign callbacks for your API key/);
      const accepted = await call(perKey.url, 'POST', '/v1/classify', { body, key: KEYS.bob });
      expect(accepted.status).toBe(202);
      const [got] = await waitFor(
        () => receiver.callsTo('/per-key').length > 0 && receiver.callsTo('/per-key'),
      );
      expect((await verifyWebhook(got!.body, got!.headers, BOB_SECRET)).id).toBe(accepted.body.id);
    } finally {
      await perKey.close();
    }
  });
});

describe('verifyWebhook', () => {
  const body = JSON.stringify({ id: 'http-1', state: 'completed', model: 'm', texts: 1, createdAt: 1 });
  const signed = (at = new Date(), key = SECRET) => {
    const headers = {
      'webhook-id': 'http-1',
      'webhook-timestamp': String(Math.floor(at.getTime() / 1_000)),
      'webhook-signature': new Webhook(key).sign('http-1', at, body),
    };
    return headers;
  };

  it('accepts a genuine delivery (Headers or a plain record)', async () => {
    expect((await verifyWebhook(body, signed(), SECRET)).id).toBe('http-1');
    expect((await verifyWebhook(new TextEncoder().encode(body), new Headers(signed()), SECRET)).id).toBe(
      'http-1',
    );
    // A rotation: several signatures, one of them valid.
    const h = signed();
    expect(
      (await verifyWebhook(body, { ...h, 'webhook-signature': `v1,AAAA ${h['webhook-signature']}` }, SECRET))
        .id,
    ).toBe('http-1');
  });

  it('refuses forged signatures, altered bodies and stale timestamps', async () => {
    const reject = (p: Promise<unknown>) => expect(p).rejects.toBeInstanceOf(WebhookVerificationError);
    await reject(verifyWebhook(body, signed(new Date(), secret()), SECRET));
    await reject(verifyWebhook(body.replace('completed', 'failed'), signed(), SECRET));
    await reject(verifyWebhook(body, { ...signed(), 'webhook-id': 'http-2' }, SECRET));
    await reject(verifyWebhook(body, { ...signed(), 'webhook-signature': 'v1,Zm9yZ2Vk' }, SECRET));
    await reject(verifyWebhook(body, { ...signed(), 'webhook-signature': '' }, SECRET));
    await reject(verifyWebhook(body, signed(new Date(Date.now() - 6 * 60_000)), SECRET));
    await reject(verifyWebhook(body, signed(new Date(Date.now() + 6 * 60_000)), SECRET));
    // Within the tolerance is fine.
    expect((await verifyWebhook(body, signed(new Date(Date.now() - 4 * 60_000)), SECRET)).id).toBe('http-1');
  });
});

describe('durable delivery', () => {
  it('starts and stops promptly while Redis is unreachable', async () => {
    const down = { ...backend, redisUrl: `redis://127.0.0.1:${closedPort}` };
    const started = Date.now();
    const lone = await startApi(down, { webhookSecret: SECRET }, { resolver });
    dns.set('api.example.com', [v4('93.184.216.34')]);
    const res = await call(lone.url, 'POST', '/v1/classify', {
      body: { inputs: 'sunny', callback_url: 'https://api.example.com/x' },
    });
    // A callback is accepted only once its job is queued: nothing is answered 202 and then lost.
    expect(res.status).toBe(503);
    expect(res.body.code).toBe('queue_unavailable');
    await lone.close();
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('delivers results and failures that finished while no API was running', async () => {
    const own = await startBackend({ worker: false });
    // A model the API lists (it reads only the folder's metadata) but no worker can load.
    await writeCueModel(join(own.models.dir, 'broken'));
    for (const file of await readdir(join(own.models.dir, 'broken'))) {
      if (file.endsWith('.onnx')) await writeFile(join(own.models.dir, 'broken', file), 'not an onnx model');
    }
    const options = { webhookSecret: SECRET, webhookAllowedOrigins: `http://127.0.0.1:${receiver.port}` };
    let worker: WorkerProcess | undefined;
    let second: Api | undefined;
    const deliveries = new Queue(deliveryQueueName('webhook'), {
      connection: connectionFromUrl(own.redisUrl),
      prefix: own.prefix,
    });
    try {
      const first = await startApi(own, options);
      const ok = await call(first.url, 'POST', '/v1/classify', {
        body: { inputs: 'sunny in town', callback_url: receiver.url('/durable') },
      });
      const bad = await call(first.url, 'POST', '/v1/classify', {
        body: { inputs: 'sunny in town', model: 'broken', callback_url: receiver.url('/durable') },
      });
      expect([ok.status, bad.status]).toEqual([202, 202]);
      await first.close();

      worker = await startWorker({ redisUrl: own.redisUrl, prefix: own.prefix, modelsDir: own.models.dir });
      await waitFor(async () => (await deliveries.getWaitingCount()) === 2, {
        what: 'two deliveries queued',
      });
      // The hook URL is a credential of the receiver's: whatever shows job data hides it.
      const [queued] = await deliveries.getWaiting();
      expect(queued!.data.replyTo.callbackUrl).toBe(receiver.url('/durable'));
      expect(redactSecretFields(queued!.data).replyTo.callbackUrl).toBe(REDACTED);
      expect(receiver.callsTo('/durable')).toHaveLength(0);

      second = await startApi(own, options);
      const calls = await waitFor(
        () => receiver.callsTo('/durable').length >= 2 && receiver.callsTo('/durable'),
      );
      const jobs = await Promise.all(calls.map((c) => verifyWebhook(c.body, c.headers, SECRET)));
      const byId = new Map(jobs.map((j) => [j.id, j]));
      expect(byId.get(ok.body.id)).toMatchObject({ state: 'completed', model: FAST_MODEL });
      expect(byId.get(bad.body.id)).toMatchObject({
        state: 'failed',
        model: 'broken',
        error: { code: expect.any(String) },
      });
      expect(byId.get(bad.body.id)?.result).toBeUndefined();
    } finally {
      await deliveries.close();
      await second?.close();
      await worker?.stop();
      await own.close();
    }
  });
});
