import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliRun, runCli } from '../helpers/run-cli.js';
import { FAST_MODEL } from '../helpers/test-models.js';
import { type Api, type Backend, call, KEYS, startApi, startBackend } from './http-stack.js';

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
  return runCli(args, {
    SWITCHBOARD_API_KEY: KEYS.alice,
    REDIS_URL: backend.redisUrl,
    SWITCHBOARD_QUEUE_PREFIX: backend.prefix,
  });
}

async function classify(inputs: string[]): Promise<string> {
  const res = await call(api.url, 'POST', '/v1/classify', { body: { inputs } });
  expect(res.status).toBe(200);
  return res.body.id as string;
}

describe('switchboard feedback', () => {
  it('records feedback through the server, then exports it as trainer TSV', async () => {
    const id = await classify(['sunny\tday', 'rainy\nnight']);
    const wrong = await cli(['feedback', id, 'negative', '--server', api.url]);
    expect(wrong.stderr).toBe('');
    expect(wrong.status).toBe(0);
    expect(wrong.stdout).toBe(`Recorded negative for ${id}: the answer was wrong (predicted positive).\n`);
    const again = await cli(['feedback', id, 'neutral', '--server', api.url]);
    expect(again.stdout).toContain('your earlier feedback was replaced');
    const right = await cli(['feedback', id, '--correct', '--index', '1', '--server', api.url]);
    expect(right.status).toBe(0);
    expect(right.stdout).toContain('the answer was right');

    const exported = await cli(['feedback', 'export', '--model', FAST_MODEL, '--since', '1h']);
    expect(exported.status).toBe(0);
    expect(exported.stdout).toBe('label\ttext\nneutral\tsunny day\nnegative\trainy night\n');
    expect(exported.stderr).toContain('Exported 2 example(s)');
    const none = await cli(['feedback', 'export', '--channel', 'slack']);
    expect(none.stdout).toBe('label\ttext\n');
    const otherModel = await cli(['feedback', 'export', '--model', 'sentiment']);
    expect(otherModel.stdout).toBe('label\ttext\n');
  });

  it('exits 2 with the server sentence for an unknown job or label, and for bad usage', async () => {
    const unknown = await cli(['feedback', 'http-nosuchjob', 'negative', '--server', api.url]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('No job with id http-nosuchjob');
    const id = await classify(['sunny']);
    const badLabel = await cli(['feedback', id, 'purple', '--server', api.url]);
    expect(badLabel.status).toBe(2);
    expect(badLabel.stderr).toContain('has no label "purple"');
    const noLabel = await cli(['feedback', id, '--server', api.url]);
    expect(noLabel.status).toBe(2);
    expect(noLabel.stderr).toContain('--correct');
    const badSince = await cli(['feedback', 'export', '--since', 'lately']);
    expect(badSince.status).toBe(2);
    expect(badSince.stderr).toContain('--since "lately"');
  });

  it('exits 4 when Redis is unreachable for an export', async () => {
    const run = await runCli(['feedback', 'export'], { REDIS_URL: 'redis://127.0.0.1:1' });
    expect(run.status).toBe(4);
    expect(run.stdout).toBe('');
  });
});
