import { ClassifyQueue, newClassifyRequest } from '@switchboard/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliRun, runCli } from '../helpers/run-cli.js';
import { FAST_MODEL } from '../helpers/test-models.js';
import { waitFor } from '../helpers/wait-for.js';
import { type Api, type Backend, call, startApi, startBackend } from './http-stack.js';

let backend: Backend;
let api: Api;

beforeAll(async () => {
  backend = await startBackend();
  api = await startApi(backend);
});

afterAll(async () => {
  await api?.close();
  await backend?.close();
});

function cli(args: string[]): Promise<CliRun> {
  return runCli(args, { REDIS_URL: backend.redisUrl, SWITCHBOARD_QUEUE_PREFIX: backend.prefix });
}

describe('switchboard report', () => {
  it('reports asked, answered, time to answer and agreement per channel × model × version', async () => {
    // 40 sunny texts in one job, and one more job: every answer is "positive".
    const texts = Array.from({ length: 40 }, (_, i) => `sunny day ${i}`);
    const big = await call(api.url, 'POST', '/v1/classify', { body: { inputs: texts } });
    expect(big.status).toBe(200);
    const small = await call(api.url, 'POST', '/v1/classify', { body: { inputs: 'rainy' } });
    expect(small.status).toBe(200);
    // 32 people say 'neutral', 8 agree: 20% agreement over 40 rated answers.
    for (let index = 0; index < 40; index++) {
      const body = index < 32 ? { label: 'neutral', index } : { correct: true, index };
      const fb = await call(api.url, 'POST', `/v1/jobs/${big.body.id}/feedback`, { body });
      expect(fb.status).toBe(200);
    }
    // A job for a model no worker has fails: availability drops below 100% on its row.
    const queue = await ClassifyQueue.connect({ redisUrl: backend.redisUrl, prefix: backend.prefix });
    try {
      await queue.enqueue(
        newClassifyRequest({
          id: 'cli-missing-1',
          model: 'missing',
          texts: ['x'],
          channel: 'cli',
          requester: { id: 't' },
        }),
      );
      await waitFor(
        async () => ((await queue.getJob('cli-missing-1'))?.state === 'failed' ? true : undefined),
        {
          what: 'the job of a missing model to fail',
        },
      );
    } finally {
      await queue.close();
    }

    const run = await cli(['report', '--since', '1h', '--json']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const rows = JSON.parse(run.stdout) as Record<string, unknown>[];
    const http = rows.find((r) => r.channel === 'http')!;
    expect(http).toMatchObject({
      model: FAST_MODEL,
      version: '1.0.0',
      asked: 2,
      answered: 2,
      availability: 1,
      rated: 40,
      agreement: 0.2,
      confusion: [{ predicted: 'positive', label: 'neutral', count: 32 }],
    });
    expect(http.time_to_answer_p50_ms).toEqual(expect.any(Number));
    expect(http.time_to_answer_p95_ms as number).toBeGreaterThanOrEqual(http.time_to_answer_p50_ms as number);
    expect(http.agreement_low as number).toBeLessThan(0.2);
    expect(http.agreement_high as number).toBeGreaterThan(0.2);
    expect((http.recommendations as string[])[0]).toContain(
      '80% of 40 rated answers were wrong, mostly positive → neutral',
    );
    const failed = rows.find((r) => r.channel === 'cli')!;
    expect(failed).toMatchObject({ model: 'missing', asked: 1, answered: 0, availability: 0, rated: 0 });
    expect(Object.keys(failed.failures as object)).toHaveLength(1);

    const md = await cli(['report', '--since', '1h', '--md']);
    expect(md.status).toBe(0);
    expect(md.stdout).toContain(`| http | ${FAST_MODEL} | 1.0.0 | 2 | 2 | 100.0% |`);
    expect(md.stdout).toContain('| positive | neutral | 32 |');
    const table = await cli(['report', '--since', '1h']);
    expect(table.stdout).toMatch(/^CHANNEL\s+MODEL/);
  });

  it('refuses a bad window and both formats at once', async () => {
    expect((await cli(['report', '--since', 'soon'])).status).toBe(2);
    expect((await cli(['report', '--json', '--md'])).status).toBe(2);
  });
});
