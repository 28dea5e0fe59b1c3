import { afterAll, beforeAll, expect, it } from 'vitest';
import { cueLabel } from '../helpers/cue-model.js';
import { deletePrefixKeys, SHARED_REDIS_URL, uniquePrefix } from '../helpers/redis-keys.js';
import { runCli } from '../helpers/run-cli.js';
import { createTestModels, FAST_MODEL, type TestModels } from '../helpers/test-models.js';
import { startWorker, type WorkerProcess } from '../helpers/worker-process.js';

// `switchboard classify --queue` takes the same path as every channel: CLI → Redis → worker process.

const prefix = uniquePrefix('cliq');
let models: TestModels;
let worker: WorkerProcess;

beforeAll(async () => {
  models = await createTestModels();
  worker = await startWorker({ redisUrl: SHARED_REDIS_URL, prefix, modelsDir: models.dir });
});

afterAll(async () => {
  await worker?.stop();
  await deletePrefixKeys(SHARED_REDIS_URL, prefix).catch(() => 0);
  await models?.remove();
});

function cli(args: string[], input: string, env: Record<string, string> = {}) {
  const base = {
    REDIS_URL: SHARED_REDIS_URL,
    SWITCHBOARD_QUEUE_PREFIX: prefix,
    SWITCHBOARD_MODELS: models.dir,
  };
  return runCli(args, { ...base, ...env }, input);
}

it('classifies stdin through the queue, more texts than one job holds, in input order', async () => {
  const texts = Array.from({ length: 150 }, (_, i) =>
    i % 3 === 0 ? `a sunny day ${i}` : i % 3 === 1 ? `rainy again ${i}` : `plain words ${i}`,
  );
  const run = await cli(['classify', '--queue', '--json', '--model', FAST_MODEL], `${texts.join('\n')}\n`);
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  const lines = run.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { text: string; label: string });
  expect(lines.map((l) => l.text)).toEqual(texts);
  expect(lines.map((l) => l.label)).toEqual(texts.map(cueLabel));
});

it('exits 4 with a plain message when Redis is unreachable', async () => {
  const run = await cli(['classify', '--queue', '--model', FAST_MODEL, 'sunny'], '', {
    REDIS_URL: 'redis://127.0.0.1:1',
  });
  expect(run.status).toBe(4);
  expect(run.stderr).toContain('temporarily unavailable');
});

it('exits 2 for an unknown model before anything is enqueued', async () => {
  const run = await cli(['classify', '--queue', '--model', 'nope', 'sunny'], '');
  expect(run.status).toBe(2);
  expect(run.stderr).toContain('Unknown model "nope"');
});
