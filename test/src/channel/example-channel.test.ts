import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { type ChannelAdapter, ChannelRuntime, createChannelLogger } from '@switchboard/channel';
import { CLASSIFY_QUEUE, connectionFromUrl, REDACTED, redactSecretFields } from '@switchboard/core';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deletePrefixKeys, SHARED_REDIS_URL, uniquePrefix } from '../helpers/redis-keys.js';
import { createTestModels, FAST_MODEL, type TestModels } from '../helpers/test-models.js';
import { waitFor } from '../helpers/wait-for.js';
import { REPO_ROOT, startWorker, type WorkerProcess } from '../helpers/worker-process.js';

// docs/channels.md promises a complete channel in about 80 lines. This test takes that code block
// as written, type-checks it, and runs it on the real queue with a real worker process.

const FILE = 'example-hook-channel.ts';
const redisUrl = SHARED_REDIS_URL;
const prefix = uniquePrefix('hook');
// Inside the test package, so that the example's imports resolve as in a channel package.
const dir = join(REPO_ROOT, 'test', `.example-${randomBytes(4).toString('hex')}`);

let models: TestModels;
let worker: WorkerProcess;
let runtime: ChannelRuntime<Record<string, unknown>>;
let askUrl: string;
let receiver: Server;
let replyUrl: string;
const replies: { user: string; text: string }[] = [];

async function exampleSource(): Promise<string> {
  const doc = await readFile(join(REPO_ROOT, 'docs', 'channels.md'), 'utf8');
  const block = new RegExp(`\`\`\`ts file=${FILE}\\n([\\s\\S]*?)\\n\`\`\``).exec(doc);
  if (!block) throw new Error(`docs/channels.md has no \`\`\`ts file=${FILE} block`);
  return block[1]!;
}

beforeAll(async () => {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, FILE), await exampleSource());
  models = await createTestModels();
  worker = await startWorker({ redisUrl, prefix, modelsDir: models.dir });
  receiver = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    replies.push(JSON.parse(body));
    res.writeHead(204).end();
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  // A reply URL carrying a token, as webhook URLs often do: the channel marks it secret.
  replyUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook?token=hook-secret-${randomBytes(8).toString('hex')}`;
}, 120_000);

afterAll(async () => {
  await runtime?.close();
  await worker?.stop();
  await new Promise((resolve) => receiver?.close(resolve));
  await deletePrefixKeys(redisUrl, prefix);
  await models?.remove();
  await rm(dir, { recursive: true, force: true });
});

async function ask(body: unknown, key?: string) {
  const res = await fetch(askUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe('the example channel of docs/channels.md', () => {
  it('type-checks as written', async () => {
    await writeFile(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        extends: '../../tsconfig.base.json',
        compilerOptions: {
          composite: false,
          noEmit: true,
          emitDeclarationOnly: false,
          declaration: false,
          declarationMap: false,
        },
        files: [FILE],
      }),
    );
    const tsc = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const run = await promisify(execFile)(process.execPath, [tsc, '-p', dir], { cwd: dir }).catch(
      (err: { stdout: string; stderr: string }) => err,
    );
    expect(`${run.stdout}${run.stderr}`).toBe('');
  }, 180_000);

  it('classifies through the real queue and worker and delivers to the reply URL', async () => {
    const { hookChannel } = (await import(pathToFileURL(join(dir, FILE)).href)) as {
      hookChannel: (model: string) => ChannelAdapter<Record<string, unknown>, string>;
    };
    runtime = new ChannelRuntime(hookChannel(FAST_MODEL), {
      redisUrl,
      prefix,
      userRateLimit: 3,
      log: createChannelLogger({ channel: 'hook', level: 'silent', secretFields: ['replyUrl'] }),
    });
    askUrl = String((await runtime.start()).url);

    const first = await ask({ user: 'ann', text: 'the weather today was sunny', replyUrl }, 'event-1');
    expect(first.status).toBe(202);
    await waitFor(() => replies.length === 1, { what: 'the answer posted to the reply URL' });
    expect(replies[0]).toEqual({ user: 'ann', text: expect.stringMatching(/^positive █+░* \d+%$/) });

    // The same platform event again: the same job, not a second classification.
    const again = await ask({ user: 'ann', text: 'the weather today was sunny', replyUrl }, 'event-1');
    expect(again.json.id).toBe(first.json.id);

    // The reply URL is in the job, marked secret: what the dashboard shows hides it.
    const queue = new Queue(CLASSIFY_QUEUE, { connection: connectionFromUrl(redisUrl), prefix });
    const job = await queue.getJob(String(first.json.id));
    await queue.close();
    expect(job?.data.replyTo.replyUrl).toBe(replyUrl);
    expect(redactSecretFields(job?.data).replyTo.replyUrl).toBe(REDACTED);
  });

  it("refuses bad text in the core's words and a person over the limit with when to try again", async () => {
    const empty = await ask({ user: 'bob', text: '   ', replyUrl });
    expect(empty.status).toBe(400);
    expect(empty.json).toMatchObject({
      queued: false,
      reason: 'invalid_text',
      message: 'The text is empty.',
    });

    // ann has made 2 of her 3 requests a minute (the repeated event counted as asked again).
    const third = await ask({ user: 'ann', text: 'rainy', replyUrl });
    expect(third.status).toBe(202);
    const over = await ask({ user: 'ann', text: 'rainy again', replyUrl });
    expect(over.status).toBe(429);
    expect(String(over.json.message)).toMatch(/Try again in \d+ s\./);
    expect(
      await runtime.metrics.registry.getSingleMetricAsString('switchboard_channel_refusals_total'),
    ).toContain('reason="rate_limited"');
  });
});
